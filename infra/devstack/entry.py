"""The container's command: `web <service>`, `worker`, `beat`, `migrate` or `mail` (infra/docker).

Roles map to the argv in `processes.py` and replace this process (`os.execvp`), so the program
itself is PID 1 and receives the container's SIGTERM.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from services.common.settings import var_dir

from . import processes as procdefs
from .procs import ProcessFailed, run_once

ROLES = ("web", "worker", "beat", "migrate", "mail")


def role_argv(args: list[str]) -> tuple[str, ...] | None:
    """The argv a role runs (None for `migrate`, which runs several commands)."""
    role, rest = args[0], args[1:]
    if role == "web":
        if len(rest) != 1 or rest[0] not in procdefs.WEB_SERVICES:
            raise SystemExit(f"usage: web {{{'|'.join(procdefs.WEB_SERVICES)}}}")
        return procdefs.web_argv(rest[0])
    if role == "worker":
        return procdefs.worker_argv()
    if role == "beat":
        return procdefs.beat_argv(var_dir())
    if role == "migrate":
        return None
    if role == "mail":
        # The development mail catcher: every interface of its container, files under VAR_DIR.
        return procdefs.mail_argv(f"0.0.0.0:{procdefs.MAIL_PORT}", mail_dir(os.environ))
    return tuple(args)  # anything else runs as given (a shell, a flask command)


def mail_dir(env: Mapping[str, str]) -> str:
    """Where the mail catcher files messages: MAIL_DIR, else VAR_DIR/mail (as the auth service)."""
    return env.get("MAIL_DIR") or str(var_dir() / "mail")


def migrate_commands(env: Mapping[str, str]) -> list[tuple[str, ...]]:
    """The migrate role: the edge's certificate when compose asks for one (TLS_SELF_SIGNED_DIR),
    then the set-up `make run` and the tests run too (signing key, migrations, seed data)."""
    commands: list[tuple[str, ...]] = []
    if env.get("TLS_SELF_SIGNED_DIR"):
        commands.append(("python", "-m", "infra.nginx.certificate", env["TLS_SELF_SIGNED_DIR"]))
    return commands + procdefs.before_start_commands()


def migrate_plan(
    commands: list[tuple[str, ...]],
) -> tuple[list[tuple[str, ...]], list[list[tuple[str, ...]]]]:
    """(commands to run first, in order; chains that may then run side by side).

    Every command that is not a `flask --app` one goes first (certificate, signing key); then
    one chain per app, its migrations before its seed data: the services' databases are
    independent, so the chains need not wait for each other.
    """
    first: list[tuple[str, ...]] = []
    chains: dict[str, list[tuple[str, ...]]] = {}
    for argv in commands:
        if argv[:2] == ("flask", "--app"):
            chains.setdefault(argv[2], []).append(argv)
        else:
            first.append(argv)
    return first, list(chains.values())


def run_chain(chain: list[tuple[str, ...]]) -> str:
    """Run commands in order; their transcript, or ProcessFailed at the first failure."""
    transcript = ""
    for argv in chain:
        transcript += f"migrate | $ {shlex.join(argv)}\n" + run_once(argv, os.environ, 600)
    return transcript


def migrate() -> int:
    """Run the set-up (a fresh `up` waits on it, hence the chains side by side); stop at the
    first failure."""
    first, chains = migrate_plan(migrate_commands(os.environ))
    try:
        print(run_chain(first), end="", flush=True)
        with ThreadPoolExecutor(max_workers=max(1, len(chains))) as pool:
            for transcript in pool.map(run_chain, chains):
                print(transcript, end="", flush=True)
    except ProcessFailed as exc:
        print(f"migrate | failed: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Dispatch on the role; exec the program for long-running roles."""
    args = list(sys.argv[1:] if argv is None else argv) or ["web", "gateway"]
    command = role_argv(args)
    if command is None:
        return migrate()
    os.execvp(command[0], list(command))
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())

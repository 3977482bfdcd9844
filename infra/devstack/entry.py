"""The container's command: `web <service>`, `worker`, `beat` or `migrate` (infra/docker).

Roles map to the argv in `processes.py` and replace this process (`os.execvp`), so the program
itself is PID 1 and receives the container's SIGTERM.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping

from services.common.settings import var_dir

from . import processes as procdefs
from .procs import ProcessFailed, run_once

ROLES = ("web", "worker", "beat", "migrate")


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
    return tuple(args)  # anything else runs as given (a shell, a flask command)


def migrate_commands(env: Mapping[str, str]) -> list[tuple[str, ...]]:
    """The migrate role: the edge's certificate when compose asks for one (TLS_SELF_SIGNED_DIR),
    then the set-up `make run` and the tests run too (signing key, migrations, seed data)."""
    commands: list[tuple[str, ...]] = []
    if env.get("TLS_SELF_SIGNED_DIR"):
        commands.append(("python", "-m", "infra.nginx.certificate", env["TLS_SELF_SIGNED_DIR"]))
    return commands + procdefs.before_start_commands()


def migrate() -> int:
    """Run every set-up command in order; stop at the first failure."""
    for argv in migrate_commands(os.environ):
        print(f"migrate | $ {shlex.join(argv)}", flush=True)
        try:
            print(run_once(argv, os.environ, timeout_s=600), end="", flush=True)
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

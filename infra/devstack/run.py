"""`make run`: the whole platform on this machine, under honcho, until Ctrl-C.

Prepares what is missing (dev secrets, SQLite databases and migrations, signing keys, seed data),
renders nginx's config and a Procfile into `var/`, then hands over to honcho, which starts every
process in its own process group and, on Ctrl-C, SIGTERMs each group and SIGKILLs stragglers.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from infra.nginx.render import nginx_binary, render

from . import processes as procdefs
from .environment import Topology, ensure_dev_secrets, platform_env, sqlite_urls
from .net import port_in_use
from .procs import ProcessFailed, run_once

PORT_ENV = {
    "nginx": "NGINX_PORT",
    "gateway": "GATEWAY_PORT",
    "auth": "AUTH_PORT",
    "content": "CONTENT_PORT",
    "quiz": "QUIZ_PORT",
}
DEFAULT_DEV_REDIS_PORT = 6390


def say(message: str) -> None:
    """Print a line of `make run` output."""
    print(f"make run | {message}", flush=True)


def topology_from_env() -> Topology:
    """Development ports, each overridable (e.g. NGINX_PORT=9080 make run)."""
    ports = {name: int(os.environ.get(var) or procdefs.DEFAULT_PORTS[name])
             for name, var in PORT_ENV.items()}  # fmt: skip
    return Topology(ports=ports, public_host="localhost")


def plan(var_dir: Path, topology: Topology) -> tuple[list[procdefs.ProcessSpec], dict[str, str]]:
    """The processes to run and the environment they share."""
    specs: list[procdefs.ProcessSpec] = []
    extra = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "1"),
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "4"),
    }
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if shutil.which("redis-server"):
        redis_port = int(os.environ.get("DEV_REDIS_PORT") or DEFAULT_DEV_REDIS_PORT)
        (var_dir / "redis").mkdir(exist_ok=True)
        specs.append(procdefs.redis_server(redis_port, var_dir / "redis"))
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        say(f"starting redis-server on port {redis_port}")
    else:
        say(f"redis-server is not installed: using REDIS_URL={redis_url}")
    public = topology.ports["nginx"]
    # Redirects and the Google callback are built from the public origin, never from Host.
    # Links in mail point here; without SMTP_URL the auth service files mail under var/mail/.
    extra["PUBLIC_URL"] = os.environ.get("PUBLIC_URL") or f"http://localhost:{public}"
    if nginx_binary():
        conf = render(
            var_dir / "nginx",
            {"NGINX_PORT": f"127.0.0.1:{public}",
             "NGINX_PUBLIC_URL": topology.public_url,
             "NGINX_UPSTREAM": f"127.0.0.1:{topology.ports['gateway']}"},
        )  # fmt: skip
        specs.append(procdefs.nginx(conf.parent / "run", conf))
        specs.append(procdefs.web("gateway", "127.0.0.1", topology.ports["gateway"]))
        extra.update(GATEWAY_PROXY_COUNT="1", SERVICE_PROXY_COUNT="2")
    else:
        say(f"nginx is not installed: the gateway serves port {public} directly")
        specs.append(procdefs.web("gateway", "127.0.0.1", public))
        extra.update(GATEWAY_PROXY_COUNT="0", SERVICE_PROXY_COUNT="1")
    for service in procdefs.DB_SERVICES:
        specs.append(procdefs.web(service, "127.0.0.1", topology.ports[service]))
    specs += [procdefs.worker(), procdefs.beat(var_dir)]
    specs.append(procdefs.readiness_announcer(topology.public_url))
    env = platform_env(
        topology,
        var_dir=var_dir,
        redis_url=redis_url,
        redis_prefix=os.environ.get("REDIS_KEY_PREFIX", "fi:"),
        database_urls=sqlite_urls(var_dir),
        dev_secrets=ensure_dev_secrets(var_dir),
        extra=extra,
    )
    return specs, env


def procfile_line(spec: procdefs.ProcessSpec) -> str:
    """One Procfile entry; `exec env` so the signal honcho sends reaches the program itself."""
    assignments = [f"{k}={v}" for k, v in spec.env.items()]
    return f"{spec.name}: exec " + shlex.join(["env", *assignments, *spec.argv])


def write_files(var_dir: Path, specs: list[procdefs.ProcessSpec], env: dict[str, str]) -> None:
    """Write var/Procfile and var/dev.env (source the latter to run `flask` commands by hand)."""
    (var_dir / "Procfile").write_text("".join(procfile_line(s) + "\n" for s in specs))
    env_text = "".join(f"{k}={shlex.quote(v)}\n" for k, v in sorted(env.items()))
    fd = os.open(var_dir / "dev.env", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(env_text)


def busy_ports(topology: Topology, specs: list[procdefs.ProcessSpec]) -> list[str]:
    """Ports this run needs that something else already listens on."""
    wanted = {name: port for name, port in topology.ports.items()}
    if any(s.name == "redis" for s in specs):
        wanted["redis"] = int(os.environ.get("DEV_REDIS_PORT") or DEFAULT_DEV_REDIS_PORT)
    if not any(s.name == "nginx" for s in specs):
        wanted.pop("gateway")
    return [f"{name} ({port})" for name, port in wanted.items() if port_in_use(port)]


def main(argv: list[str] | None = None) -> int:
    """Prepare and exec honcho (`--migrate-only`: prepare and stop); returns only on an error
    or after `--migrate-only`."""
    migrate_only = "--migrate-only" in (sys.argv[1:] if argv is None else argv)
    var_dir = Path(os.environ.get("VAR_DIR") or procdefs.REPO_ROOT / "var").resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    topology = topology_from_env()
    specs, env = plan(var_dir, topology)
    busy = [] if migrate_only else busy_ports(topology, specs)
    if busy:
        say(f"ports already in use: {', '.join(busy)} (another make run? see docs/operations.md)")
        return 1
    child_env = {**os.environ, **env}
    try:
        for argv in procdefs.before_start_commands():
            say("$ " + shlex.join(argv))
            run_once(argv, child_env, timeout_s=300)
    except ProcessFailed as exc:
        say(f"set-up failed: {exc}")
        return 1
    write_files(var_dir, specs, env)
    if migrate_only:
        say(f"databases under {var_dir} are up to date")
        return 0
    url = topology.public_url
    say(f"starting the platform at {url}; 'ready' follows when every service answers")
    honcho = str(Path(sys.executable).parent / "honcho")
    argv = [honcho, "-f", str(var_dir / "Procfile"), "-d", str(procdefs.REPO_ROOT),
            "-e", str(var_dir / "dev.env"), "start"]  # fmt: skip
    os.execve(honcho, argv, child_env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())

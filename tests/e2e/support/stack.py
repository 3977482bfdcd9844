"""`Stack`: the whole platform as real processes on free ports, reachable through nginx only.

Process commands and environment come from `infra.devstack` (the same definitions `make run`
uses), so these tests exercise what developers and operators run.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import redis
import requests

from infra.devstack import processes as procdefs
from infra.devstack.environment import Topology, generate_secrets, platform_env
from infra.devstack.net import free_ports, http_status, port_in_use
from infra.devstack.procs import ManagedProcess, ProcessFailed, run_once, wait_until
from infra.nginx.render import render

from .databases import Databases

BIN_DIR = Path(sys.executable).parent
REQUIRED_BINARIES = ("nginx", "redis-server")
# Boot order; teardown runs it backwards.
ORDER = ("redis", "oidc", "smtp", "auth", "content", "quiz", "gateway", "worker", "beat", "nginx")
STARTABLE = ("auth", "content", "quiz", "gateway", "worker", "beat", "nginx")
READY_TIMEOUT_S = 60.0


def missing_binaries() -> list[str]:
    """System programs the harness needs that are not installed."""
    path = f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin"
    return [name for name in REQUIRED_BINARIES if shutil.which(name, path=path) is None]


class Stack:
    """A running platform: `base_url` is nginx; what tests may use is listed in
    tests/e2e/conftest.py."""

    def __init__(
        self,
        workdir: Path,
        databases: Databases | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.var_dir = workdir / "var"
        self.log_dir = workdir / "logs"
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        names = ("nginx", "gateway", "auth", "content", "quiz", "redis", "oidc", "smtp")
        ports = dict(zip(names, free_ports(len(names)), strict=True))
        self.topology = Topology(ports=ports)
        self.base_url = self.topology.url("nginx")
        self.oidc_url = self.topology.url("oidc")
        # What the platform mails arrives at a real SMTP server and is filed here.
        self.mail_dir = workdir / "mail"
        self.redis_url = f"redis://127.0.0.1:{ports['redis']}/0"
        self.redis_prefix = f"fi-e2e-{secrets.token_hex(3)}:"
        self.databases = databases or Databases(procdefs.DB_SERVICES)
        self.extra_env = dict(extra_env or {})
        self.env: dict[str, str] = {}
        self.processes: dict[str, ManagedProcess] = {}
        self._admin_token: str | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def boot(self) -> None:
        """Start everything and wait until nginx reports the platform ready."""
        self._start_process(self.redis_spec())
        self._start_process(procdefs.oidc_mock(self.topology.ports["oidc"]))
        smtp_port = self.topology.ports["smtp"]
        self._start_process(procdefs.smtp_server(smtp_port, self.mail_dir))
        self.env = self._environment(self.databases.create())
        for argv in procdefs.before_start_commands():
            output = run_once(argv, self.env)
            with (self.log_dir / "before-start.log").open("a") as log:
                log.write(f"$ {' '.join(argv)}\n{output}")
        for name in STARTABLE:
            self._start_process(self._spec(name))
        wait_until(
            lambda: http_status(f"{self.base_url}/readyz") == 200,
            READY_TIMEOUT_S,
            "GET /readyz through nginx to answer 200 (" + self._readyz_detail() + ")",
        )

    def close(self) -> None:
        """Stop every process (reverse order), then drop the databases."""
        for name in reversed(ORDER):
            process = self.processes.get(name)
            if process is not None:
                process.stop()
        self.databases.drop()

    # -- the fixture's interface -----------------------------------------------------------

    def log(self, name: str) -> str:
        """Everything process `name` printed so far (all of its runs)."""
        return self.processes[name].output()

    def stop(self, name: str) -> None:
        """Stop process `name` (SIGTERM to its group, SIGKILL after a grace period)."""
        self._check_name(name)
        self.processes[name].stop()

    def start(self, name: str) -> None:
        """Start process `name` again on its port and wait until it is ready."""
        self._check_name(name)
        process = self.processes[name]
        process.stop()
        self._launch(process)

    def stop_redis(self) -> None:
        """Stop redis-server (SIGTERM: it writes its append-only file and exits)."""
        self.processes["redis"].stop()

    def start_redis(self) -> None:
        """Start redis-server again on the same port and data directory."""
        process = self.processes["redis"]
        process.stop()
        self._launch(process)

    def pid(self, name: str) -> int:
        """The process id of `name`'s main process (gunicorn master, celery parent, nginx)."""
        popen = self.processes[name].popen
        if popen is None or popen.poll() is not None:
            raise RuntimeError(f"{name} is not running")
        return popen.pid

    def admin_token(self) -> str:
        """An access token with role admin (the user is created once per session)."""
        if self._admin_token is None:
            email = f"e2e-admin-{secrets.token_hex(4)}@example.com"
            password = f"E2e-{secrets.token_urlsafe(12)}!"
            run_once(
                ("flask", "--app", "services.auth.wsgi", "create-admin",
                 "--email", email, "--password", password),
                self.env,
            )  # fmt: skip
            response = requests.post(
                f"{self.base_url}/api/auth/login",
                json={"email": email, "password": password},
                timeout=10,
            )
            if response.status_code != 200:
                raise RuntimeError(f"admin login failed: {response.status_code} {response.text}")
            self._admin_token = str(response.json()["access_token"])
        return self._admin_token

    # -- internals -------------------------------------------------------------------------

    def redis_spec(self) -> procdefs.ProcessSpec:
        """How redis-server is started (the drills' stack turns persistence on)."""
        return procdefs.redis_server(self.topology.ports["redis"], self.var_dir)

    def _environment(self, database_urls: dict[str, str]) -> dict[str, str]:
        extra = {
            "PATH": f"{BIN_DIR}:{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin",
            "LOG_LEVEL": "INFO",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "4",
            "QUIZ_SWEEP_INTERVAL_S": "2",
            # The shortest custom interview, so an abandoned one runs out in seconds, not a minute.
            "QUIZ_MIN_TIME_LIMIT_S": "2",
            "GOOGLE_DISCOVERY_URL": f"{self.oidc_url}/.well-known/openid-configuration",
            "GOOGLE_CLIENT_ID": "e2e-client",
            "GOOGLE_CLIENT_SECRET": "e2e-secret",
            "AUTHLIB_INSECURE_TRANSPORT": "1",
            "PUBLIC_URL": self.base_url,
            "SMTP_URL": f"smtp://127.0.0.1:{self.topology.ports['smtp']}",
            "MAIL_FROM": "Flask Interviews <no-reply@e2e.example>",
            # The suite signs up dozens of users from one loopback address (the browser cannot
            # pick another); the per-address limit itself is tested against the auth app.
            "AUTH_REGISTER_LIMIT_IP": "500 per hour",
            # The browser tests sign in through the pages, all from loopback.
            "AUTH_LOGIN_LIMIT_IP": "300 per minute;3000 per hour",
            **self.extra_env,
        }
        wired = platform_env(
            self.topology,
            var_dir=self.var_dir,
            redis_url=self.redis_url,
            redis_prefix=self.redis_prefix,
            database_urls=database_urls,
            dev_secrets=generate_secrets(),
            extra=extra,
        )
        return {**os.environ, **wired}

    def _spec(self, name: str) -> procdefs.ProcessSpec:
        if name in procdefs.WEB_SERVICES:
            return procdefs.web(name, "127.0.0.1", self.topology.ports[name])
        if name == "worker":
            return procdefs.worker()
        if name == "beat":
            return procdefs.beat(self.var_dir)
        conf = render(
            self.workdir / "nginx",
            {
                "NGINX_PORT": str(self.topology.ports["nginx"]),
                "NGINX_PUBLIC_URL": self.topology.public_url,
                "NGINX_UPSTREAM": f"127.0.0.1:{self.topology.ports['gateway']}",
                "NGINX_WORKER_PROCESSES": "1",
            },
        )
        return procdefs.nginx(conf.parent / "run", conf)

    def _start_process(self, spec: procdefs.ProcessSpec) -> None:
        env = self.env or {**os.environ, "PATH": f"{BIN_DIR}:{os.environ.get('PATH', '')}"}
        process = ManagedProcess(spec, env, self.log_dir / f"{spec.name}.log")
        self.processes[spec.name] = process
        self._launch(process)

    def _launch(self, process: ManagedProcess) -> None:
        offset = len(process.output())
        process.start()
        ready = self._readiness(process.spec.name, process, offset)
        wait_until(ready, READY_TIMEOUT_S, f"{process.spec.name} to be ready", process)

    def _readiness(self, name: str, process: ManagedProcess, offset: int) -> Callable[[], bool]:
        ports = self.topology.ports
        if name == "redis":
            return lambda: _redis_answers(self.redis_url)
        if name == "oidc":
            return lambda: http_status(f"{self.oidc_url}/.well-known/openid-configuration") == 200
        if name == "smtp":
            return lambda: port_in_use(ports["smtp"])
        if name in procdefs.WEB_SERVICES:
            return lambda: http_status(f"http://127.0.0.1:{ports[name]}/healthz") == 200
        if name == "nginx":
            return lambda: http_status(f"{self.base_url}/healthz") is not None
        marker = " ready." if name == "worker" else "beat: Starting..."
        return lambda: marker in process.output()[offset:]

    def _readyz_detail(self) -> str:
        try:
            return requests.get(f"{self.base_url}/readyz", timeout=3).text[:2000]
        except requests.RequestException as exc:
            return str(exc)

    def _check_name(self, name: str) -> None:
        if name not in STARTABLE:
            raise ValueError(f"unknown process {name!r}; one of {', '.join(STARTABLE)}")


def _redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


__all__ = ["ProcessFailed", "Stack", "missing_binaries"]

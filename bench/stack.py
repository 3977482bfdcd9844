"""The platform as `make run` starts it, on free ports, for the load bench (not for tests).

Processes, commands and environment come from `infra.devstack` (the definitions `make run` and
the end-to-end harness use). What differs is only what a load test needs: the per-address
limits (registration, login, nginx's connections per address) are raised, since every simulated
candidate comes from 127.0.0.1. Next to it runs a Flask hello world under the same gunicorn
settings behind an nginx rendered from the same templates: the reference the bench compares to.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from infra.devstack import processes as procdefs
from infra.devstack.environment import Topology, generate_secrets, platform_env, sqlite_urls
from infra.devstack.net import free_ports, http_status, port_in_use
from infra.devstack.procs import ManagedProcess, run_once, wait_until
from infra.nginx.render import render

BIN_DIR = Path(sys.executable).parent
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
READY_TIMEOUT_S = 90.0
# Every candidate of the bench signs up and in from loopback.
BENCH_LIMITS = {
    "AUTH_REGISTER_LIMIT_IP": "100000 per hour",
    "AUTH_LOGIN_LIMIT_IP": "100000 per hour",
    "AUTH_LOGIN_LIMIT_ACCOUNT_IP": "1000 per minute",
    "AUTH_LOGIN_LIMIT_ACCOUNT": "1000 per hour",
    # Candidates sign up once per store; their tokens last through every run.
    "AUTH_ACCESS_TOKEN_TTL_S": "7200",
}
NGINX_BENCH = {"NGINX_CONN_PER_ADDRESS": "4096", "NGINX_LOGIN_RATE": "1000r/s"}
HELLO_APP = "bench.hello:app"
# The reference hello worlds, each behind its own nginx: one on the gateway's gunicorn command
# (its worker class), one on the services' (gthread), so the ratio can be read against either.
HELLO_SERVERS = {"hello": "gateway", "hello_threads": "quiz"}
REFERENCE = frozenset({*HELLO_SERVERS, *(f"{name}_nginx" for name in HELLO_SERVERS)})


class PostgresDatabases:
    """One throwaway database per service on the shared server, dropped at the end."""

    def __init__(self) -> None:
        run = uuid.uuid4().hex[:8]
        self.names = {svc: f"fi_bench_{run}_{svc}" for svc in procdefs.DB_SERVICES}
        self.created: list[str] = []

    def create(self) -> dict[str, str]:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            for name in self.names.values():
                admin.execute(f'CREATE DATABASE "{name}"')
                self.created.append(name)
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace(
            "postgresql://", "postgresql+psycopg://"
        )
        return {svc: f"{base}/{name}" for svc, name in self.names.items()}

    def backend_cpu_seconds(self) -> float:
        """CPU time used so far by the server's backends connected to these databases (0 when
        the server is not on this machine, whose /proc then does not have them)."""
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            rows = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s)", [self.created]
            ).fetchall()
        return sum(process_cpu_seconds(pid) for (pid,) in rows)

    def drop(self) -> None:
        if not self.created:
            return
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            for name in self.created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()


@dataclass
class MemorySampler:
    """Samples the resident memory of every process in the given process groups, and every
    `pss_every`-th time their PSS too (slower to read; a page shared by n processes counts 1/n
    to each, so the sum is what the processes cost together, unlike the RSS sum)."""

    groups: list[int]
    interval_s: float = 0.5
    pss_every: int = 10
    peak_kb: int = 0
    peak_pss_kb: int = 0
    first: dict[int, tuple[str, int]] = field(default_factory=dict)
    last: dict[int, tuple[str, int]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        samples = 0
        while not self._stop.is_set():
            sample = rss_by_pid(set(self.groups))
            self.peak_kb = max(self.peak_kb, sum(kb for _, kb in sample.values()))
            if samples % self.pss_every == 0:
                self.peak_pss_kb = max(self.peak_pss_kb, pss_total_kb(sample))
            samples += 1
            for pid, entry in sample.items():
                self.first.setdefault(pid, entry)
            self.last = sample
            self._stop.wait(self.interval_s)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(pid: int | str) -> tuple[str, list[str]]:
    """(command name, the fields after it) of /proc/<pid>/stat. The name is in parentheses and
    may hold spaces; raises OSError when the process is gone."""
    stat = Path("/proc", str(pid), "stat").read_text()
    return stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()


def live_pids() -> list[str]:
    """Every process id in /proc now."""
    return [entry.name for entry in os.scandir("/proc") if entry.name.isdigit()]


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process `pid` alone (0 when it is not here)."""
    try:
        return sum(int(x) for x in proc_stat(pid)[1][11:13]) / CLOCK_TICKS
    except (OSError, ValueError, IndexError):
        return 0.0


def cpu_seconds(group: int) -> float:
    """CPU time (user + system) used so far by process group `group`, including its children
    that have exited (gunicorn workers recycled by --max-requests)."""
    total = 0
    for pid in live_pids():
        try:
            fields = proc_stat(pid)[1]
            if int(fields[2]) == group:
                total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        except (OSError, ValueError, IndexError):
            continue
    return total / CLOCK_TICKS


def rss_by_pid(groups: set[int]) -> dict[int, tuple[str, int]]:
    """(command name, VmRSS in kB) of each live process whose process group is in `groups`."""
    found: dict[int, tuple[str, int]] = {}
    for pid in live_pids():
        try:
            name, fields = proc_stat(pid)
            if int(fields[2]) not in groups:
                continue
            for line in Path("/proc", pid, "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found[int(pid)] = (name, int(line.split()[1]))
        except (OSError, ValueError, IndexError):
            continue
    return found


@dataclass(frozen=True)
class Memory:
    """What a process holds, in kB: resident, its proportional share of pages shared with other
    processes (PSS: a page shared by n processes counts 1/n to each) and its own pages alone."""

    rss_kb: int
    pss_kb: int
    private_kb: int


def process_memory(pid: int | str) -> Memory | None:
    """RSS, PSS and private memory of process `pid` from /proc/<pid>/smaps_rollup (None when the
    process is gone or the kernel does not offer the file)."""
    fields: dict[str, int] = {}
    try:
        for line in Path("/proc", str(pid), "smaps_rollup").read_text().splitlines()[1:]:
            name, _, rest = line.partition(":")
            fields[name] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return Memory(
        rss_kb=fields.get("Rss", 0),
        pss_kb=fields.get("Pss", 0),
        private_kb=fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0),
    )


def pss_total_kb(pids: Iterable[int]) -> int:
    """The PSS of the processes `pids` together, in kB (those gone meanwhile count 0)."""
    found = (process_memory(pid) for pid in pids)
    return sum(memory.pss_kb for memory in found if memory is not None)


class BenchStack:
    """The platform (nginx → gateway → services, Redis, Celery) plus the hello world."""

    def __init__(self, workdir: Path, store: str, extra_env: Mapping[str, str]) -> None:
        self.workdir = workdir
        self.store = store
        self.var_dir = workdir / "var"
        self.log_dir = workdir / "logs"
        for directory in (self.var_dir, self.log_dir):
            directory.mkdir(parents=True, exist_ok=True)
        names = ("nginx", "gateway", "auth", "content", "quiz", "redis", *sorted(REFERENCE))
        self.topology = Topology(ports=dict(zip(names, free_ports(len(names)), strict=True)))
        self.base_url = self.topology.url("nginx")
        self.hello_urls = {name: self.topology.url(f"{name}_nginx") for name in HELLO_SERVERS}
        self.redis_url = f"redis://127.0.0.1:{self.topology.ports['redis']}/0"
        self.databases = PostgresDatabases() if store == "postgres" else None
        self.extra_env = dict(extra_env)
        self.env: dict[str, str] = {}
        self.processes: dict[str, ManagedProcess] = {}

    # -- lifecycle ---------------------------------------------------------------------------

    def boot(self) -> None:
        """Start everything and wait until both nginx servers answer."""
        ports = self.topology.ports
        self._start(procdefs.redis_server(ports["redis"], self.var_dir))
        urls = self.databases.create() if self.databases else sqlite_urls(self.var_dir)
        self.env = self._environment(urls)
        for argv in procdefs.before_start_commands():
            run_once(argv, self.env, timeout_s=300)
        for name in ("auth", "content", "quiz", "gateway"):
            self._start(procdefs.web(name, "127.0.0.1", ports[name]))
        self._start(procdefs.worker())
        self._start(procdefs.beat(self.var_dir))
        self._start(self._nginx("nginx", ports["nginx"], ports["gateway"]))
        for name, like in HELLO_SERVERS.items():
            hello = procdefs.ProcessSpec(
                name, (*procdefs.web_argv(like)[:-1], HELLO_APP),
                {"GUNICORN_BIND": f"127.0.0.1:{ports[name]}"},
            )  # fmt: skip
            self._start(hello)
            self._start(self._nginx(f"{name}_nginx", ports[f"{name}_nginx"], ports[name]))
        wait_until(
            lambda: http_status(f"{self.base_url}/readyz") == 200, READY_TIMEOUT_S, "/readyz"
        )

    def close(self) -> None:
        """Stop every process, newest first, then drop the databases."""
        for process in reversed(list(self.processes.values())):
            process.stop()
        if self.databases:
            self.databases.drop()

    def memory(self) -> MemorySampler:
        """A sampler over every process of the platform (not the hello world)."""
        groups = [
            p.popen.pid
            for name, p in self.processes.items()
            if p.popen is not None and name not in REFERENCE
        ]
        return MemorySampler(groups)

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each platform process (and its children), and by the
        PostgreSQL backends serving it (`postgres`; 0 on SQLite)."""
        used = {
            name: cpu_seconds(p.popen.pid)
            for name, p in self.processes.items()
            if p.popen is not None and name not in REFERENCE
        }
        used["postgres"] = self.databases.backend_cpu_seconds() if self.databases else 0.0
        return used

    def pids(self, name: str) -> list[int]:
        """The pids of process `name` and its children (gunicorn's master and workers)."""
        popen = self.processes[name].popen
        assert popen is not None
        return sorted(rss_by_pid({popen.pid}))

    # -- internals ---------------------------------------------------------------------------

    def _environment(self, database_urls: dict[str, str]) -> dict[str, str]:
        extra = {
            "PATH": f"{BIN_DIR}:{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "4"),
            "GATEWAY_PROXY_COUNT": "1",
            "SERVICE_PROXY_COUNT": "2",
            **BENCH_LIMITS,
            **self.extra_env,
        }
        wired = platform_env(
            self.topology,
            var_dir=self.var_dir,
            redis_url=self.redis_url,
            redis_prefix=f"fi-bench-{secrets.token_hex(3)}:",
            database_urls=database_urls,
            dev_secrets=generate_secrets(),
            extra=extra,
        )
        return {**os.environ, **wired}

    def _nginx(self, name: str, port: int, upstream_port: int) -> procdefs.ProcessSpec:
        conf = render(
            self.workdir / name,
            {
                "NGINX_PORT": f"127.0.0.1:{port}",
                "NGINX_PUBLIC_URL": self.topology.public_url,
                "NGINX_UPSTREAM": f"127.0.0.1:{upstream_port}",
                **NGINX_BENCH,
            },
        )
        spec = procdefs.nginx(conf.parent / "run", conf)
        return procdefs.ProcessSpec(name, spec.argv, spec.env)

    def _start(self, spec: procdefs.ProcessSpec) -> None:
        env = self.env or {**os.environ, "PATH": f"{BIN_DIR}:{os.environ.get('PATH', '')}"}
        process = ManagedProcess(spec, env, self.log_dir / f"{spec.name}.log")
        self.processes[spec.name] = process
        process.start()
        port = self.topology.ports.get(spec.name)
        if port is None:
            time.sleep(0.2)
            return
        if spec.name == "redis":
            wait_until(lambda: port_in_use(port), READY_TIMEOUT_S, "redis", process)
            return
        wait_until(
            lambda: http_status(f"http://127.0.0.1:{port}/healthz") is not None,
            READY_TIMEOUT_S,
            f"{spec.name} to answer",
            process,
        )


def require_binaries() -> list[str]:
    """System programs the bench needs that are missing."""
    path = f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin"
    return [name for name in ("nginx", "redis-server", "wrk") if not shutil.which(name, path=path)]

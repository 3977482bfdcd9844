"""The stack the fault drills run against: the e2e stack with parts that may be broken.

Differences from the e2e `Stack`: PostgreSQL is a cluster of its own (`PgCluster`, so the drill
may restart it), redis-server keeps an append-only file as compose configures it, each web
service runs two gunicorn workers (so one can be killed), interviews may be short (so the
sweep has overdue sessions to finalise within a drill), and forgotten report builds are re-sent
after seconds rather than minutes.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from infra.devstack import processes as procdefs

from .databases import Databases
from .pg_cluster import PgCluster
from .stack import Stack

DRILL_ENV = {
    "GUNICORN_WORKERS": "2",
    "QUIZ_MIN_TIME_LIMIT_S": "3",
    "QUIZ_GRACE_S": "1",
    "QUIZ_SWEEP_INTERVAL_S": "1",
    # A build taken by a killed worker waits for the sweep's re-send (Redis itself re-delivers
    # only after its one-hour visibility timeout): seconds here, so a drill sees it happen.
    "QUIZ_REPORT_RESEND_AFTER_S": "5",
}


class DrillStack(Stack):
    """A platform on its own PostgreSQL cluster and a persistent redis-server."""

    def __init__(self, workdir: Path, cluster: PgCluster) -> None:
        super().__init__(
            workdir,
            databases=Databases(procdefs.DB_SERVICES, admin_url=cluster.url),
            extra_env=DRILL_ENV,
        )
        self.cluster = cluster

    def redis_spec(self) -> procdefs.ProcessSpec:
        """redis-server with the append-only file compose runs it with."""
        argv = (
            "redis-server", "--port", str(self.topology.ports["redis"]), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "yes", "--dir", str(self.var_dir),
            "--maxmemory-policy", "noeviction",
        )  # fmt: skip
        return procdefs.ProcessSpec("redis", argv)

    def ensure_running(self, name: str) -> None:
        """Start `name` again if a drill left it stopped (so the next drill starts healthy)."""
        if not self.processes[name].running:
            self.start(name)

    def worker_pids(self, name: str) -> list[int]:
        """The child processes of `name`'s main process (gunicorn workers, Celery's pool)."""
        return children_of(self.pid(name))

    def kill_children(self, name: str, count: int | None = None) -> list[int]:
        """SIGKILL `count` (default: all) of `name`'s child processes; return their pids."""
        pids = self.worker_pids(name)[:count]
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def kill(self, name: str) -> None:
        """SIGKILL `name`'s whole process group (no clean shutdown)."""
        os.killpg(self.pid(name), signal.SIGKILL)
        popen = self.processes[name].popen
        if popen is not None:
            popen.wait(timeout=10)


def children_of(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return sorted(set(found))

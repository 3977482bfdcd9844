"""`make run`'s runner: brings the platform up through nginx and Ctrl-C leaves nothing behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infra.devstack.net import free_port, http_status
from infra.devstack.processes import REPO_ROOT
from infra.devstack.run import PORT_ENV

pytestmark = pytest.mark.e2e


def processes_of_run(var_dir: Path) -> list[int]:
    """Pids of live processes started for the run that uses `var_dir` (marked by VAR_DIR)."""
    marker = f"VAR_DIR={var_dir}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in environ and state != "Z":
            found.append(int(entry.name))
    return found


def kill_all(pids: list[int]) -> None:
    """Last-resort cleanup so a failing test still leaves nothing running."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_run_serves_readyz_through_nginx_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    ports = {var: str(free_port()) for var in PORT_ENV.values()}
    env = {**os.environ, **ports, "VAR_DIR": str(var_dir), "DEV_REDIS_PORT": str(free_port())}
    # Set-up is idempotent: running it first makes the real run's set-up a second pass.
    subprocess.run(
        [sys.executable, "-m", "infra.devstack.run", "--migrate-only"],
        cwd=REPO_ROOT, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    log = (tmp_path / "run.log").open("wb")
    runner = subprocess.Popen(
        [sys.executable, "-m", "infra.devstack.run"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    # The URL make run prints: nginx answers only PUBLIC_URL's host (localhost), as it says.
    url = f"http://localhost:{ports['NGINX_PORT']}/readyz"
    try:
        deadline = time.monotonic() + 90
        while http_status(url) != 200 and time.monotonic() < deadline and runner.poll() is None:
            time.sleep(0.5)
        output = (tmp_path / "run.log").read_text(errors="replace")
        assert http_status(url) == 200, output[-3000:]
        assert f"http://localhost:{ports['NGINX_PORT']}" in output
        # honcho + redis, nginx, 4 web, worker, beat, the readiness announcer
        assert len(processes_of_run(var_dir)) >= 10
        deadline = time.monotonic() + 10
        while "ready: open http://localhost:" not in output and time.monotonic() < deadline:
            time.sleep(0.2)
            output = (tmp_path / "run.log").read_text(errors="replace")
        assert f"ready: open http://localhost:{ports['NGINX_PORT']}" in output
        runner.send_signal(signal.SIGINT)  # what Ctrl-C delivers to the foreground program
        runner.wait(timeout=40)
        deadline = time.monotonic() + 5
        while processes_of_run(var_dir) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_of_run(var_dir) == []
        assert http_status(url) is None
    finally:
        leftovers = processes_of_run(var_dir)
        kill_all(leftovers)
        if runner.poll() is None:
            runner.kill()
            runner.wait()
        log.close()

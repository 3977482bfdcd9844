"""Start, watch and stop platform processes, each in its own process group.

Plain `subprocess` rather than honcho's manager: the end-to-end tests must stop and restart one
process while the rest keep running, and keep each process's output in a file of its own;
honcho (used by `make run`) runs a fixed set and interleaves their output.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

from .processes import REPO_ROOT, ProcessSpec


class ProcessFailed(RuntimeError):
    """A process exited or did not become ready; the message carries the end of its output."""


class ManagedProcess:
    """One process started from a `ProcessSpec`, with its output appended to `log_path`."""

    def __init__(self, spec: ProcessSpec, env: Mapping[str, str], log_path: Path) -> None:
        self.spec = spec
        self.env = {**env, **spec.env}
        self.log_path = log_path
        self.popen: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def running(self) -> bool:
        """True while the process has not exited."""
        return self.popen is not None and self.popen.poll() is None

    def start(self) -> None:
        """Start the process in a new session (so its whole group can be signalled)."""
        if self.running:
            return
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._log.write(f"--- starting {' '.join(self.spec.argv)}\n".encode())
        self._log.flush()
        self.popen = subprocess.Popen(
            list(self.spec.argv),
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM the process group, SIGKILL it after `grace_s`; safe to call twice."""
        if self.popen is not None:
            stop_group(self.popen, grace_s)
        if self._log is not None:
            self._log.close()
            self._log = None

    def output(self) -> str:
        """Everything the process printed so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 40) -> str:
        """The last `lines` lines of output."""
        return "\n".join(self.output().splitlines()[-lines:])


def stop_group(popen: subprocess.Popen[bytes], grace_s: float = 10.0) -> None:
    """Terminate a process started with `start_new_session=True` and everything it forked."""
    pgid = popen.pid  # a session leader's group id is its pid
    _signal_group(pgid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        popen.wait(timeout=grace_s)
    # Children (gunicorn workers, celery pool) may outlive the leader briefly: sweep the group.
    deadline = time.monotonic() + grace_s
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    _signal_group(pgid, signal.SIGKILL)
    if popen.poll() is None:
        popen.wait(timeout=5)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_until(
    condition: Callable[[], bool],
    timeout_s: float,
    what: str,
    process: ManagedProcess | None = None,
    interval_s: float = 0.1,
) -> None:
    """Poll `condition` until true; fail with the process's output when it dies or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and not process.running:
            raise ProcessFailed(
                f"{process.spec.name} exited while waiting for {what}:\n{process.tail()}"
            )
        time.sleep(interval_s)
    tail = f":\n{process.tail()}" if process is not None else ""
    raise ProcessFailed(f"timed out after {timeout_s:.0f}s waiting for {what}{tail}")


def run_once(argv: tuple[str, ...], env: Mapping[str, str], timeout_s: float = 120) -> str:
    """Run a one-shot command from the repo root; raise with its output when it fails."""
    result = subprocess.run(
        list(argv),
        cwd=REPO_ROOT,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise ProcessFailed(
            f"`{' '.join(argv)}` exited with {result.returncode}:\n{output[-4000:]}"
        )
    return output

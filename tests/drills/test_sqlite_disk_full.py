"""Drill: the SQLite embedded default runs out of disk mid-interview.

The quiz service's database lives on a 2 MiB tmpfs of the drill's own (mounting one needs root,
which the test machines and CI have; anywhere else the drill fails and says why). A candidate
saves answers, a filler file then takes every free byte, saves go on: each must be a 503
problem+json (never a 500), reads keep working, nothing acknowledged is lost, and once space is
back saves succeed again and `PRAGMA integrity_check` says `ok`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from services.common.testing import TokenMinter
from tests.quiz.conftest import Candidate, quiz_config, seeded_app
from tests.quiz.fakes import FakeUpstream, ManualClock

from .load import value_for

pytestmark = [pytest.mark.drills, pytest.mark.timeout(120)]

DISK_SIZE = "2m"
PROBLEM = "application/problem+json"


@contextlib.contextmanager
def small_disk(directory: Path) -> Iterator[Path]:
    """A tmpfs of `DISK_SIZE` mounted at `directory`, unmounted afterwards."""
    directory.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.fail(
            f"the disk-full drill mounts a small tmpfs, which needs root: {mounted.stderr}",
            pytrace=False,
        )
    try:
        yield directory
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


def fill(directory: Path) -> Path:
    """Take every free byte of the file system under `directory` with a filler file."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
    finally:
        os.close(fd)
    return filler


@contextlib.contextmanager
def quiz_on(database: Path, minter: TokenMinter, redis_url: str, prefix: str) -> Iterator[Flask]:
    with FakeUpstream(minter).serve() as upstream:
        config = quiz_config(
            f"sqlite:///{database}", minter, ManualClock(), upstream.url, redis_url, prefix
        )
        apps = seeded_app(config)
        try:
            yield next(apps)
        finally:
            next(apps, None)


def test_sqlite_disk_full_is_503_and_recovers(
    tmp_path: Path, minter: TokenMinter, redis_url: str, redis_prefix: str
) -> None:
    with (
        small_disk(tmp_path / "disk") as disk,
        quiz_on(disk / "quiz.db", minter, redis_url, redis_prefix) as app,
    ):
        candidate = Candidate(app.test_client(), minter, sub="drill-disk")
        started = candidate.start(question_count=6, time_limit_s=3600)
        assert started.status_code == 201, started.get_json()
        sid = started.get_json()["id"]
        questions = started.get_json()["questions"]
        acked: dict[int, Any] = {}
        statuses: Counter[int] = Counter()

        def save(seq: int) -> int:
            question = questions[seq % len(questions)]
            position, answer = question["position"], value_for(question, "disk", seq)
            response = candidate.put_answer(sid, position, answer)
            if response.status_code == 200:
                acked[position] = answer
            else:
                assert response.status_code == 503, response.get_json()
                assert response.content_type.startswith(PROBLEM)
            return int(response.status_code)

        for seq in range(6):
            assert save(seq) == 200
        filler = fill(disk)
        fault_started = time.monotonic()
        for seq in range(6, 30):
            statuses[save(seq)] += 1
        reading = candidate.get(f"/sessions/{sid}")
        os.unlink(filler)
        recovered = None
        for seq in range(30, 60):
            if save(seq) == 200:
                recovered = time.monotonic() - fault_started
                break
        print(
            f"\nDRILL sqlite-disk-full: during_fault={dict(statuses)}, "
            f"read_during_fault={reading.status_code}, recovered={recovered is not None}"
        )
        assert 503 in statuses, statuses
        assert reading.status_code == 200
        assert recovered is not None
        stored = candidate.get(f"/sessions/{sid}").get_json()
        answers = {q["position"]: q["answer"] for q in stored["questions"]}
        assert all(answers[p] == a for p, a in acked.items())
        with contextlib.closing(sqlite3.connect(disk / "quiz.db")) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)

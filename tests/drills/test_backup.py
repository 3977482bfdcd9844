"""`infra.backup`: back up, wipe, restore, and the candidate's history and report are back
(SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from infra.backup import backup, main, restore
from services.common.testing import TokenMinter
from services.quiz.extensions import db
from tests.quiz.conftest import Candidate, quiz_config, seeded_app
from tests.quiz.fakes import FakeUpstream, ManualClock

from .load import value_for


@contextlib.contextmanager
def quiz_app(
    database_url: str, minter: TokenMinter, redis_url: str, prefix: str
) -> Iterator[Flask]:
    with FakeUpstream(minter).serve() as upstream:
        config = quiz_config(database_url, minter, ManualClock(), upstream.url, redis_url, prefix)
        apps = seeded_app(config)
        try:
            yield next(apps)
        finally:
            next(apps, None)


def history(candidate: Candidate) -> list[dict[str, object]]:
    response = candidate.get("/sessions")
    assert response.status_code == 200, response.get_json()
    return [
        {k: item.get(k) for k in ("id", "status", "score", "max_score")}
        for item in response.get_json()["items"]
    ]


def test_backup_wipe_restore_brings_the_history_back(
    database_url: str,
    minter: TokenMinter,
    redis_url: str,
    redis_prefix: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUIZ_DATABASE_URL", database_url)
    with quiz_app(database_url, minter, redis_url, redis_prefix) as app:
        candidate = Candidate(app.test_client(), minter, sub="backup-candidate")
        started = candidate.start(question_count=4, time_limit_s=600)
        assert started.status_code == 201, started.get_json()
        sid = started.get_json()["id"]
        for seq, question in enumerate(started.get_json()["questions"]):
            saved = candidate.put_answer(sid, question["position"], value_for(question, "b", seq))
            assert saved.status_code == 200
        assert candidate.submit(sid).status_code == 200
        result = candidate.get(f"/sessions/{sid}/result").get_json()
        # The report row (requested with the finalisation; no worker runs here) is backed up too.
        report = candidate.get(f"/sessions/{sid}/report").get_json()
        assert report["status"] == "pending"
        before = history(candidate)
        assert [item["id"] for item in before] == [sid]

        taken = backup(tmp_path / "backup", services=("quiz",))
        assert (taken / "manifest.json").exists()

        with app.app_context():  # the loss: every table gone, empty ones in their place
            db.session.remove()
            db.drop_all()
            db.create_all()
            db.engine.dispose()
        assert history(candidate) == []

        restore(taken, ["quiz"])
        with app.app_context():
            db.engine.dispose()  # connections opened before the restore see the new tables
        assert history(candidate) == before
        again = candidate.get(f"/sessions/{sid}/result").get_json()
        assert again["score"] == result["score"]
        assert [q["answer"] for q in again["questions"]] == [
            q["answer"] for q in result["questions"]
        ]
        assert candidate.get(f"/sessions/{sid}/report").get_json() == report


def test_restore_refuses_a_backup_of_the_other_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup_dir = tmp_path / "backup"
    backup_dir.mkdir()
    (backup_dir / "quiz.dump").write_bytes(b"not sqlite")
    (backup_dir / "manifest.json").write_text('{"files": {"quiz": "quiz.dump"}}')
    monkeypatch.setenv("QUIZ_DATABASE_URL", f"sqlite:///{tmp_path / 'quiz.db'}")
    assert main(["restore", "--from", str(backup_dir), "--services", "quiz"]) == 1
    assert not (tmp_path / "quiz.db").exists()

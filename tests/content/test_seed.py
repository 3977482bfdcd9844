"""Seeding the database from the bank files: idempotent, matched by key, versions bumped."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from flask import Flask

from services.content.bank import BANK_DIR, read_bank
from services.content.extensions import db
from services.content.models import Question, Topic


def run_seed(app: Flask, directory: Path) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["bank", "seed", "--dir", str(directory)])
    return result.exit_code, result.output


def test_seed_real_bank_is_idempotent(app: Flask, tmp_path: Path) -> None:
    code, output = run_seed(app, BANK_DIR)
    total = len(read_bank().questions)
    assert code == 0, output
    assert f"created={total} updated=0 unchanged=0" in output
    code, output = run_seed(app, BANK_DIR)
    assert f"created=0 updated=0 unchanged={total}" in output
    with app.app_context():
        assert db.session.query(Question).count() == total
        assert db.session.query(Topic).count() == len(read_bank().topics)
        assert {q.version for q in db.session.query(Question)} == {1}


def _copy_bank(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    target.mkdir()
    for name in ("routing.yaml", "blueprints.yaml"):
        shutil.copy(BANK_DIR / name, target / name)
    return target


def test_seed_updates_changed_question_and_bumps_version(app: Flask, tmp_path: Path) -> None:
    bank_dir = _copy_bank(tmp_path)
    run_seed(app, bank_dir)
    path = bank_dir / "routing.yaml"
    document = yaml.safe_load(path.read_text())
    changed_key = document["questions"][0]["key"]
    document["questions"][0]["explanation"] = "A rewritten explanation."
    document["questions"].append(
        {
            **document["questions"][1],
            "key": "routing-brand-new",
            "prompt": "A prompt nobody has seen?",
        }
    )
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    code, output = run_seed(app, bank_dir)
    assert code == 0, output
    assert "created=1 updated=1 unchanged=" in output
    with app.app_context():
        question = db.session.query(Question).filter_by(key=changed_key).one()
        assert question.version == 2 and question.explanation == "A rewritten explanation."


def test_seed_of_invalid_bank_changes_nothing(app: Flask, tmp_path: Path) -> None:
    bank_dir = _copy_bank(tmp_path)
    path = bank_dir / "routing.yaml"
    document = yaml.safe_load(path.read_text())
    document["questions"][0]["explanation"] = "Would change."
    document["questions"][1]["difficulty"] = "expert"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    code, output = run_seed(app, bank_dir)
    assert code == 1
    assert "routing.yaml:" in output and "difficulty" in output
    with app.app_context():
        assert db.session.query(Question).count() == 0
        assert db.session.query(Topic).count() == 0

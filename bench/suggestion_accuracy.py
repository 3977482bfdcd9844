"""How the automatic explain suggestion scores answers whose quality we know.

`bench/explain_answers/*.yaml` holds, per explain question of the bank, four answers written by
hand: `strong` (right, in the writer's own words), `wrong` (confident, wrong, using the topic's
vocabulary), `keywords` (a bare list of terms) and `terse` (right, but one or two lines). For each
kind this prints the mean suggested fraction, how often every point is suggested covered, and how
often some point is flagged as argued against. It also scores one generic paragraph, written to
sound competent while ignoring the question, against every explain question of the bank.

    .venv/bin/python bench/suggestion_accuracy.py [--per-question]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.quiz.explain_suggestions import (  # noqa: E402
    COVERED,
    suggest_points,
    suggested_fraction,
)

ANSWERS = ROOT / "bench" / "explain_answers"
BANK = ROOT / "services" / "content" / "bank"
KINDS = ("strong", "wrong", "keywords", "terse")
GENERIC = """In my experience with Flask the important thing is to keep the application simple and
well structured. I use blueprints to organise the code, an application factory, and extensions for
the database, sessions and security. I write tests with pytest and the test client, configure
everything through environment variables, log errors properly and deploy behind nginx with
Gunicorn. Caching and background tasks help performance, and following the documentation avoids
most security problems with requests, cookies and templates."""


def explain_questions() -> dict[str, dict[str, Any]]:
    """The bank's explain questions by key."""
    questions = {}
    for path in sorted(BANK.glob("*.yaml")):
        for question in yaml.safe_load(path.read_text())["questions"]:
            if question["type"] == "explain":
                questions[question["key"]] = question
    return questions


def measure() -> tuple[dict[str, list[tuple[str, float, bool, bool]]], int]:
    """Per kind: (question key, suggested fraction, all covered, any against) per answer."""
    bank = explain_questions()
    rows: dict[str, list[tuple[str, float, bool, bool]]] = {kind: [] for kind in KINDS}
    files = sorted(ANSWERS.glob("*.yaml"))
    for path in files:
        answers = yaml.safe_load(path.read_text())
        question = bank[answers["question"]]
        model_words = len(question["model_answer"].split())
        for kind in KINDS:
            suggestions = suggest_points(
                answers[kind], question["rubric"], model_answer_words=model_words
            )
            rows[kind].append(
                (
                    question["key"],
                    suggested_fraction(suggestions),
                    all(s.suggestion == COVERED for s in suggestions),
                    any(s.against for s in suggestions),
                )
            )
    return rows, len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-question", action="store_true", help="print every answer's score")
    args = parser.parse_args()
    rows, questions = measure()
    print(f"{questions} explain questions, {len(KINDS)} answers each")
    print(f"{'kind':<10}{'mean':>8}{'min':>8}{'max':>8}{'all covered':>14}{'any against':>14}")
    for kind in KINDS:
        fractions = [r[1] for r in rows[kind]]
        print(
            f"{kind:<10}{statistics.mean(fractions):>8.2f}{min(fractions):>8.2f}"
            f"{max(fractions):>8.2f}{sum(r[2] for r in rows[kind]):>10} of {len(fractions):<3}"
            f"{sum(r[3] for r in rows[kind]):>10} of {len(fractions):<3}"
        )
    generic = [
        suggested_fraction(
            suggest_points(GENERIC, q["rubric"], model_answer_words=len(q["model_answer"].split()))
        )
        for q in explain_questions().values()
    ]
    print(
        f"generic paragraph ({len(GENERIC.split())} words) on all {len(generic)} explain "
        f"questions: mean {statistics.mean(generic):.2f}, max {max(generic):.2f}"
    )
    rubric = max(explain_questions().values(), key=lambda q: len(q["rubric"]))["rubric"]
    for name, text in (
        ("10,000 characters of prose", (GENERIC + " ") * 20),
        ("5,000 one-letter words", "a " * 5000),
    ):
        started = time.perf_counter()
        suggest_points(text[:10_000], rubric)
        print(f"time for {name} (the most scored): {time.perf_counter() - started:.2f} s")
    if args.per_question:
        for kind in KINDS:
            for key, fraction, _, against in rows[kind]:
                print(f"{kind:<10}{key:<45}{fraction:.2f}{'  against' if against else ''}")


if __name__ == "__main__":
    main()

"""The question bank as YAML files: reading, linting (with coverage) and seeding the database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import bank_quality, rules
from .store import (
    ItemError,
    SyncReport,
    check_batch,
    save_questions,
    save_topics,
    topic_position,
)

BANK_DIR = Path(__file__).parent / "bank"


@dataclass
class Bank:
    """Topic headers and questions read from the bank files, with where each came from."""

    topics: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    origins: list[tuple[str, int | None]] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)


def read_bank(directory: Path = BANK_DIR, topics: Iterable[str] | None = None) -> Bank:
    """Read every `*.yaml` file of `directory` (only `<topic>.yaml` for the given `topics`);
    questions get their file's topic."""
    bank = Bank()
    wanted = None if topics is None else set(topics)
    for path in sorted(directory.glob("*.yaml")):
        if wanted is None or path.stem in wanted:
            _read_file(path, bank)
    if wanted is not None:
        for missing in sorted(wanted - {p.stem for p in directory.glob("*.yaml")}):
            bank.errors.append(
                ItemError(-1, None, "_file", "No such topic file.", file=f"{missing}.yaml")
            )
    return bank


def _read_file(path: Path, bank: Bank) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        document = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        bank.errors.append(ItemError(-1, None, "_file", f"Not valid YAML: {exc}", file=path.name))
        return
    if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
        bank.errors.append(
            ItemError(-1, None, "_file", "Needs `topic` and a `questions` list.", file=path.name)
        )
        return
    header = document.get("topic")
    for fld, messages in rules.check_topic(header).items():
        bank.errors += [ItemError(-1, None, fld, m, file=path.name) for m in messages]
    slug = header.get("slug") if isinstance(header, dict) else None
    if slug and slug != path.stem:
        bank.errors.append(
            ItemError(
                -1, None, "topic.slug", f"Slug {slug!r} must equal the file name.", file=path.name
            )
        )
    if isinstance(header, dict):
        bank.topics.append(header)
    lines = _item_lines(node)
    for position, item in enumerate(document["questions"]):
        if isinstance(item, dict):
            item = _unquoted_numbers({"topic": slug, **item} if "topic" not in item else item)
        bank.questions.append(item)
        line = lines[position] if position < len(lines) else None
        bank.origins.append((path.name, line))


def _unquoted_numbers(item: dict[str, Any]) -> dict[str, Any]:
    """YAML reads `[flask, 404]` as a number in a list of words: take such numbers as text."""

    def words(values: Any) -> Any:
        if not isinstance(values, list):
            return values
        return [
            str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in values
        ]

    item = {**item, **{f: words(item[f]) for f in ("tags", "accepted") if f in item}}
    if isinstance(item.get("rubric"), list):
        item["rubric"] = [
            {**p, "keywords": words(p.get("keywords"))} if isinstance(p, dict) else p
            for p in item["rubric"]
        ]
    return item


def _item_lines(node: Any) -> list[int]:
    """1-based line of every item of the top-level `questions` sequence."""
    for key, value in getattr(node, "value", []):
        if getattr(key, "value", None) == "questions" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def lint(bank: Bank, topics: set[str] | None = None) -> list[ItemError]:
    """Every rule over the bank files alone (the database is not consulted): the rules of each
    question and across questions, then the bank-wide give-away ratios."""
    problems = _file_problems(bank, topics)
    problems += [
        ItemError(-1, None, BANK_WIDE, message)
        for message in bank_quality.check_bank(bank.questions)
    ]
    return problems


BANK_WIDE = "_bank"


def _file_problems(bank: Bank, topics: set[str] | None = None) -> list[ItemError]:
    """The problems of the files and of each question, located by file and line."""
    known = topics if topics is not None else {t.get("slug") for t in bank.topics}
    problems = list(bank.errors)
    for problem in check_batch(bank.questions, known, replaces_stored=False):
        problem.file, problem.line = bank.origins[problem.index]
        problems.append(problem)
    return problems


def coverage(questions: Iterable[dict[str, Any]]) -> Counter[tuple[str, str, str]]:
    """Question counts by (topic, difficulty, type)."""
    return Counter(
        (q.get("topic"), q.get("difficulty"), q.get("type"))
        for q in questions
        if isinstance(q, dict)
    )


def coverage_table(bank: Bank) -> str:
    """Per topic and difficulty, the count of each type, plus topic totals and gaps."""
    counts = coverage(bank.questions)
    head = f"{'topic':<20}{'difficulty':<11}" + "".join(f"{t:>11}" for t in rules.TYPES)
    lines = [head + f"{'total':>8}", "-" * (len(head) + 8)]
    for topic in sorted({t for t, _, _ in counts}, key=topic_sort_key):
        for difficulty in rules.DIFFICULTIES:
            row = [counts[(topic, difficulty, t)] for t in rules.TYPES]
            lines.append(
                f"{topic:<20}{difficulty:<11}" + "".join(f"{n:>11}" for n in row) + f"{sum(row):>8}"
            )
        by_type = [sum(counts[(topic, d, t)] for d in rules.DIFFICULTIES) for t in rules.TYPES]
        gaps = [t for t, n in zip(rules.TYPES, by_type, strict=True) if not n]
        gaps += [
            d for d in rules.DIFFICULTIES if not sum(counts[(topic, d, t)] for t in rules.TYPES)
        ]
        total = f"{'':<20}{'all':<11}" + "".join(f"{n:>11}" for n in by_type) + f"{sum(by_type):>8}"
        lines.append(total + (f"   missing: {', '.join(gaps)}" if gaps else ""))
    lines.append(f"{len(bank.questions)} questions in {len(bank.topics)} topics")
    return "\n".join(lines)


def topic_sort_key(slug: str) -> tuple[int, str]:
    """Known topics in teaching order first, then the rest by name."""
    return (topic_position(slug), slug)


def seed(bank: Bank) -> SyncReport:
    """Load the bank into the database (no commit); raises `BankInvalid` when a file or a
    question breaks a rule (the bank-wide ratios are for `lint`: a partial bank may be seeded)."""
    problems = _file_problems(bank)
    if problems:
        raise BankInvalid(problems)
    save_topics(bank.topics)
    problems = check_batch(bank.questions, {t["slug"] for t in bank.topics})
    for problem in problems:
        problem.file, problem.line = bank.origins[problem.index]
    if problems:
        raise BankInvalid(problems)
    return save_questions(bank.questions)


class BankInvalid(Exception):
    """The bank files break a rule; nothing was saved."""

    def __init__(self, problems: list[ItemError]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the bank")
        self.problems = problems


def format_problem(problem: ItemError) -> str:
    """One line per problem: file:line key field: message (or `bank: message` for the ratios)."""
    if problem.field == BANK_WIDE:
        return f"bank: {problem.message}"
    where = f"{problem.file or '?'}:{problem.line or '-'}"
    return f"{where} {problem.key or '-'} {problem.field}: {problem.message}"

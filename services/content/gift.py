"""A small reader and writer for Moodle's GIFT format (pure functions, no database).

Reads: `$CATEGORY:` lines, `//` comments, `::title::`, `[format]`, multiple choice
(`{=right#feedback ~wrong#feedback}`), multiple answers (`{~%50%a ~%-100%b}`), true/false
(`{T}`, `{FALSE#wrong fb#right fb}`), short answer (`{=a =b}`), essay (`{}`), general feedback
(`####`), escapes (`\\~ \\= \\# \\{ \\} \\: \\\\ \\n`). Numerical (`{#...}`) and matching (`->`)
questions are recognised and reported as unsupported. Which of our types a GIFT question becomes,
and how each type is written, is in `question_types`. A comment `// fi: {json}` just before a
question carries what GIFT cannot say (difficulty, model answer, rubric...); Moodle ignores it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from . import question_types

SPECIAL = "~=#{}:"
META_PREFIX = "// fi:"
TOPIC_PREFIX = "// fi-topic:"
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]")


class GiftSyntaxError(ValueError):
    """The text is not GIFT; `line` is where the broken item starts."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class GiftAnswer:
    """One answer inside the braces."""

    text: str
    correct: bool
    weight: float | None = None
    feedback: str | None = None


@dataclass
class GiftQuestion:
    """One question as GIFT describes it; `kind` is what the braces say."""

    line: int
    kind: str  # choice | true_false | short | essay | numerical | matching
    title: str | None
    prompt: str
    answers: list[GiftAnswer] = field(default_factory=list)
    truth: bool | None = None
    general_feedback: str | None = None
    category: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    topic_meta: dict[str, Any] = field(default_factory=dict)


def escape(text: str) -> str:
    """Text as GIFT writes it: specials and backslashes escaped, newlines as `\\n`."""
    out = text.replace("\\", "\\\\")
    for char in SPECIAL:
        out = out.replace(char, "\\" + char)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def unescape(text: str) -> str:
    """The inverse of `escape` (an unknown escape keeps its backslash, as Moodle does)."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            nxt = text[index + 1]
            out.append("\n" if nxt == "n" else nxt if nxt in SPECIAL + "\\" else char + nxt)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _find(text: str, target: str, start: int = 0) -> int:
    """Index of the first unescaped `target` at or after `start`, or -1."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(target, index):
            return index
        index += 1
    return -1


def _unescaped(text: str, chars: str) -> list[int]:
    """Positions of unescaped occurrences of any of `chars`."""
    found: list[int] = []
    index = 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] in chars:
            found.append(index)
        index += 1
    return found


def _split_items(source: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks of lines, each with its first line number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, raw in enumerate(source.splitlines(), start=1):
        if raw.strip():
            if not current:
                start = number
            current.append(raw)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def parse(source: str) -> list[GiftQuestion]:
    """Every question of a GIFT text; raises `GiftSyntaxError` for a malformed one."""
    questions: list[GiftQuestion] = []
    category: str | None = None
    topic_meta: dict[str, dict[str, Any]] = {}
    meta: dict[str, Any] = {}
    for start, lines in _split_items(source.lstrip("\ufeff")):
        body: list[str] = []
        first = start
        for offset, raw in enumerate(lines):
            stripped = raw.strip()
            if stripped.startswith("$CATEGORY:"):
                category = stripped.split(":", 1)[1].strip()
            elif stripped.startswith(TOPIC_PREFIX):
                topic_meta[category or ""] = _json(stripped[len(TOPIC_PREFIX) :], start + offset)
            elif stripped.startswith(META_PREFIX):
                meta = _json(stripped[len(META_PREFIX) :], start + offset)
            elif stripped.startswith("//"):
                continue
            else:
                if not body:
                    first = start + offset
                body.append(raw)
        if not body:
            continue
        question = _parse_question("\n".join(body).strip(), first)
        question.category = category
        question.meta, meta = meta, {}
        question.topic_meta = topic_meta.get(category or "", {})
        questions.append(question)
    return questions


def _json(text: str, line: int) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise GiftSyntaxError(line, f"metadata comment is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise GiftSyntaxError(line, "metadata comment must be a JSON object")
    return value


def _parse_question(text: str, line: int) -> GiftQuestion:
    title = None
    if text.startswith("::"):
        end = _find(text, "::", 2)
        if end < 0:
            raise GiftSyntaxError(line, "the title has no closing '::'")
        title, text = unescape(text[2:end]).strip(), text[end + 2 :].lstrip()
    text = _FORMAT.sub("", text, count=1)
    opening = _find(text, "{")
    if opening < 0:
        raise GiftSyntaxError(line, "no answer block '{...}' (descriptions are not questions)")
    closing = _find(text, "}", opening)
    if closing < 0:
        raise GiftSyntaxError(line, "the answer block has no closing '}'")
    before, block, after = text[:opening].strip(), text[opening + 1 : closing], text[closing + 1 :]
    prompt = unescape(before)
    if after.strip():  # missing-word form: the blank sits where the braces were
        prompt = f"{prompt} _____ {unescape(after.strip())}".strip()
    question = GiftQuestion(line=line, kind="choice", title=title, prompt=prompt)
    _parse_block(block, question)
    return question


def _parse_block(block: str, question: GiftQuestion) -> None:
    general = _find(block, "####")
    if general >= 0:
        question.general_feedback = unescape(block[general + 4 :]).strip() or None
        block = block[:general]
    body = block.strip()
    truth = re.match(r"^(TRUE|FALSE|T|F)\s*(#|$)", body)
    if not body:
        question.kind = "essay"
    elif body.startswith("#"):
        question.kind = "numerical"
    elif truth:
        question.kind, question.truth = "true_false", truth.group(1).startswith("T")
    elif _find(body, "->") >= 0:
        question.kind = "matching"
    else:
        question.answers = _answers(body, question.line)
        weighted = any(a.weight is not None for a in question.answers)
        markers = {a.correct for a in question.answers}
        question.kind = "choice" if weighted or False in markers else "short"


def _answers(body: str, line: int) -> list[GiftAnswer]:
    starts = _unescaped(body, "=~")
    if not starts or body[: starts[0]].strip():
        raise GiftSyntaxError(line, "answers must start with '=' or '~'")
    answers = []
    for begin, end in zip(starts, [*starts[1:], len(body)], strict=True):
        marker, rest = body[begin], body[begin + 1 : end].strip()
        weight = None
        match = _WEIGHT.match(rest)
        if match:
            weight, rest = float(match.group(1)), rest[match.end() :]
        cut = _find(rest, "#")
        text, feedback = (rest, None) if cut < 0 else (rest[:cut], rest[cut + 1 :])
        correct = marker == "=" if weight is None else weight > 0
        answers.append(
            GiftAnswer(
                text=unescape(text).strip(),
                correct=correct,
                weight=weight,
                feedback=unescape(feedback).strip() or None if feedback is not None else None,
            )
        )
    return answers


def dump(topics: list[dict[str, Any]], questions: list[dict[str, Any]]) -> str:
    """GIFT text for canonical bank-format questions, one `$CATEGORY` per topic."""
    lines = [
        "// Flask interviews question bank in Moodle GIFT format.",
        "// Lines starting with `// fi:` keep what GIFT cannot express; Moodle ignores them.",
        "",
    ]
    for topic in topics:
        members = [q for q in questions if q["topic"] == topic["slug"]]
        if not members:
            continue
        lines += [f"$CATEGORY: $course$/flask-interviews/{topic['slug']}"]
        lines += [TOPIC_PREFIX + " " + json.dumps(topic, ensure_ascii=False), ""]
        for question in members:
            lines += [*_dump_question(question), ""]
    return "\n".join(lines)


def _dump_question(q: dict[str, Any]) -> list[str]:
    qtype = question_types.of(q["type"])
    meta = {k: q[k] for k in ("key", "type", "difficulty", "model_answer", "references", "tags")}
    meta.update(qtype.gift_meta(q))
    out = [META_PREFIX + " " + json.dumps(meta, ensure_ascii=False)]
    out.append(f"::{escape(q['key'])}::[markdown]{escape(q['prompt'])} {{")
    for line in qtype.gift_lines(q):
        feedback = f"#{escape(line.feedback)}" if line.feedback else ""
        out.append(f"{line.mark}{escape(line.text)}{feedback}")
    out += [f"####{escape(q['explanation'])}", "}"]
    return out

"""The authoring form and the content service's bank format, both ways, and its field errors.

Only the fields of the chosen type are sent (`options` for single/multi, `answer` for true/false,
`accepted`/`patterns` for short, `rubric` for explain), so a type change leaves nothing stale.
"""

from __future__ import annotations

from typing import Any

from .forms import QuestionForm

CHOICE_TYPES = ("single", "multi")


def lines(text: str | None) -> list[str]:
    """Non-empty lines, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def words(text: str | None) -> list[str]:
    """Comma-separated values, trimmed, empty ones dropped."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def to_source(form: QuestionForm) -> dict[str, Any]:
    """The bank-format body for POST/PUT from a filled form."""
    kind = form.type.data
    body: dict[str, Any] = {
        "topic": form.topic.data,
        "type": kind,
        "difficulty": form.difficulty.data,
        "prompt": form.prompt.data or "",
        "model_answer": form.model_answer.data or "",
        "explanation": form.explanation.data or "",
        "references": lines(form.references.data),
        "tags": words(form.tags.data),
    }
    if form.key.data:
        body["key"] = form.key.data.strip()
    if kind in CHOICE_TYPES:
        options = []
        for row in form.options.entries:
            text = (row.form.text.data or "").strip()
            if not text:
                continue
            option: dict[str, Any] = {"text": text, "correct": bool(row.form.correct.data)}
            if (row.form.why.data or "").strip():
                option["why"] = row.form.why.data.strip()
            options.append(option)
        body["options"] = options
    elif kind == "true_false":
        body["answer"] = form.answer.data == "true"
    elif kind == "short":
        body["accepted"] = lines(form.accepted.data)
        body["patterns"] = lines(form.patterns.data)
    elif kind == "explain":
        body["rubric"] = [
            {"point": row.form.point.data.strip(), "keywords": words(row.form.keywords.data)}
            for row in form.rubric.entries
            if (row.form.point.data or "").strip()
        ]
    return body


def from_source(source: dict[str, Any]) -> dict[str, Any]:
    """Form data (for `QuestionForm(data=…)`) from the service's `…/source` answer."""
    options = [
        {"text": o.get("text", ""), "correct": bool(o.get("correct")), "why": o.get("why") or ""}
        for o in source.get("options") or []
    ]
    rubric = [
        {"point": r.get("point", ""), "keywords": ", ".join(r.get("keywords") or [])}
        for r in source.get("rubric") or []
    ]
    answer = source.get("answer")
    return {
        "topic": source.get("topic"),
        "type": source.get("type"),
        "difficulty": source.get("difficulty"),
        "key": source.get("key") or "",
        "prompt": source.get("prompt") or "",
        "options": options,
        "answer": "false" if answer is False else "true",
        "accepted": "\n".join(source.get("accepted") or []),
        "patterns": "\n".join(source.get("patterns") or []),
        "rubric": rubric,
        "model_answer": source.get("model_answer") or "",
        "explanation": source.get("explanation") or "",
        "references": "\n".join(str(r) for r in source.get("references") or []),
        "tags": ", ".join(source.get("tags") or []),
    }


def place_errors(form: QuestionForm, errors: dict[str, list[str]]) -> list[str]:
    """Put each `path: messages` on its field (`options.1.why` on option 2's reason); return
    the messages no field owns."""
    rest: list[str] = []
    for path, messages in errors.items():
        parts = path.split(".")
        target = None
        if parts[0] in ("options", "rubric") and len(parts) >= 2 and parts[1].isdigit():
            rows = getattr(form, parts[0]).entries
            index = int(parts[1])
            if index < len(rows):
                sub = rows[index].form
                name = (
                    parts[2] if len(parts) > 2 else ("text" if parts[0] == "options" else "point")
                )
                target = getattr(sub, name, None)
        elif parts[0] in form._fields and parts[0] != "csrf_token":
            target = form[parts[0]]
        if target is None:
            rest.extend(messages)
            continue
        target.errors = [*list(target.errors or []), *messages]
    return rest

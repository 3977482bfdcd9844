"""Study pages: topics, a topic's questions (filters, search, pages), one question."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import abort, render_template, request

from . import bp
from .backend import call, current_user
from .failures import check_service
from .forms import FilterForm

PER_PAGE = 20
# Answer fields of the study view (present only when the content service shows them).
ANSWER_FIELDS = ("model_answer", "explanation", "answer", "accepted", "key_points")


def page_number() -> int:
    """The `page` query parameter as a positive integer (1 when absent or malformed)."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) >= 1 else 1


def topics() -> list[dict[str, Any]]:
    """Every topic with its question count, in teaching order."""
    reply = check_service(call("content", "GET", "/api/content/topics"))
    return reply.body if reply.ok and isinstance(reply.body, list) else []


@bp.get("/study")
def study() -> str:
    """The topics, each with how many questions it has."""
    return render_template("web/study.html", topics=topics())


@bp.get("/study/<topic>")
def study_topic(topic: str) -> str:
    """A topic's questions, filtered by difficulty and type, searchable, a page at a time."""
    topic_info = next((t for t in topics() if t.get("slug") == topic), None)
    if topic_info is None:
        abort(404)
    form = FilterForm(request.args)
    listing: dict[str, Any] = {"items": [], "page": 1, "per_page": PER_PAGE, "total": 0}
    if form.validate():
        params = {"topic": topic, "page": page_number(), "per_page": PER_PAGE}
        params.update({name: value for name, value in form.data.items() if value})
        reply = check_service(call("content", "GET", "/api/content/questions", params=params))
        if reply.ok and isinstance(reply.body, dict):
            listing = reply.body
    pages = max(1, -(-int(listing.get("total", 0)) // PER_PAGE))
    return render_template(
        "web/study_topic.html",
        topic=topic_info,
        form=form,
        listing=listing,
        pages=pages,
        filters={name: value for name, value in form.data.items() if value},
    )


@bp.get("/study/questions/<question_id>")
def study_question(question_id: str) -> str:
    """One question: prompt and options; the answer behind "Show answer" when it may be seen."""
    reply = check_service(
        call("content", "GET", f"/api/content/questions/{quote(question_id, safe='')}")
    )
    if reply.status == 404 or not isinstance(reply.body, dict) or not reply.ok:
        abort(404)
    question = reply.body
    return render_template(
        "web/question.html",
        question=question,
        answer_state=answer_state(question, signed_in=current_user() is not None),
    )


def answer_state(question: dict[str, Any], *, signed_in: bool) -> str:
    """What the answer area shows: 'held', 'signed-out', 'shown' or 'none'."""
    if question.get("held_until"):
        return "held"
    if not signed_in:
        # Anonymous visitors never see answers, even from a content service that still sends them.
        return "signed-out"
    has_answer = any(question.get(name) not in (None, "", []) for name in ANSWER_FIELDS) or any(
        "correct" in option for option in question.get("options") or []
    )
    return "shown" if has_answer else "none"

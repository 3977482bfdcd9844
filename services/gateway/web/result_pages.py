"""After the interview: the result with per-question review and the self-review of explain
answers, and the report (its status while it builds, the service's fragment, the PDF link)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from . import bp, quiz_calls
from .backend import current_user
from .forms import ButtonForm
from .guards import sign_in_first

VERDICTS = ("covered", "partly", "missed")
SOURCES = {
    "server": "scored by the server",
    "auto": "provisional: suggested from your words",
    "self": "self-assessed",
    "reviewer": "graded by a reviewer",
}
# Where a result's question (or a queue item) may carry its key points as objects.
KEY_POINT_FIELDS = ("key_points", "points", "rubric", "review")
REPORT_REFRESH_S = 3
REPORT_MAX_REFRESHES = 40  # two minutes of waiting, then the page stops asking


def verdicts_from_form() -> list[dict[str, str]] | None:
    """The posted key-point verdicts (`point` fields, `verdict-<i>` radios) as the review API
    takes them; None, with a message flashed, when a point has no valid verdict."""
    points = []
    for index, point in enumerate(request.form.getlist("point")):
        verdict = request.form.get(f"verdict-{index}", "")
        if verdict not in VERDICTS:
            flash(f"Choose covered, partly or missed for “{point}”.", "error")
            return None
        points.append({"point": point, "verdict": verdict})
    return points


def key_points(question: dict[str, Any]) -> list[dict[str, Any]]:
    """The question's key points as `{point, suggestion, evidence, verdict}` (from the richer
    `key_points` list when the service sends it, else from `covered`/`missed`)."""
    for name in KEY_POINT_FIELDS:
        given = question.get(name)
        if isinstance(given, list) and given and isinstance(given[0], dict):
            return [dict(p) for p in given if p.get("point")]
    rows = [{"point": p, "suggestion": "covered"} for p in question.get("covered") or []]
    rows += [{"point": p, "suggestion": "missed"} for p in question.get("missed") or []]
    return rows


def split_scores(questions: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Objective points and free-text points, apart."""
    parts = {"objective": {"score": 0.0, "max": 0.0}, "free": {"score": 0.0, "max": 0.0}}
    for q in questions:
        part = parts["free" if q.get("type") == "explain" else "objective"]
        part["score"] += float(q.get("awarded") or 0)
        part["max"] += float(q.get("points") or 0)
    return parts


@bp.get("/interviews/<session_id>/result")
def result(session_id: str) -> Response | str:
    """Score and percent, objective and free text apart, and every question to review."""
    if current_user() is None:
        return sign_in_first()
    reply = quiz_calls.result(session_id)
    if reply.status == 409:
        return redirect(url_for("web.interview", session_id=session_id))
    if not reply.ok or not isinstance(reply.body, dict):
        abort(404)
    outcome = reply.body
    questions = outcome.get("questions") or []
    return render_template(
        "web/result.html",
        r=outcome,
        session_id=session_id,
        questions=questions,
        points={q.get("position"): key_points(q) for q in questions},
        parts=split_scores(questions),
        sources=SOURCES,
        verdicts=VERDICTS,
        review_form=ButtonForm(formdata=None),
        report_status=quiz_calls.report_status(session_id),
    )


@bp.post("/interviews/<session_id>/review/<int:position>")
def self_review(session_id: str, position: int) -> Response:
    """The candidate's verdict on each key point of an explain answer."""
    if current_user() is None:
        return sign_in_first()
    points = verdicts_from_form()
    if points is None:
        return redirect(url_for("web.result", session_id=session_id, _anchor=f"q{position}"))
    reply = quiz_calls.review(session_id, position, points)
    if reply.ok:
        flash(f"Your review of question {position} is saved; the score is updated.", "success")
    elif reply.status == 404:
        abort(404)
    else:
        flash(reply.detail or "The review could not be saved.", "error")
    return redirect(url_for("web.result", session_id=session_id, _anchor=f"q{position}"))


@bp.get("/interviews/<session_id>/report")
def report(session_id: str) -> Response | str:
    """The report: its status while it builds (refreshing a bounded number of times), then the
    service's own HTML fragment and the PDF link."""
    if current_user() is None:
        return sign_in_first()
    reply = quiz_calls.report(session_id)
    if reply.status == 409:
        return redirect(url_for("web.interview", session_id=session_id))
    body = reply.body if reply.ok and isinstance(reply.body, dict) else None
    if body is None and reply.status != 404:
        abort(404)
    status = str((body or {}).get("status") or "missing")
    raw_wait = request.args.get("wait", "0")
    waited = int(raw_wait) if raw_wait.isdigit() else 0
    refresh = status in {"pending", "updating"} and waited < REPORT_MAX_REFRESHES
    return render_template(
        "web/report.html",
        session_id=session_id,
        status=status,
        body=body or {},
        # The quiz service renders the fragment from its own data with autoescaping.
        fragment=Markup(str((body or {}).get("html") or "")),
        refresh_url=url_for("web.report", session_id=session_id, wait=waited + 1)
        if refresh
        else None,
        refresh_s=REPORT_REFRESH_S,
        pdf_url=f"{quiz_calls.session_path(session_id, '/report.pdf')}",
    )

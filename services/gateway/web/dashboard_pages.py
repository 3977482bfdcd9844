"""The dashboard: the running interview first, recent interviews, mastery and progress."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template

from . import bp, quiz_calls
from .backend import current_user
from .guards import sign_in_first
from .progress import CHART_H, CHART_PAD, CHART_W, chart_points, mastery

STATUS_TEXT = {"active": "Running", "submitted": "Submitted", "expired": "Time ran out"}


@bp.get("/dashboard")
def dashboard() -> Response | str:
    """What the candidate needs next: continue, or start; then how they are doing."""
    if current_user() is None:
        return sign_in_first()
    sessions = quiz_calls.recent_sessions()
    running = next(
        (s for s in sessions if s.get("status") == "active" and (s.get("remaining_s") or 0) > 0),
        None,
    )
    finalised = [s for s in sessions if s.get("status") in quiz_calls.FINAL]
    recent_results: list[dict[str, Any]] = []
    reports: dict[str, str | None] = {}
    for summary in finalised[: quiz_calls.MASTERY_RESULTS]:
        reply = quiz_calls.result(str(summary["id"]))
        if reply.ok and isinstance(reply.body, dict):
            recent_results.append(reply.body)
        reports[str(summary["id"])] = quiz_calls.report_status(str(summary["id"]))
    return render_template(
        "web/dashboard.html",
        running=running,
        sessions=sessions,
        reports=reports,
        status_text=STATUS_TEXT,
        mastery=mastery(recent_results),
        points=chart_points(sessions),
        chart={"w": CHART_W, "h": CHART_H, "pad": CHART_PAD},
    )

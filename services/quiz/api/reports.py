"""Interview reports: the caller's report and its PDF; the operators' list of reports."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint

from services.common.auth import current_principal, require_auth, require_role
from services.common.pagination import page_envelope

from .. import clock, sessions
from ..reports.access import admin_list, caller_report, report_pdf, report_view
from ..reports.schemas import ReportArgsSchema, ReportPageSchema, ReportSchema

bp = Blueprint("reports", __name__, description="Interview reports")


def _caller_report(session_id: str) -> Any:
    rules = sessions.Rules.from_config(current_app.config)
    return caller_report(session_id, current_principal().sub, clock.now(), rules)


@bp.get("/sessions/<session_id>/report")
@require_auth
@bp.response(200, ReportSchema)
@bp.alt_response(409, description="The interview is still running")
def get_report(session_id: str) -> dict[str, Any]:
    """The report of a finalised interview: status, structured content and page fragment."""
    return report_view(*_caller_report(session_id))


@bp.get("/sessions/<session_id>/report.pdf")
@require_auth
@bp.response(200, description="The report as a PDF", content_type="application/pdf")
@bp.alt_response(409, description="No build stored yet (`status` pending or failed)")
def get_report_pdf(session_id: str) -> Response:
    """The report as a PDF (rendered on first download, then kept); 409 while pending."""
    session, report = _caller_report(session_id)
    pdf = report_pdf(session, report)
    headers = {
        "Content-Disposition": f'attachment; filename="report-{session.id}.pdf"',
        "Cache-Control": "private, no-store",
    }
    return Response(pdf, mimetype="application/pdf", headers=headers)


@bp.get("/reports")
@require_role("admin")
@bp.arguments(ReportArgsSchema, location="query")
@bp.response(200, ReportPageSchema)
def list_reports(args: dict[str, Any]) -> dict[str, Any]:
    """Reports by status for operators (`?status=failed` shows failures and their reasons)."""
    items, total = admin_list(args["status"], args["page"], args["per_page"])
    return page_envelope(items, args["page"], args["per_page"], total)

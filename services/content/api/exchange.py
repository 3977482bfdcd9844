"""Export and import of the whole bank (JSON and Moodle GIFT), for authors."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_smorest import Blueprint

from services.common.auth import require_role
from services.common.errors import Problem

from .. import exchange
from ..schemas import ExportQuerySchema, ImportQuerySchema, ImportReportSchema

bp = Blueprint("exchange", __name__, description="Export and import")
GIFT_MIME = "text/plain; charset=utf-8"


@bp.get("/export")
@require_role("author")
@bp.arguments(ExportQuerySchema, location="query", as_kwargs=True)
@bp.response(200, description="The bank as JSON (lossless) or GIFT text (active questions)")
def export(format: str) -> Response:
    """The whole bank as JSON (`format=json`, round-trippable) or Moodle GIFT (`format=gift`)."""
    if format == "gift":
        response = Response(exchange.export_gift(), mimetype="text/plain")
        response.headers["Content-Type"] = GIFT_MIME
        response.headers["Content-Disposition"] = 'attachment; filename="flask-bank.gift.txt"'
    else:
        response = jsonify(exchange.export_json())
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/import")
@require_role("author")
@bp.arguments(ImportQuerySchema, location="query", as_kwargs=True)
@bp.response(200, ImportReportSchema)
@bp.doc(
    requestBody={
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["questions"],
                    "properties": {"questions": {"type": "array", "items": {"type": "object"}}},
                }
            },
            "text/plain": {"schema": {"type": "string", "description": "Moodle GIFT"}},
        }
    }
)
def import_bank(**params: Any) -> dict[str, Any]:
    """Import a JSON export (all-or-nothing) or a GIFT file (unsupported items skipped)."""
    is_gift = params.get("format") == "gift" or (
        params.get("format") is None and request.mimetype == "text/plain"
    )
    if is_gift:
        try:
            source = request.get_data().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Problem("The GIFT file must be UTF-8 text.") from exc
        return exchange.import_gift(source, params.get("topic"), params.get("difficulty"))
    document = request.get_json(silent=True)
    if document is None:
        raise Problem("The request body is not valid JSON (send GIFT as text/plain).")
    return exchange.import_json(document)

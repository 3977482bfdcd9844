"""Interview templates: public list, admin edits, custom-interview bounds."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from services.common.auth import require_role

from .. import interview_templates
from ..models import Template
from ..schemas import (
    DIFFICULTIES,
    LimitsSchema,
    TemplateListSchema,
    TemplatePatchSchema,
    TemplateSchema,
)

bp = Blueprint("templates", __name__, description="Interview templates")


@bp.route("/templates")
class Templates(MethodView):
    @bp.response(200, TemplateListSchema)
    def get(self) -> dict[str, Any]:
        """List the active interview templates."""
        return {"items": interview_templates.list_templates()}

    @require_role("admin")
    @bp.arguments(TemplateSchema)
    @bp.response(201, TemplateSchema)
    def post(self, data: dict[str, Any]) -> Template:
        """Add a template (admin)."""
        return interview_templates.create_template(data, current_app.config)


@bp.route("/templates/<template_id>")
class TemplateItem(MethodView):
    @require_role("admin")
    @bp.arguments(TemplatePatchSchema)
    @bp.response(200, TemplateSchema)
    def patch(self, data: dict[str, Any], template_id: str) -> Template:
        """Edit a template (admin); set `active: false` to withdraw it."""
        return interview_templates.update_template(template_id, data, current_app.config)


@bp.get("/limits")
@bp.response(200, LimitsSchema)
def limits() -> dict[str, Any]:
    """The bounds a custom interview must respect, and the grace after the deadline."""
    config = current_app.config
    return {
        "question_count": {"min": 1, "max": config["QUIZ_MAX_QUESTIONS"]},
        "time_limit_s": {
            "min": config["QUIZ_MIN_TIME_LIMIT_S"],
            "max": config["QUIZ_MAX_TIME_LIMIT_S"],
        },
        "difficulties": list(DIFFICULTIES),
        "grace_s": config["QUIZ_GRACE_S"],
    }

"""Wire formats of the report routes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from services.common.pagination import PageArgsSchema, PageSchema

from .models import STATUSES


class ReportSchema(ma.Schema):
    """A session's report: its status and, once built, the data and the page fragment."""

    status = ma.fields.String(
        metadata={
            "description": "`pending` (not built yet), `ready`, `updating` (the report shown is"
            " for an older score version; a rebuild is on its way) or `failed` (see `error`)",
            "enum": list(STATUSES),
        }
    )
    score_version = ma.fields.Integer(metadata={"description": "the session's score version"})
    built_version = ma.fields.Integer(
        allow_none=True, metadata={"description": "the score version `report` describes"}
    )
    report = ma.fields.Dict(
        allow_none=True, metadata={"description": "structured content (docs/reports.md)"}
    )
    html = ma.fields.String(
        allow_none=True,
        metadata={"description": '`<section class="report">…` fragment: classes only, no styles'},
    )
    error = ma.fields.String(allow_none=True, metadata={"description": "why the build failed"})
    built_at = ma.fields.DateTime(allow_none=True)


class ReportArgsSchema(PageArgsSchema):
    """Filter of the operators' report list."""

    status = ma.fields.String(validate=validate.OneOf(STATUSES), load_default=None)


class ReportRowSchema(ma.Schema):
    """One report's state, without its content."""

    session_id = ma.fields.String()
    status = ma.fields.String()
    requested_version = ma.fields.Integer()
    built_version = ma.fields.Integer(allow_none=True)
    builds = ma.fields.Integer()
    error = ma.fields.String(allow_none=True)
    requested_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(allow_none=True)
    built_at = ma.fields.DateTime(allow_none=True)


class ReportPageSchema(PageSchema):
    """A page of report states."""

    items = ma.fields.List(ma.fields.Nested(ReportRowSchema))

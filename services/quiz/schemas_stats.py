"""Wire formats of the item statistics authors read."""

from __future__ import annotations

import marshmallow as ma

from services.common.pagination import MAX_PER_PAGE, PageArgsSchema, PageSchema


class ItemStatSchema(ma.Schema):
    """How one question performs across finalised sessions (final scores only)."""

    question_id = ma.fields.String()
    question_key = ma.fields.String()
    topic = ma.fields.String()
    type = ma.fields.String()
    difficulty = ma.fields.String()
    attempts = ma.fields.Integer()
    facility = ma.fields.Float()
    discrimination = ma.fields.Float(allow_none=True)
    flags = ma.fields.List(ma.fields.String())


class ItemStatPageSchema(PageSchema):
    """One page of item statistics."""

    items = ma.fields.List(ma.fields.Nested(ItemStatSchema))


class StatArgsSchema(PageArgsSchema):
    """Filters and pagination for item statistics (50 a page unless asked otherwise)."""

    topic = ma.fields.String()
    flagged = ma.fields.Boolean(load_default=False)
    per_page = ma.fields.Integer(
        load_default=50, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE)
    )

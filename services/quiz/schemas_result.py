"""Wire formats that carry correctness data: served only for finalised sessions."""

from __future__ import annotations

import marshmallow as ma

from services.common.pagination import MAX_PER_PAGE, PageArgsSchema, PageSchema

from .schemas import QuestionSchema, SubmittedSchema


class ResultOptionSchema(ma.Schema):
    """A choice with whether it was correct and why."""

    id = ma.fields.String()
    text = ma.fields.String()
    correct = ma.fields.Boolean()
    why = ma.fields.String(allow_none=True)


class ResultQuestionSchema(QuestionSchema):
    """A scored question: the answer, the points, the correct answer and the explanation."""

    options = ma.fields.List(ma.fields.Nested(ResultOptionSchema))
    awarded = ma.fields.Float()
    correct = ma.fields.Boolean()
    correct_answer = ma.fields.Raw()
    model_answer = ma.fields.String()
    explanation = ma.fields.String()
    references = ma.fields.List(ma.fields.String())
    covered = ma.fields.List(ma.fields.String())
    missed = ma.fields.List(ma.fields.String())
    question_id = ma.fields.String()
    question_version = ma.fields.Integer()


class ResultSchema(SubmittedSchema):
    """A finalised session's result: the submitted outcome plus per-topic and question detail."""

    title = ma.fields.String()
    started_at = ma.fields.DateTime()
    finalised_at = ma.fields.DateTime()
    by_topic = ma.fields.Dict()
    questions = ma.fields.List(ma.fields.Nested(ResultQuestionSchema))


class ItemStatSchema(ma.Schema):
    """How one question performs across finalised sessions."""

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

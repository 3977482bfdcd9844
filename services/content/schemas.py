"""Wire formats of the content API (marshmallow). Business rules live in rules.py."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from services.common.pagination import PageArgsSchema, PageSchema

from .queries import SORTS
from .rules import DIFFICULTIES, TYPES

MAX_DRAW = 100


class TopicSchema(ma.Schema):
    """A topic with its number of active questions."""

    slug = fields.String()
    title = fields.String()
    description = fields.String()
    question_count = fields.Integer()


class QuestionQuerySchema(PageArgsSchema):
    """Filters, search, sort and page of a question list."""

    topic = fields.String(validate=validate.Length(min=1, max=64))
    difficulty = fields.String(validate=validate.OneOf(DIFFICULTIES))
    type = fields.String(validate=validate.OneOf(TYPES))
    tag = fields.String(validate=validate.Length(min=1, max=64))
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "full text"})
    sort = fields.String(
        validate=validate.OneOf(SORTS),
        metadata={"description": "default `topic`, or `relevance` when `q` is given"},
    )


class StudyOptionSchema(ma.Schema):
    """An option in display order, with whether it is correct and why."""

    id = fields.String()
    text = fields.String()
    correct = fields.Boolean()
    why = fields.String()


class QuestionStudySchema(ma.Schema):
    """A question as a learner studies it."""

    id = fields.String()
    key = fields.String()
    version = fields.Integer()
    topic = fields.String()
    type = fields.String()
    difficulty = fields.String()
    prompt = fields.String()
    options = fields.List(fields.Nested(StudyOptionSchema))
    answer = fields.Boolean(metadata={"description": "true_false only"})
    accepted = fields.List(fields.String(), metadata={"description": "short only"})
    key_points = fields.List(fields.String(), metadata={"description": "explain only"})
    model_answer = fields.String()
    explanation = fields.String()
    references = fields.List(fields.String())
    tags = fields.List(fields.String())
    retired = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class QuestionPageSchema(PageSchema):
    """One page of questions."""

    items = fields.List(fields.Nested(QuestionStudySchema))


class OptionInSchema(ma.Schema):
    """An option as authors write it."""

    text = fields.String(required=True)
    correct = fields.Boolean(load_default=False)
    why = fields.String()


class RubricPointSchema(ma.Schema):
    """A key point of an explain question and the words that show it was covered."""

    point = fields.String(required=True)
    keywords = fields.List(fields.String(), required=True)


class QuestionInSchema(ma.Schema):
    """A question in the bank format (bank/FORMAT.md); which fields apply depends on `type`."""

    key = fields.String(metadata={"description": "optional on create: generated from the topic"})
    # Documented bounds only (`metadata`): rules.py checks them, with one error map for all.
    topic = fields.String(required=True, metadata={"minLength": 1})
    type = fields.String(required=True, metadata={"enum": list(TYPES)})
    difficulty = fields.String(required=True, metadata={"enum": list(DIFFICULTIES)})
    prompt = fields.String(required=True, metadata={"minLength": 1})
    options = fields.List(fields.Nested(OptionInSchema))
    answer = fields.Boolean()
    accepted = fields.List(fields.String())
    patterns = fields.List(fields.String())
    rubric = fields.List(fields.Nested(RubricPointSchema))
    model_answer = fields.String(required=True, metadata={"minLength": 1})
    explanation = fields.String(required=True, metadata={"minLength": 1})
    references = fields.List(fields.String())
    tags = fields.List(fields.String())


class QuestionPatchSchema(QuestionInSchema):
    """Any subset of the question's fields, plus `retired` to retire or restore it."""

    retired = fields.Boolean()


class QuestionSourceSchema(QuestionInSchema):
    """A question in the bank format, as stored (what PUT takes back)."""

    id = fields.String()
    version = fields.Integer()
    retired = fields.Boolean()


class DrawRequestSchema(ma.Schema):
    """What the quiz service asks for."""

    topics = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)
    difficulty = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(DIFFICULTIES)
    )
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_DRAW))
    exclude_ids = fields.List(fields.String(), load_default=list)


class DrawnQuestionSchema(ma.Schema):
    """A question with its answer key (for the quiz service only)."""

    id = fields.String()
    key = fields.String()
    version = fields.Integer()
    topic = fields.String()
    type = fields.String()
    difficulty = fields.String()
    prompt = fields.String()
    options = fields.List(fields.Dict())
    answer_key = fields.Dict()
    model_answer = fields.String()
    explanation = fields.String()
    references = fields.List(fields.String())


class DrawResponseSchema(ma.Schema):
    """The drawn questions, balanced across topics."""

    items = fields.List(fields.Nested(DrawnQuestionSchema))


class ExportQuerySchema(ma.Schema):
    """Which format to export."""

    format = fields.String(load_default="json", validate=validate.OneOf(("json", "gift")))


class ImportQuerySchema(ma.Schema):
    """How to read an import body (GIFT also by Content-Type text/plain)."""

    format = fields.String(validate=validate.OneOf(("json", "gift")))
    topic = fields.String(metadata={"description": "GIFT: topic of items without $CATEGORY"})
    difficulty = fields.String(
        validate=validate.OneOf(DIFFICULTIES),
        metadata={"description": "GIFT: difficulty of items without metadata (default mid)"},
    )


class ImportReportSchema(ma.Schema):
    """What an import did."""

    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    skipped = fields.List(fields.Dict(), metadata={"description": "GIFT: unsupported items"})

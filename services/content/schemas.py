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
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={
            "description": "full text over prompts and, where the caller may see them, answers"
        },
    )
    sort = fields.String(
        validate=validate.OneOf(SORTS),
        metadata={"description": "default `topic`, or `relevance` when `q` is given"},
    )


SIGNED_IN = "signed-in callers only, and not while the question is held for them"


class StudyOptionSchema(ma.Schema):
    """An option in display order, with whether it is correct and why (signed-in callers)."""

    id = fields.String()
    text = fields.String()
    correct = fields.Boolean(metadata={"description": SIGNED_IN})
    why = fields.String(metadata={"description": SIGNED_IN})


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
    answer = fields.Boolean(metadata={"description": f"true_false only; {SIGNED_IN}"})
    accepted = fields.List(fields.String(), metadata={"description": f"short only; {SIGNED_IN}"})
    key_points = fields.List(
        fields.String(), metadata={"description": f"explain only; {SIGNED_IN}"}
    )
    model_answer = fields.String(metadata={"description": SIGNED_IN})
    explanation = fields.String(metadata={"description": SIGNED_IN})
    references = fields.List(fields.String())
    tags = fields.List(fields.String())
    retired = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    held_until = fields.DateTime(
        metadata={
            "description": "present when the question belongs to the caller's running "
            "interview: its answer fields are left out until then (or until it is finalised)"
        }
    )


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


class HoldRequestSchema(ma.Schema):
    """Whose running interview the drawn questions belong to, and until when to hold them."""

    candidate = fields.String(
        required=True,
        validate=validate.Length(min=1, max=255),
        metadata={"description": "the candidate's token `sub`"},
    )
    session_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    until = fields.AwareDateTime(
        required=True, metadata={"description": "the session's deadline plus grace"}
    )


class DrawRequestSchema(ma.Schema):
    """What the quiz service asks for."""

    topics = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)
    difficulty = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(DIFFICULTIES)
    )
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_DRAW))
    exclude_ids = fields.List(fields.String(), load_default=list)
    hold = fields.Nested(
        HoldRequestSchema,
        load_default=None,
        metadata={
            "description": "hold the drawn questions for this candidate's session "
            "(recorded in the same transaction); omitted: nothing is held"
        },
    )


class ReleaseRequestSchema(ma.Schema):
    """Which finalised session's holds to release."""

    session_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ReleaseResponseSchema(ma.Schema):
    """How many holds the release deleted (0 when already released or expired)."""

    released = fields.Integer()


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

"""Wire formats of the quiz API. Output schemas list their fields explicitly, so correctness
data (answer keys, model answers, explanations) can only appear where a schema names it."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from services.common.pagination import PageSchema

DIFFICULTIES = ("junior", "mid", "senior")
TOPIC_SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,79}$", error="Not a topic slug.")


class TemplateSchema(ma.Schema):
    """An interview template."""

    id = ma.fields.String(dump_only=True)
    slug = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{1,80}$"))
    title = ma.fields.String(required=True, validate=validate.Length(1, 200))
    description = ma.fields.String(load_default="")
    topics = ma.fields.List(ma.fields.String(validate=TOPIC_SLUG), load_default=list)
    difficulty = ma.fields.String(allow_none=True, validate=validate.OneOf(DIFFICULTIES))
    question_count = ma.fields.Integer(required=True, strict=True)
    time_limit_s = ma.fields.Integer(required=True, strict=True)
    active = ma.fields.Boolean(load_default=True)


class TemplatePatchSchema(ma.Schema):
    """Some fields of a template (no defaults: what is absent stays as it is)."""

    title = ma.fields.String(validate=validate.Length(1, 200))
    description = ma.fields.String()
    topics = ma.fields.List(ma.fields.String(validate=TOPIC_SLUG))
    difficulty = ma.fields.String(allow_none=True, validate=validate.OneOf(DIFFICULTIES))
    question_count = ma.fields.Integer(strict=True)
    time_limit_s = ma.fields.Integer(strict=True)
    active = ma.fields.Boolean()


class TemplateListSchema(ma.Schema):
    """Every active template."""

    items = ma.fields.List(ma.fields.Nested(TemplateSchema))


class LimitsSchema(ma.Schema):
    """The bounds of a custom interview."""

    question_count = ma.fields.Dict()
    time_limit_s = ma.fields.Dict()
    difficulties = ma.fields.List(ma.fields.String())
    grace_s = ma.fields.Float()


class StartSchema(ma.Schema):
    """A template id, or a custom interview."""

    template_id = ma.fields.String(validate=validate.Length(1, 32))
    title = ma.fields.String(validate=validate.Length(1, 200))
    topics = ma.fields.List(ma.fields.String(validate=TOPIC_SLUG), validate=validate.Length(max=20))
    difficulty = ma.fields.String(allow_none=True, validate=validate.OneOf(DIFFICULTIES))
    question_count = ma.fields.Integer(strict=True)
    time_limit_s = ma.fields.Integer(strict=True)


class OptionSchema(ma.Schema):
    """A choice as the candidate sees it (no correctness)."""

    id = ma.fields.String()
    text = ma.fields.String()


class QuestionSchema(ma.Schema):
    """A question of a running session with the candidate's saved answer."""

    position = ma.fields.Integer()
    topic = ma.fields.String()
    type = ma.fields.String()
    difficulty = ma.fields.String()
    prompt = ma.fields.String()
    options = ma.fields.List(ma.fields.Nested(OptionSchema))
    points = ma.fields.Float()
    answer = ma.fields.Raw(allow_none=True)
    saved_at = ma.fields.DateTime(allow_none=True)


class ScorePartSchema(ma.Schema):
    """Points earned and at stake under one source."""

    score = ma.fields.Float()
    max_score = ma.fields.Float()


class ScorePartsSchema(ma.Schema):
    """How much of the score each source decided (docs/quiz.md, scoring policy)."""

    server = ma.fields.Nested(ScorePartSchema, metadata={"description": "objective, final"})
    auto = ma.fields.Nested(ScorePartSchema, metadata={"description": "suggested, provisional"})
    self = ma.fields.Nested(ScorePartSchema, metadata={"description": "self-assessed, final"})
    reviewer = ma.fields.Nested(ScorePartSchema, metadata={"description": "graded, final"})


class ScoreFieldsSchema(ma.Schema):
    """A finalised session's score and where it comes from (all null while active)."""

    score = ma.fields.Float(allow_none=True)
    max_score = ma.fields.Float(allow_none=True)
    percent = ma.fields.Float(allow_none=True)
    score_parts = ma.fields.Nested(ScorePartsSchema, allow_none=True)
    provisional = ma.fields.Boolean(
        allow_none=True, metadata={"description": "part of the score awaits a person's verdict"}
    )
    score_version = ma.fields.Integer(
        metadata={"description": "bumped whenever a review changes the score"}
    )


class ClockSchema(ma.Schema):
    """The server's clock, carried by every session response."""

    server_now = ma.fields.DateTime()
    deadline = ma.fields.DateTime()
    remaining_s = ma.fields.Float()


class SessionSummarySchema(ClockSchema, ScoreFieldsSchema):
    """A session in the history list."""

    id = ma.fields.String()
    status = ma.fields.String()
    title = ma.fields.String()
    template_id = ma.fields.String(allow_none=True)
    topics = ma.fields.List(ma.fields.String())
    difficulty = ma.fields.String(allow_none=True)
    question_count = ma.fields.Integer()
    time_limit_s = ma.fields.Integer()
    started_at = ma.fields.DateTime()
    finalised_at = ma.fields.DateTime(allow_none=True)


class SessionSchema(SessionSummarySchema):
    """A session with its questions and saved answers."""

    questions = ma.fields.List(ma.fields.Nested(QuestionSchema))


class SessionPageSchema(PageSchema):
    """One page of the caller's sessions."""

    items = ma.fields.List(ma.fields.Nested(SessionSummarySchema))


class AnswerSchema(ma.Schema):
    """An answer: an option id, a list of them, true/false, or text; null clears it."""

    answer = ma.fields.Raw(required=True, allow_none=True)


class SavedAnswerSchema(ClockSchema):
    """The stored answer and when it was saved."""

    position = ma.fields.Integer()
    answer = ma.fields.Raw(allow_none=True)
    saved_at = ma.fields.DateTime()


class SubmittedSchema(ClockSchema, ScoreFieldsSchema):
    """The outcome of submitting."""

    id = ma.fields.String()
    status = ma.fields.String()

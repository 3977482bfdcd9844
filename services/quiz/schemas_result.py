"""Wire formats that carry correctness data: served only for finalised sessions (results,
reviews and the reviewers' queue)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from services.common.pagination import PageArgsSchema, PageSchema

from .explain_suggestions import COVERED, MISSED, PARTLY
from .models import ScoreSource
from .schemas import TOPIC_SLUG, QuestionSchema, ScoreFieldsSchema, SubmittedSchema

VERDICTS = (COVERED, PARTLY, MISSED)
MAX_KEY_POINTS = 50


class ResultOptionSchema(ma.Schema):
    """A choice with whether it was correct and why."""

    id = ma.fields.String()
    text = ma.fields.String()
    correct = ma.fields.Boolean()
    why = ma.fields.String(allow_none=True)


class KeyPointSchema(ma.Schema):
    """One rubric key point of an explain answer: suggestion, evidence and verdicts."""

    point = ma.fields.String()
    suggestion = ma.fields.String(
        metadata={"description": "the automatic pass: covered, partly or missed (never final)"}
    )
    evidence = ma.fields.String(
        allow_none=True,
        metadata={"description": "the sentence of the answer that matched or argued against"},
    )
    against = ma.fields.Boolean(
        metadata={"description": "true when the evidence negates the point (e.g. 'no need to')"}
    )
    note = ma.fields.String(
        allow_none=True,
        metadata={"description": "why the suggestion gave no or partial credit, when it did"},
    )
    self_verdict = ma.fields.String(allow_none=True)
    reviewer_verdict = ma.fields.String(allow_none=True)
    verdict = ma.fields.String(
        allow_none=True,
        metadata={"description": "the final verdict: the reviewer's, else the candidate's"},
    )


class ResultQuestionSchema(QuestionSchema):
    """A scored question: the answer, the points and who decided them, the correct answer."""

    options = ma.fields.List(ma.fields.Nested(ResultOptionSchema))
    awarded = ma.fields.Float()
    source = ma.fields.String(
        metadata={"description": "server, auto (provisional), self or reviewer"}
    )
    correct = ma.fields.Boolean(
        allow_none=True, metadata={"description": "null while only a suggestion scores it"}
    )
    correct_answer = ma.fields.Raw()
    model_answer = ma.fields.String()
    explanation = ma.fields.String()
    references = ma.fields.List(ma.fields.String())
    key_points = ma.fields.List(ma.fields.Nested(KeyPointSchema))
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


class VerdictSchema(ma.Schema):
    """A person's verdict on one key point."""

    point = ma.fields.String(required=True, validate=validate.Length(1, 500))
    verdict = ma.fields.String(required=True, validate=validate.OneOf(VERDICTS))


class ReviewSchema(ma.Schema):
    """A verdict for every key point of the question's rubric, each exactly once."""

    points = ma.fields.List(
        ma.fields.Nested(VerdictSchema),
        required=True,
        validate=validate.Length(1, MAX_KEY_POINTS),
    )


class ReviewedSessionSchema(ScoreFieldsSchema):
    """The session's score after the verdict."""

    id = ma.fields.String()


class JudgedQuestionSchema(ma.Schema):
    """An explain answer's points, who decided them, and its key points."""

    session_id = ma.fields.String()
    position = ma.fields.Integer()
    points = ma.fields.Float()
    awarded = ma.fields.Float()
    source = ma.fields.String(validate=validate.OneOf([s.value for s in ScoreSource]))
    correct = ma.fields.Boolean(allow_none=True)
    key_points = ma.fields.List(ma.fields.Nested(KeyPointSchema))


class ReviewedSchema(JudgedQuestionSchema):
    """The reviewed question and the session's score after the verdict."""

    session = ma.fields.Nested(ReviewedSessionSchema)


class ReviewItemSchema(JudgedQuestionSchema):
    """An explain answer awaiting a reviewer's grade (the candidate is not named)."""

    finalised_at = ma.fields.DateTime(attribute="session.finalised_at")
    template_id = ma.fields.String(attribute="session.template_id", allow_none=True)
    question_id = ma.fields.String()
    question_key = ma.fields.String()
    topic = ma.fields.String()
    difficulty = ma.fields.String()
    prompt = ma.fields.String()
    answer = ma.fields.String()
    model_answer = ma.fields.String()


class ReviewPageSchema(PageSchema):
    """One page of the review queue."""

    items = ma.fields.List(ma.fields.Nested(ReviewItemSchema))


class ReviewArgsSchema(PageArgsSchema):
    """Filters and pagination of the review queue."""

    template = ma.fields.String(validate=validate.Length(1, 32))
    topic = ma.fields.String(validate=TOPIC_SLUG)

"""The pages' pure rules: mastery, the chart, durations, and the authoring form's mapping."""

from __future__ import annotations

from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from services.gateway.web.assets import STATIC_DIR
from services.gateway.web.progress import chart_points, clock, mastery, minutes
from services.gateway.web.question_form import from_source, place_errors, to_source


def test_mastery_sums_topics_over_results_weakest_first() -> None:
    quarter = {"score": 1, "max_score": 4}
    results = [
        {"by_topic": {"routing": quarter, "forms": {"score": 2, "max_score": 2}}},
        {"by_topic": {"routing": quarter, "empty": {"score": 0, "max_score": 0}}},
        {"by_topic": None},
    ]
    rows = mastery(results)
    assert [(r.topic, r.percent) for r in rows] == [("routing", 25), ("forms", 100)]


def test_chart_places_finalised_interviews_oldest_first() -> None:
    sessions = [
        {"status": "submitted", "percent": 80, "started_at": "2026-11-28T10:00:00+00:00"},
        {"status": "active", "percent": None},
        {"status": "expired", "percent": 20, "started_at": "2026-11-27T10:00:00+00:00"},
    ]
    points = chart_points(sessions)
    assert [p.percent for p in points] == [20, 80]
    assert points[0].x < points[1].x and points[0].y > points[1].y
    assert points[0].label == "27 Nov 2026"


def test_durations() -> None:
    assert minutes(1200) == "20 min" and minutes(90) == "1 min 30 s" and minutes(45) == "45 s"
    assert clock(1200) == "20:00" and clock(59.2) == "01:00" and clock(-3) == "00:00"
    assert clock(3725) == "1:02:05"


def test_the_interview_script_stays_small() -> None:
    assert (STATIC_DIR / "interview.js").stat().st_size < 40 * 1024


def test_authoring_form_round_trips_the_bank_format(app: Flask) -> None:
    from services.gateway.web.forms import QuestionForm

    source = {
        "topic": "routing", "type": "explain", "difficulty": "mid", "key": "routing-x",
        "prompt": "Explain.", "model_answer": "M.", "explanation": "E.",
        "rubric": [{"point": "One", "keywords": ["a", "b c"]}, {"point": "Two", "keywords": ["d"]}],
        "references": ["Docs"], "tags": ["t1", "t2"],
    }  # fmt: skip
    with app.test_request_context():
        data = from_source(source)
        form = QuestionForm(formdata=None, data=data)
        form.topic.choices = [SelectChoice("routing", "Routing")]
        body = to_source(form)
    assert body == source
    with app.test_request_context(method="POST"):
        form = QuestionForm(formdata=MultiDict(), data=data)
        rest = place_errors(
            form,
            {"rubric.1.keywords": ["Too generic."], "prompt": ["Duplicate."], "x.y": ["Other."]},
        )
        assert form.rubric.entries[1].form.keywords.errors == ["Too generic."]
        assert form.prompt.errors == ["Duplicate."] and rest == ["Other."]

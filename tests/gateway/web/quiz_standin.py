"""Quiz and authoring routes of the stand-in services (added to `services_app`)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request

CLOCK = {
    "server_now": "2030-01-01T10:05:00+00:00",
    "deadline": "2030-01-01T10:25:00+00:00",
    "remaining_s": 1200.0,
}
SESSION = {
    "id": "s1",
    "status": "active",
    "title": "Flask fundamentals",
    "time_limit_s": 1500,
    "question_count": 4,
    "topics": ["routing"],
    "started_at": "2030-01-01T10:00:00+00:00",
    "percent": None,
    **CLOCK,
    "questions": [
        {
            "position": 1,
            "topic": "routing",
            "type": "single",
            "prompt": "Pick `one`.",
            "points": 1,
            "answer": "b",
            "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
        },
        {
            "position": 2,
            "topic": "routing",
            "type": "multi",
            "prompt": "Pick some.",
            "points": 1,
            "answer": None,
            "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
        },
        {
            "position": 3,
            "topic": "routing",
            "type": "true_false",
            "prompt": "True?",
            "points": 1,
            "answer": False,
            "options": [],
        },
        {
            "position": 4,
            "topic": "routing",
            "type": "explain",
            "prompt": "Explain <b>it</b>.",
            "points": 2,
            "answer": "Because the app context.",
            "options": [],
        },
    ],
}
DONE = {
    **SESSION,
    "id": "s0",
    "status": "submitted",
    "score": 3.0,
    "max_score": 5.0,
    "percent": 60.0,
    "started_at": "2029-12-30T10:00:00+00:00",
}
RESULT = {
    **DONE,
    "by_topic": {
        "routing": {"score": 2, "max_score": 4},
        "blueprints": {"score": 1, "max_score": 1},
    },
    "questions": [
        {
            "position": 1,
            "topic": "routing",
            "type": "single",
            "prompt": "Pick one.",
            "points": 1,
            "answer": "b",
            "awarded": 0,
            "correct": False,
            "correct_answer": ["a"],
            "options": [
                {"id": "a", "text": "A", "correct": True, "why": None},
                {"id": "b", "text": "B", "correct": False, "why": "B is a trap."},
            ],
            "model_answer": "A.",
            "explanation": "Because A.",
        },
        {
            "position": 4,
            "topic": "routing",
            "type": "explain",
            "prompt": "Explain it.",
            "points": 2,
            "answer": "Because the app context.",
            "awarded": 1,
            "correct": False,
            "source": "auto",
            "model_answer": "The app context.",
            "explanation": "Context.",
            "key_points": [
                {
                    "point": "Names the app context",
                    "suggestion": "covered",
                    "evidence": "Because the app context.",
                    "verdict": None,
                },
                {
                    "point": "Says when it is pushed",
                    "suggestion": "missed",
                    "evidence": None,
                    "verdict": None,
                },
            ],
        },
    ],
}
SOURCE = {
    "id": "q1",
    "key": "routing-pick",
    "version": 3,
    "retired": False,
    "topic": "routing",
    "type": "single",
    "difficulty": "junior",
    "prompt": "Which decorator registers a view?",
    "options": [
        {"text": "@app.route", "correct": True},
        {"text": "@app.view", "correct": False, "why": "No such decorator."},
    ],
    "model_answer": "Use app.route.",
    "explanation": "route() calls add_url_rule().",
    "references": ["Flask docs"],
    "tags": ["routing"],
}


def add_quiz_routes(app: Flask, state: dict[str, Any], problem: Any) -> None:
    """The quiz service's and the content service's authoring routes the pages call."""

    @app.get("/api/quiz/sessions")
    def sessions() -> Response:
        items = [] if state.get("no_sessions") else [SESSION, DONE]
        return jsonify(items=items, page=1, per_page=10, total=len(items))

    @app.post("/api/quiz/sessions")
    def start() -> Any:
        state["started"] = request.get_json()
        if state.get("running"):
            return problem(409, "active-session-exists", "Running.", active_session_id="s1")
        return jsonify({**SESSION, "id": "s9"}), 201

    @app.get("/api/quiz/sessions/<sid>")
    def session(sid: str) -> Any:
        if sid == "s1":
            return jsonify(SESSION)
        if sid == "s0":
            return jsonify(DONE)
        return problem(404, "not-found", "No such session.")

    @app.get("/api/quiz/sessions/<sid>/result")
    def result(sid: str) -> Any:
        if sid == "s1":
            return problem(409, "result-not-ready", "Still running.")
        if sid == "s0":
            return jsonify(RESULT)
        return problem(404, "not-found", "No such session.")

    @app.put("/api/quiz/sessions/<sid>/review/<int:position>")
    def review(sid: str, position: int) -> Any:
        state["review"] = (sid, position, request.get_json())
        return jsonify(score=4.0, max_score=5.0)

    @app.get("/api/quiz/sessions/<sid>/report")
    def report(sid: str) -> Any:
        status = state.get("report", "ready")
        if status == "missing":
            return problem(404, "not-found", "No report.")
        html = '<section class="report"><h2>Band: solid</h2></section>'
        return jsonify(status=status, score_version=1, report={}, html=html)

    @app.get("/api/quiz/templates")
    def templates() -> Response:
        return jsonify(
            items=[
                {
                    "id": "t1",
                    "title": "Flask fundamentals",
                    "topics": ["routing"],
                    "difficulty": "junior",
                    "question_count": 10,
                    "time_limit_s": 1200,
                    "description": "The basics.",
                }
            ]
        )

    @app.get("/api/quiz/limits")
    def limits() -> Response:
        return jsonify(
            question_count={"min": 1, "max": 50}, time_limit_s={"min": 60, "max": 7200}, grace_s=5
        )

    @app.get("/api/quiz/stats/questions")
    def stats() -> Response:
        state["stats_args"] = request.args.to_dict()
        item = {
            "question_id": "q1",
            "question_key": "routing-pick",
            "topic": "routing",
            "type": "single",
            "attempts": 12,
            "facility": 0.95,
            "discrimination": 0.05,
            "flags": ["too_easy"],
        }
        return jsonify(items=[item], page=1, per_page=50, total=1)

    @app.get("/api/quiz/reviews")
    def reviews() -> Response:
        item = {
            "session_id": "s0",
            "position": 4,
            "title": "Flask fundamentals",
            "prompt": "Explain it.",
            "answer": "Because the app context.",
            "key_points": RESULT["questions"][1]["key_points"],
        }
        return jsonify(items=[item], page=1, per_page=20, total=1)

    @app.put("/api/quiz/reviews/<sid>/<int:position>")
    def grade(sid: str, position: int) -> Any:
        state["graded"] = (sid, position, request.get_json())
        return jsonify(score=4.0)

    @app.get("/api/content/questions/<qid>/source")
    def source(qid: str) -> Any:
        return jsonify(SOURCE) if qid == "q1" else problem(404, "not-found", "No such question.")

    @app.put("/api/content/questions/<qid>")
    def put_question(qid: str) -> Any:
        body = request.get_json()
        state["put_question"] = body
        if len([o for o in body.get("options", []) if o.get("correct")]) != 1:
            return problem(
                422,
                "validation-failed",
                "The question is not valid.",
                errors={
                    "options": ["A single-choice question needs exactly one correct option."],
                    "options.1.why": ["A wrong option needs a one-line reason why."],
                },
            )
        return jsonify({**SOURCE, **body, "id": qid, "version": 4})

    @app.delete("/api/content/questions/<qid>")
    def retire(qid: str) -> Response:
        state["retired"] = qid
        return Response(status=204)

    @app.post("/api/content/import")
    def import_bank() -> Any:
        state["import"] = (request.args.to_dict(), request.content_type, request.get_data())
        if request.args.get("format") == "gift":
            return jsonify(
                created=1,
                updated=0,
                unchanged=0,
                skipped=[{"index": 2, "line": 9, "title": "n", "reason": "numerical"}],
            )
        return problem(
            422,
            "validation-failed",
            "The import is not valid.",
            items=[
                {
                    "index": 3,
                    "key": "routing-x",
                    "field": "options.1.why",
                    "message": "Needs a why.",
                }
            ],
        )

"""One small Flask app standing in for the auth and content services the pages call."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request

from .quiz_standin import add_quiz_routes

USER = {
    "id": "u1",
    "email": "ada@example.com",
    "name": "Ada",
    "roles": ["candidate"],
    "email_verified": False,
    "providers": [],
}
TOPICS = [
    {"slug": "routing", "title": "Routing", "description": "URLs and views.", "question_count": 45},
    {"slug": "blueprints", "title": "Blueprints", "description": "Structure.", "question_count": 1},
]
QUESTION = {
    "id": "q1",
    "topic": "routing",
    "type": "single",
    "difficulty": "junior",
    "prompt": "Which decorator <b>registers</b> a view?",
    "options": [
        {"id": "a", "text": "@app.route", "correct": True, "why": "It adds a URL rule."},
        {"id": "b", "text": "@app.view", "correct": False, "why": "There is no such decorator."},
    ],
    "model_answer": "Use app.route.",
    "explanation": "route() calls add_url_rule().",
    "references": [{"title": "Flask docs", "url": "https://flask.palletsprojects.com/"}],
}
ANSWER_KEYS = ("model_answer", "explanation")


def problem(status: int, slug: str, detail: str, **extra: Any) -> Response:
    """A problem+json answer like the services' own."""
    body = {"type": f"urn:problem:{slug}", "title": slug, "status": status, "detail": detail}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def services_app(state: dict[str, Any]) -> Flask:
    """Auth and content routes with canned answers; `state` records calls and toggles failures."""
    app = Flask("web_standin")

    def signed_in() -> str | None:
        token = request.cookies.get("access_token_cookie")
        return token if token in {"tok-ada", "tok-stale"} else None

    def csrf_ok() -> bool:
        return request.headers.get("X-CSRF-TOKEN") == "csrf-ada"

    @app.before_request
    def record() -> Response | None:
        state.setdefault("calls", []).append(
            (request.method, request.path, dict(request.headers), request.get_json(silent=True))
        )
        if state.get("down"):
            return problem(503, "service-unavailable", "The database is not answering.")
        return None

    @app.get("/api/auth/providers")
    def providers() -> Response:
        return jsonify(google=bool(state.get("google")))

    @app.post("/api/auth/login")
    def login() -> Response:
        body = request.get_json()
        if body["email"] == "busy@example.com":
            response = problem(429, "too-many-requests", "Too many sign-in attempts.")
            response.headers["Retry-After"] = "120"
            return response
        if body == {"email": "ada@example.com", "password": "right"}:
            response = jsonify(access_token="tok-ada", token_type="Bearer")
            response.set_cookie("access_token_cookie", "tok-ada", httponly=True)
            response.set_cookie("csrf_access_token", "csrf-ada")
            return response
        return problem(401, "unauthorized", "The email or password is wrong.")

    @app.post("/api/auth/logout")
    def logout() -> Response:
        if not signed_in() or not csrf_ok():
            return problem(401, "unauthorized", "Missing CSRF token.")
        response = Response(status=204)
        response.delete_cookie("access_token_cookie")
        return response

    @app.route("/api/auth/me", methods=["GET", "DELETE"])
    def me() -> Response:
        token = signed_in()
        if token is None:
            return problem(401, "unauthorized", "Not signed in.")
        if request.method == "GET":
            return jsonify({**USER, **state.get("user", {})})
        if not csrf_ok():
            return problem(401, "unauthorized", "Missing CSRF token.")
        if token == "tok-stale":
            return problem(401, "fresh-sign-in-required", "Please sign in again.")
        state["deleted"] = True
        return Response(status=204)

    @app.post("/api/auth/register")
    def register() -> Response:
        body = request.get_json()
        if body["password"] == "weak":
            return problem(
                422,
                "validation-failed",
                "The password does not meet the policy.",
                errors={"password": ["Use at least 12 characters."]},
            )
        if body["email"] == "taken@example.com":
            return problem(409, "conflict", "An account already uses this email address.")
        return jsonify({**USER, "email": body["email"]}), 201  # type: ignore[return-value]

    @app.post("/api/auth/verify")
    def verify() -> Response:
        token = request.get_json()["token"]
        if token == "good":
            return jsonify({**USER, "email_verified": True})
        if token == "used":
            return problem(410, "link-used", "This link has already been used.")
        return problem(400, "link-invalid", "This link is not valid.")

    @app.post("/api/auth/verify/resend")
    def resend() -> Response:
        if not signed_in() or not csrf_ok():
            return problem(401, "unauthorized", "Missing CSRF token.")
        return jsonify(status="sent"), 202  # type: ignore[return-value]

    @app.post("/api/auth/password/forgot")
    def forgot() -> Response:
        return jsonify(status="If an account uses this address, a link is on its way."), 202  # type: ignore[return-value]

    @app.post("/api/auth/password/reset")
    def reset() -> Response:
        body = request.get_json()
        if body["token"] != "good":
            return problem(410, "link-expired", "This link has expired.")
        if body["new_password"] == "weak":
            return problem(
                422, "validation-failed", "Weak.", errors={"password": ["Too easy to guess."]}
            )
        return Response(status=204)

    @app.post("/api/auth/password")
    def change_password() -> Response:
        token = signed_in()
        if token is None or not csrf_ok():
            return problem(401, "unauthorized", "Missing CSRF token.")
        if token == "tok-stale":
            return problem(401, "fresh-sign-in-required", "Please sign in again.")
        if request.get_json()["current_password"] != "right":
            return problem(
                422,
                "validation-failed",
                "Wrong password.",
                errors={"current_password": ["The current password is incorrect."]},
            )
        return Response(status=204)

    @app.get("/api/content/topics")
    def topics() -> Response:
        return jsonify(TOPICS)

    @app.get("/api/content/questions")
    def questions() -> Response:
        state["questions_args"] = request.args.to_dict()
        page = int(request.args.get("page", 1))
        items = [{**QUESTION, "id": f"q{n}"} for n in range(1, 21)] if page <= 3 else []
        return jsonify(items=items, page=page, per_page=20, total=45)

    @app.get("/api/content/questions/<qid>")
    def question(qid: str) -> Response:
        if qid == "q1":
            shown = QUESTION if signed_in() else strip_answers(QUESTION)
            return jsonify(shown)
        if qid == "held":
            return jsonify(
                {**strip_answers(QUESTION), "id": "held", "held_until": "2030-01-01T10:00:00Z"}
            )
        return problem(404, "not-found", "No such question.")

    add_quiz_routes(app, state, problem)
    return app


def strip_answers(question: dict[str, Any]) -> dict[str, Any]:
    """The study view without answer fields (what anonymous users get)."""
    options = [{"id": o["id"], "text": o["text"]} for o in question["options"]]
    return {k: v for k, v in question.items() if k not in ANSWER_KEYS} | {"options": options}

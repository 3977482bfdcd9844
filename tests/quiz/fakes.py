"""Stand-ins for the quiz service's upstreams: a controllable clock and an HTTP server playing
the auth token endpoint and the content draw and hold-release routes by the shared contract."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
from flask import Flask, jsonify, request

from services.common.testing import TokenMinter, serve

START = dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.current = start
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self.current

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.current += dt.timedelta(seconds=seconds)


def make_item(qid: str, topic: str, kind: str, difficulty: str = "junior") -> dict[str, Any]:
    """A question as content's draw route returns it."""
    item: dict[str, Any] = {
        "id": qid,
        "key": f"{topic}-{qid}",
        "version": 1,
        "topic": topic,
        "type": kind,
        "difficulty": difficulty,
        "prompt": f"Prompt {qid}?",
        "options": [],
        "model_answer": f"MODEL-ANSWER-{qid}",
        "explanation": f"EXPLANATION-{qid}",
        "references": ["Flask docs: Quickstart"],
    }
    if kind == "single":
        item["options"] = [
            {"id": "a", "text": "Right"},
            {"id": "b", "text": "Wrong one"},
            {"id": "c", "text": "Wrong two"},
            {"id": "d", "text": "None of the above"},
        ]
        item["answer_key"] = {"correct": ["a"], "why": {"b": "WHY-b", "c": "WHY-c", "d": "WHY-d"}}
    elif kind == "multi":
        item["options"] = [
            {"id": "a", "text": "Right 1"},
            {"id": "b", "text": "Right 2"},
            {"id": "c", "text": "Wrong 1"},
            {"id": "d", "text": "Wrong 2"},
        ]
        item["answer_key"] = {"correct": ["a", "b"], "why": {"c": "WHY-c", "d": "WHY-d"}}
    elif kind == "true_false":
        item["answer_key"] = {"correct": True}
    elif kind == "short":
        item["answer_key"] = {"accepted": ["url_for"], "patterns": [r"\burl for\b"]}
    else:
        item["answer_key"] = {
            "rubric": [
                {"point": "RUBRIC-small core", "keywords": ["micro", "small core", "minimal"]},
                {"point": "RUBRIC-extensions", "keywords": ["extension", "plugin"]},
            ]
        }
    return item


TYPES = ("single", "multi", "true_false", "short", "explain")


def default_bank() -> dict[str, dict[str, Any]]:
    """Five questions (one per type) per topic and difficulty, for four topics."""
    bank: dict[str, dict[str, Any]] = {}
    for topic in ("routing", "blueprints", "deployment", "fundamentals"):
        for difficulty in ("junior", "mid", "senior"):
            for kind in TYPES:
                qid = f"{topic[:3]}-{difficulty[:1]}-{kind}"
                bank[qid] = make_item(qid, topic, kind, difficulty)
    return bank


def _hold_errors(hold: Any) -> dict[str, list[str]]:
    """What content's draw schema says about a `hold` object (nothing when it is absent)."""
    if hold is None:
        return {}
    if not isinstance(hold, dict):
        return {"_schema": ["Invalid input type."]}
    errors: dict[str, list[str]] = {}
    for name in ("candidate", "session_id"):
        if not isinstance(hold.get(name), str) or not hold[name]:
            errors[name] = ["Missing or empty."]
    try:
        if dt.datetime.fromisoformat(hold["until"]).tzinfo is None:
            errors["until"] = ["Not a valid aware datetime."]
    except (KeyError, TypeError, ValueError):
        errors["until"] = ["Not a valid datetime."]
    return errors


class FakeUpstream:
    """Auth's token endpoint and content's draw route on one local port."""

    def __init__(self, minter: TokenMinter) -> None:
        self.minter = minter
        self.bank = default_bank()
        self.retired: set[str] = set()
        self.draws: list[dict[str, Any]] = []
        self.token_requests = 0
        self.fail_draw_with: int | None = None
        # Live holds as content keeps them: session id -> {candidate, until, question_ids}.
        self.holds: dict[str, dict[str, Any]] = {}
        self.releases: list[str] = []
        self.fail_release_with: int | None = None
        # Topics the content service does not know (it answers 422 naming them).
        self.unknown_topics: set[str] = set()
        self.app = self._build()
        self.url = ""

    def _build(self) -> Flask:
        app = Flask("fake-upstream")

        @app.post("/internal/oauth/token")
        def token():  # type: ignore[no-untyped-def]
            self.token_requests += 1
            body = request.get_json()
            if body.get("grant_type") != "client_credentials" or not body.get("client_secret"):
                return jsonify(error="invalid_client"), 401
            sub = f"service:{body['client_id']}"
            # As the auth service grants it: the quiz client may draw, nothing else.
            access = self.minter.token(sub=sub, roles=["service"], ttl_s=300, scope="content:draw")
            return jsonify(access_token=access, token_type="Bearer", expires_in=300)

        @app.post("/internal/questions/draw")
        def draw():  # type: ignore[no-untyped-def]
            if not self._service_caller():
                return jsonify(title="Unauthorized"), 401
            if self.fail_draw_with:
                return jsonify(title="broken"), self.fail_draw_with
            body = request.get_json()
            self.draws.append(body)
            return self._draw(body)

        @app.post("/internal/holds/release")
        def release():  # type: ignore[no-untyped-def]
            if not self._service_caller():
                return jsonify(title="Unauthorized"), 401
            if self.fail_release_with:
                return jsonify(title="broken"), self.fail_release_with
            session_id = (request.get_json(silent=True) or {}).get("session_id")
            if not isinstance(session_id, str) or not session_id:
                return jsonify(title="Validation Failed", errors={"session_id": ["bad"]}), 422
            self.releases.append(session_id)
            released = self.holds.pop(session_id, {}).get("question_ids", [])
            return jsonify(released=len(released))

        return app

    def _service_caller(self) -> bool:
        header = request.headers.get("Authorization", "")
        try:
            claims = jwt.decode(
                header.removeprefix("Bearer "),
                self.minter.private_key.public_key(),
                algorithms=["RS256"],
                audience=self.minter.audience,
            )
        except jwt.PyJWTError:
            return False
        scopes = str(claims.get("scope", "")).split()
        return "service" in claims.get("roles", []) and "content:draw" in scopes

    def _draw(self, body: dict[str, Any]) -> Any:
        hold_errors = _hold_errors(body.get("hold"))
        if hold_errors:  # as content's schema answers
            return jsonify(title="Validation Failed", errors={"hold": hold_errors}), 422
        unknown = [t for t in body["topics"] if t in self.unknown_topics]
        if unknown:  # as the content service answers
            errors = {"topics": [f"Unknown topic {t!r}." for t in unknown]}
            return jsonify(title="Validation Failed", detail="Unknown topics.", errors=errors), 422
        topics = body["topics"] or sorted({q["topic"] for q in self.bank.values()})
        pool = [
            q
            for qid, q in sorted(self.bank.items())
            if qid not in self.retired
            and q["topic"] in topics
            and (body["difficulty"] is None or q["difficulty"] == body["difficulty"])
        ]
        count = body["count"]
        if len(pool) < count:
            return jsonify(title="Not enough", available=len(pool)), 409
        excluded = set(body["exclude_ids"])
        ordered = [q for q in pool if q["id"] not in excluded] + [
            q for q in pool if q["id"] in excluded
        ]
        by_topic = {t: [q for q in ordered if q["topic"] == t] for t in topics}
        picked: list[dict[str, Any]] = []
        while len(picked) < count:
            for topic in topics:
                if by_topic[topic] and len(picked) < count:
                    picked.append(by_topic[topic].pop(0))
        hold = body.get("hold")
        if hold is not None:
            until = dt.datetime.fromisoformat(hold["until"])
            ids = [q["id"] for q in picked]
            self.holds[hold["session_id"]] = {
                "candidate": hold["candidate"],
                "until": until,
                "question_ids": ids,
            }
        return jsonify(items=picked)

    @contextmanager
    def serve(self) -> Iterator[FakeUpstream]:
        with serve(self.app) as self.url:
            yield self

"""The content service, seen from the quiz: draw questions (holding them for the session) and
release a finalised session's holds, over HTTP with a service token."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import requests
from flask import Flask, current_app

from services.common.errors import Conflict, Problem, ServiceUnavailable, ValidationFailed
from services.common.http_client import ServiceClient

from ..holds import Hold

log = logging.getLogger(__name__)
DRAW_PATH = "/internal/questions/draw"
RELEASE_PATH = "/internal/holds/release"
# A release is best effort and runs inside submit requests and sweeps: it must never stall them.
# When it fails, the hold simply lasts until its `until` (the deadline plus grace).
RELEASE_TIMEOUT = (0.5, 2.0)
TOKEN_PATH = "/internal/oauth/token"
# Refresh the cached token this long before it expires, so it never dies in flight.
TOKEN_REFRESH_MARGIN_S = 30.0
REQUIRED_FIELDS = ("id", "topic", "type", "prompt", "answer_key")


class NotEnoughQuestions(Conflict):
    """The bank holds fewer matching questions than the interview needs."""

    title, type_slug = "Not Enough Questions", "not-enough-questions"


class BadUpstream(Problem):
    """The content service answered with something that breaks the draw contract."""

    status, title, type_slug = 502, "Bad Gateway", "bad-upstream"


class ServiceTokens:
    """Client-credentials access tokens from the auth service, cached until shortly before
    they expire (one token shared by every thread of the process)."""

    def __init__(
        self,
        auth: ServiceClient,
        client_id: str,
        client_secret: str | None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.auth = auth
        self.client_id = client_id
        self.client_secret = client_secret
        self.monotonic = monotonic
        self._token: str | None = None
        self._refresh_at = float("-inf")
        self._lock = threading.Lock()

    def get(self) -> str:
        """A valid access token, fetched only when the cached one is (nearly) expired."""
        with self._lock:
            if self._token is None or self.monotonic() >= self._refresh_at:
                self._token, lifetime = self._fetch()
                self._refresh_at = self.monotonic() + max(lifetime - TOKEN_REFRESH_MARGIN_S, 0)
            return self._token

    def invalidate(self) -> None:
        """Forget the cached token (the upstream rejected it)."""
        with self._lock:
            self._token = None

    def _fetch(self) -> tuple[str, float]:
        body = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret or "",
        }
        try:
            response = self.auth.post(TOKEN_PATH, json=body)
            response.raise_for_status()
            data = response.json()
            return str(data["access_token"]), float(data.get("expires_in", 60))
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            log.error("service token from the auth service failed: %s", exc)
            raise ServiceUnavailable(
                "The quiz service cannot authenticate to the content service right now."
            ) from exc


class ContentClient:
    """Draws questions from the content service's internal route and releases their holds."""

    def __init__(self, content: ServiceClient, tokens: ServiceTokens) -> None:
        self.content = content
        self.tokens = tokens

    def draw(
        self,
        topics: Sequence[str],
        difficulty: str | None,
        count: int,
        exclude_ids: Sequence[str],
        hold: Hold,
    ) -> list[dict[str, Any]]:
        """`count` questions balanced across `topics`, avoiding `exclude_ids` when possible;
        content holds them for `hold`'s candidate and session in the same request."""
        body = {
            "topics": list(topics),
            "difficulty": difficulty,
            "count": count,
            "exclude_ids": list(exclude_ids),
            "hold": hold.as_json(),
        }
        response = self._post(body)
        if response.status_code == 401:
            # The token may have been rotated or revoked: one retry with a fresh one.
            self.tokens.invalidate()
            response = self._post(body)
        if response.status_code == 409:
            available = _json(response).get("available")
            raise NotEnoughQuestions(
                "The question bank does not hold enough questions for this interview.",
                available=available,
            )
        if response.status_code >= 500 or response.status_code in (401, 403):
            log.error("content draw failed with HTTP %s", response.status_code)
            raise ServiceUnavailable("The content service cannot provide questions right now.")
        if response.status_code == 422:
            _refused(_json(response))
        return _items(response, count)

    def release(self, session_id: str) -> bool:
        """Tell content that the session is finalised so its holds end now. Best effort: any
        failure is logged and returns False (the holds then end at their `until`)."""
        body = {"session_id": session_id}
        try:
            response = self._send(RELEASE_PATH, body, RELEASE_TIMEOUT)
            if response.status_code == 401:
                self.tokens.invalidate()
                response = self._send(RELEASE_PATH, body, RELEASE_TIMEOUT)
        except (requests.RequestException, ServiceUnavailable) as exc:
            log.warning("holds of session %s not released: %s", session_id, exc)
            return False
        if response.status_code != 200:
            log.warning(
                "holds of session %s not released: HTTP %s", session_id, response.status_code
            )
            return False
        return True

    def _send(
        self, path: str, body: dict[str, Any], timeout: tuple[float, float] | None = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.tokens.get()}"}
        extra = {} if timeout is None else {"timeout": timeout}
        return self.content.post(path, json=body, headers=headers, **extra)

    def _post(self, body: dict[str, Any]) -> requests.Response:
        try:
            return self._send(DRAW_PATH, body)
        except requests.RequestException as exc:
            log.error("content service unreachable: %s", exc)
            raise ServiceUnavailable(
                "The content service is unavailable; no interview was started."
            ) from exc


def _refused(problem: dict[str, Any]) -> None:
    """Turn content's 422 into the caller's 422 when it names only the requested topics."""
    errors = problem.get("errors")
    if isinstance(errors, dict) and set(errors) == {"topics"}:
        # Unknown topics are the candidate's (or the template's) input, not a broken upstream.
        raise ValidationFailed("Some requested topics do not exist.", errors=errors)
    log.error("content refused the draw: %s", problem)
    raise BadUpstream("The content service refused the draw.")


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _items(response: requests.Response, count: int) -> list[dict[str, Any]]:
    items = _json(response).get("items")
    if not isinstance(items, list) or len(items) != count:
        raise BadUpstream("The content service returned a malformed draw.")
    for item in items:
        if not isinstance(item, dict) or any(f not in item for f in REQUIRED_FIELDS):
            raise BadUpstream("The content service returned a question without its answer key.")
    return items


def init_content_client(app: Flask) -> None:
    """One pooled content client (and token cache) per app."""
    timeouts = {
        "connect_timeout": float(app.config["HTTP_CONNECT_TIMEOUT"]),
        "read_timeout": float(app.config["HTTP_READ_TIMEOUT"]),
    }
    tokens = ServiceTokens(
        ServiceClient(app.config["QUIZ_AUTH_URL"], pool_size=4, **timeouts),
        app.config["QUIZ_CLIENT_ID"],
        app.config["QUIZ_CLIENT_SECRET"],
    )
    app.extensions["quiz_content"] = ContentClient(
        ServiceClient(app.config["QUIZ_CONTENT_URL"], **timeouts), tokens
    )


def content_client() -> ContentClient:
    """The current app's content client."""
    client: ContentClient = current_app.extensions["quiz_content"]
    return client


def release_holds(session_id: str) -> bool:
    """Release a finalised session's holds through the current app's client (best effort)."""
    return content_client().release(session_id)

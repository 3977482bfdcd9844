"""The content service's public study list, seen from the report builder: which bank questions
a candidate should study next on a topic."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

import requests
from flask import Flask, current_app

from services.common.http_client import ServiceClient

log = logging.getLogger(__name__)
STUDY_PATH = "/api/content/questions"
STUDY_LINK = "/study/questions/{id}"
# One page is plenty: the plan lists a handful of questions per weak topic.
PAGE_SIZE = 20
# A burst of reports asks for the same few topics again and again; the bank changes rarely.
CACHE_TTL_S = 60.0


class ContentUnavailable(Exception):
    """The study list could not be read (refused, timed out, 5xx, malformed): worth a retry."""


class StudyClient:
    """Reads content's public, anonymous study view (no answers are needed for a plan); each
    topic's list is kept for CACHE_TTL_S (failures are not kept)."""

    def __init__(
        self, content: ServiceClient, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.content = content
        self.monotonic = monotonic
        self._cache: dict[tuple[str, str | None], tuple[float, list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def questions(
        self, topic: str, difficulty: str | None, avoid: Collection[str], limit: int
    ) -> list[dict[str, Any]]:
        """Up to `limit` active questions on `topic` (of `difficulty` when given), preferring
        those not in `avoid`; each `{id, prompt, difficulty, type, link}`."""
        picked = _prefer_unseen(self._listed(topic, difficulty), avoid)
        return [_suggestion(item) for item in picked[:limit]]

    def _listed(self, topic: str, difficulty: str | None) -> list[dict[str, Any]]:
        key = (topic, difficulty)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and self.monotonic() < cached[0]:
            return cached[1]
        items = self._fetch(topic, difficulty)
        with self._lock:
            self._cache[key] = (self.monotonic() + CACHE_TTL_S, items)
        return items

    def _fetch(self, topic: str, difficulty: str | None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"topic": topic, "per_page": PAGE_SIZE}
        if difficulty:
            params["difficulty"] = difficulty
        try:
            response = self.content.get(STUDY_PATH, params=params)
        except requests.RequestException as exc:
            raise ContentUnavailable(f"content study list unreachable: {exc}") from exc
        if response.status_code == 422:
            return []  # a topic content no longer knows: nothing to suggest
        if response.status_code != 200:
            raise ContentUnavailable(f"content study list answered HTTP {response.status_code}")
        try:
            items = response.json()["items"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ContentUnavailable("content study list was malformed") from exc
        if not isinstance(items, list):
            raise ContentUnavailable("content study list was malformed")
        return [i for i in items if isinstance(i, dict) and "id" in i]


def _prefer_unseen(items: list[dict[str, Any]], avoid: Collection[str]) -> list[dict[str, Any]]:
    fresh = [i for i in items if str(i["id"]) not in avoid]
    return fresh + [i for i in items if str(i["id"]) in avoid]


def _suggestion(item: dict[str, Any]) -> dict[str, Any]:
    qid = str(item["id"])
    return {
        "id": qid,
        "prompt": str(item.get("prompt", "")),
        "difficulty": item.get("difficulty"),
        "type": item.get("type"),
        "link": STUDY_LINK.format(id=qid),
    }


def init_study_client(app: Flask) -> None:
    """One pooled study client per app (report builds run in the worker's app context)."""
    app.extensions["quiz_study"] = StudyClient(
        ServiceClient(
            app.config["QUIZ_CONTENT_URL"],
            connect_timeout=float(app.config["HTTP_CONNECT_TIMEOUT"]),
            read_timeout=float(app.config["HTTP_READ_TIMEOUT"]),
            pool_size=4,
        )
    )


def study_client() -> StudyClient:
    """The current app's study client."""
    client: StudyClient = current_app.extensions["quiz_study"]
    return client

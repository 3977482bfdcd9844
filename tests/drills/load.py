"""A light load of candidates saving answers, recorded so a drill can prove nothing was lost.

Each candidate signs in, starts an interview and, in a thread of its own, saves answers one after
another (cycling through the questions, each value distinct where the type allows) until told
to stop. Every request is recorded with its time and status; afterwards `verify` reads every
interview back and checks that each answer the platform acknowledged (200) is still there, or was
overwritten only by a later save whose outcome the candidate never learnt (a 5xx or a dropped
connection may or may not have been applied; both are allowed, a lost acknowledged one is not).
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.e2e.support import waiting
from tests.e2e.support.client import PROBLEM, bearer, register_and_login, session_from

# Statuses a failing part may cause, as documented in docs/operations.md ("What survives what").
DOCUMENTED_5XX = {502, 503, 504}
NO_RESPONSE = 0  # the connection failed: nginx itself was down
INTERVIEW = {"topics": [], "question_count": 6, "time_limit_s": 3600, "title": "Drill"}
REQUEST_TIMEOUT_S = 15.0


@dataclass
class Save:
    """One answer save: when it was sent and answered, what it sent, what came back."""

    position: int
    value: Any
    sent: float
    answered: float
    status: int
    problem: bool
    detail: str = ""


@dataclass
class Candidate:
    """A signed-in candidate with one running interview."""

    name: str
    headers: dict[str, str]
    session_id: str
    questions: list[dict[str, Any]]
    saves: list[Save] = field(default_factory=list)


def wait_for(condition: Any, timeout_s: float, interval_s: float = 0.2) -> None:
    """Poll `condition` until it holds; fail after `timeout_s`."""
    if not waiting.wait_for(condition, timeout_s, interval_s):
        raise AssertionError(f"still not true after {timeout_s:.0f}s: {condition}")


def value_for(question: dict[str, Any], tag: str, seq: int) -> Any:
    """A valid answer for the question; text answers carry `tag` and `seq`, so they are unique."""
    kind = question["type"]
    if kind == "single":
        options = question["options"]
        return options[seq % len(options)]["id"]
    if kind == "multi":
        options = question["options"]
        return [options[seq % len(options)]["id"]]
    if kind == "true_false":
        return seq % 2 == 0
    return f"drill answer {tag} #{seq}"


_addresses = itertools.count(1)


def sign_in(base_url: str, prefix: str = "drill") -> dict[str, str]:
    """Register and sign in a new candidate, each from an address of its own on loopback (as
    candidates are: the per-address sign-in limits stay as configured); their bearer header."""
    number = next(_addresses)
    http = session_from(f"127.10.{number // 250}.{number % 250 + 1}")
    _email, tokens = register_and_login(base_url, session=http, prefix=prefix)
    http.close()
    return bearer(tokens["access_token"])


def start_interview(base_url: str, headers: dict[str, str]) -> dict[str, Any]:
    """Start an interview (201 expected) and return it."""
    response = requests.post(
        f"{base_url}/api/quiz/sessions", json=INTERVIEW, headers=headers, timeout=REQUEST_TIMEOUT_S
    )
    assert response.status_code == 201, response.text[:500]
    return dict(response.json())


class Load:
    """`count` candidates saving answers in threads; `marks` records when the drill did what."""

    def __init__(self, base_url: str, count: int = 4, pause_s: float = 0.05) -> None:
        self.base_url = base_url
        self.pause_s = pause_s
        self.candidates: list[Candidate] = []
        for index in range(count):
            headers = sign_in(base_url)
            session = start_interview(base_url, headers)
            name = f"c{index}-{secrets.token_hex(2)}"
            self.candidates.append(Candidate(name, headers, session["id"], session["questions"]))
        self.marks: dict[str, float] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start every candidate's thread."""
        self.marks["load"] = time.monotonic()
        for candidate in self.candidates:
            thread = threading.Thread(target=self._save_loop, args=(candidate,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def mark(self, name: str) -> None:
        """Record that the drill did `name` now (e.g. `fault`, `restored`)."""
        self.marks[name] = time.monotonic()

    def stop(self) -> None:
        """Stop the threads (each finishes the save it is in)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT_S + 5)

    def wait_for_success_after(self, mark: str, timeout_s: float = 60.0) -> float:
        """Wait until some save sent after `mark` succeeded; the seconds from `mark` until then."""
        since = self.marks[mark]
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            done = [
                s.answered
                for c in self.candidates
                for s in list(c.saves)
                if s.sent >= since and s.status == 200
            ]
            if done:
                return min(done) - since
            time.sleep(0.05)
        raise AssertionError(f"no save succeeded within {timeout_s:.0f}s after {mark}")

    def _save_loop(self, candidate: Candidate) -> None:
        http = requests.Session()
        http.headers.update(candidate.headers)
        seq = 0
        while not self._stop.is_set():
            question = candidate.questions[seq % len(candidate.questions)]
            position = int(question["position"])
            value = value_for(question, candidate.name, seq)
            url = f"{self.base_url}/api/quiz/sessions/{candidate.session_id}/answers/{position}"
            sent = time.monotonic()
            try:
                response = http.put(url, json={"answer": value}, timeout=REQUEST_TIMEOUT_S)
                status = response.status_code
                problem = response.headers.get("Content-Type", "").startswith(PROBLEM)
                detail = "" if status == 200 else response.text[:200]
            except requests.RequestException as exc:
                status, problem, detail = NO_RESPONSE, False, type(exc).__name__
                http.close()
                http = requests.Session()
                http.headers.update(candidate.headers)
            answered = time.monotonic()
            candidate.saves.append(Save(position, value, sent, answered, status, problem, detail))
            seq += 1
            time.sleep(self.pause_s)

    # -- what was seen ------------------------------------------------------------------------

    def saves(self) -> list[Save]:
        """Every save of every candidate."""
        return [s for c in self.candidates for s in c.saves]

    def statuses(self, start: str | None = None, end: str | None = None) -> Counter[int]:
        """Statuses of the saves sent between marks `start` and `end` (all when omitted)."""
        low = self.marks[start] if start else float("-inf")
        high = self.marks[end] if end else float("inf")
        return Counter(s.status for s in self.saves() if low <= s.sent < high)

    def unexpected(self) -> list[Save]:
        """Saves that got a status no failing part should cause (500, 4xx, a 5xx w/o problem)."""
        bad = []
        for save in self.saves():
            if save.status in (200, NO_RESPONSE):
                continue
            if save.status in DOCUMENTED_5XX and save.problem:
                continue
            bad.append(save)
        return bad

    def verify(self, timeout_s: float = 60.0) -> dict[str, int]:
        """Read every interview back; count acknowledged answers checked and lost."""
        checked = lost = 0
        for candidate in self.candidates:
            stored = self._read_back(candidate, timeout_s)
            for position, answer in stored.items():
                history = [s for s in candidate.saves if s.position == position]
                acked = [i for i, s in enumerate(history) if s.status == 200]
                if not acked:
                    continue
                checked += 1
                last = acked[-1]
                allowed = [history[last].value] + [
                    s.value for s in history[last + 1 :] if s.status != 200
                ]
                if answer not in allowed:
                    lost += 1
        return {"acknowledged_positions_checked": checked, "lost": lost}

    def _read_back(self, candidate: Candidate, timeout_s: float) -> dict[int, Any]:
        url = f"{self.base_url}/api/quiz/sessions/{candidate.session_id}"
        deadline = time.monotonic() + timeout_s
        while True:
            response = requests.get(url, headers=candidate.headers, timeout=REQUEST_TIMEOUT_S)
            if response.status_code == 200:
                return {int(q["position"]): q["answer"] for q in response.json()["questions"]}
            if time.monotonic() > deadline:
                raise AssertionError(f"cannot read {candidate.session_id}: {response.text[:300]}")
            time.sleep(0.5)

    def sessions_per_candidate(self) -> list[int]:
        """How many interviews each candidate has (a retried start must not make two)."""
        counts = []
        for candidate in self.candidates:
            response = requests.get(
                f"{self.base_url}/api/quiz/sessions",
                headers=candidate.headers,
                timeout=REQUEST_TIMEOUT_S,
            )
            assert response.status_code == 200, response.text[:300]
            counts.append(len(response.json()["items"]))
        return counts


def report(drill: str, load: Load, **figures: Any) -> dict[str, Any]:
    """Print what the drill saw (copied into docs/operations.md) and return it."""
    seen = {
        "saves": len(load.saves()),
        "during_fault": dict(sorted(load.statuses("fault", "restored").items())),
        "after_restore": dict(sorted(load.statuses("restored").items())),
        **figures,
    }
    print(f"\nDRILL {drill}: " + ", ".join(f"{k}={v}" for k, v in seen.items()))
    return seen


def assert_nothing_lost(load: Load) -> dict[str, int]:
    """The verdict: no unexpected status, no acknowledged answer lost, one interview each."""
    unexpected = load.unexpected()
    assert not unexpected, [(s.status, s.detail) for s in unexpected[:5]]
    verdict = load.verify()
    assert verdict["lost"] == 0, verdict
    assert verdict["acknowledged_positions_checked"] > 0, verdict
    assert load.sessions_per_candidate() == [1] * len(load.candidates)
    return verdict

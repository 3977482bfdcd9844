"""Asking for a session's report to be built (at its current score version).

`request_report` is called inside the transaction that finalises a session or changes its
score, so the request commits (or rolls back) with the score itself.
"""

from __future__ import annotations


def request_report(session_id: str) -> None:
    """Record that the report of `session_id` must be (re)built; nothing is queued yet."""
    del session_id

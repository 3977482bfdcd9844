"""The server's clock, the only clock a session obeys; injectable so tests control time."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from flask import Flask, current_app


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> dt.datetime:
        """The current time (UTC, timezone-aware)."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> dt.datetime:
        """The current time (UTC, timezone-aware)."""
        return dt.datetime.now(dt.UTC)


def init_clock(app: Flask) -> None:
    """Use the clock passed as `QUIZ_CLOCK` in the config mapping, or the system clock."""
    app.extensions["quiz_clock"] = app.config.get("QUIZ_CLOCK") or SystemClock()


def now() -> dt.datetime:
    """The current time by the app's clock."""
    clock: Clock = current_app.extensions["quiz_clock"]
    return clock.now()

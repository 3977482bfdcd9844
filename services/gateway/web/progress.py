"""The dashboard's numbers: mastery per topic from recent results, and the progress chart.

Pure functions over what the quiz service answered, so the rules are tested without a server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

CHART_W = 600
CHART_H = 160
CHART_PAD = 24


@dataclass(frozen=True)
class Mastery:
    """A topic's share of points earned over recent finalised interviews."""

    topic: str
    score: float
    max_score: float

    @property
    def percent(self) -> int:
        """Whole percent earned (0 when nothing could be earned)."""
        return round(100 * self.score / self.max_score) if self.max_score else 0


def mastery(results: list[dict[str, Any]]) -> list[Mastery]:
    """Per topic, points earned over points available across `results`, weakest first."""
    totals: dict[str, list[float]] = {}
    for result in results:
        for topic, numbers in (result.get("by_topic") or {}).items():
            if not isinstance(numbers, dict):
                continue
            pair = totals.setdefault(topic, [0.0, 0.0])
            pair[0] += float(numbers.get("score") or 0)
            pair[1] += float(numbers.get("max_score") or 0)
    rows = [Mastery(topic, s, m) for topic, (s, m) in totals.items() if m > 0]
    return sorted(rows, key=lambda row: (row.percent, row.topic))


@dataclass(frozen=True)
class ChartPoint:
    """One finalised interview on the chart (x, y in the SVG's coordinates)."""

    x: float
    y: float
    percent: int
    label: str


def chart_points(sessions: list[dict[str, Any]]) -> list[ChartPoint]:
    """The finalised interviews with a percent, oldest first, placed on the chart's grid."""
    scored = [s for s in sessions if s.get("percent") is not None and s.get("status") != "active"]
    scored.reverse()  # the list comes newest first
    if not scored:
        return []
    step = (CHART_W - 2 * CHART_PAD) / max(1, len(scored) - 1)
    points = []
    for index, session in enumerate(scored):
        percent = round(float(session["percent"]))
        x = CHART_PAD + index * step if len(scored) > 1 else CHART_W / 2
        y = CHART_H - CHART_PAD - (CHART_H - 2 * CHART_PAD) * min(100, max(0, percent)) / 100
        points.append(ChartPoint(round(x, 1), round(y, 1), percent, day(session.get("started_at"))))
    return points


def day(stamp: Any) -> str:
    """'28 Nov 2026' from an ISO 8601 time ('' when missing or malformed)."""
    try:
        return dt.datetime.fromisoformat(str(stamp)).strftime("%d %b %Y").lstrip("0")
    except ValueError:
        return ""


def minutes(seconds: Any) -> str:
    """'25 min' / '1 min 30 s' for a duration in seconds."""
    total = int(float(seconds or 0))
    whole, rest = divmod(total, 60)
    if whole and rest:
        return f"{whole} min {rest} s"
    return f"{whole} min" if whole else f"{rest} s"


def clock(seconds: Any) -> str:
    """'mm:ss' (or 'h:mm:ss') for a number of seconds, never negative."""
    total = max(0, int(-(-float(seconds or 0) // 1)))
    hours, rest = divmod(total, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours}:{mins:02d}:{secs:02d}" if hours else f"{mins:02d}:{secs:02d}"

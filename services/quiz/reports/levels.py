"""The report's judgements, in one place: mastery per topic, the band verdict, score sources.

Thresholds are on the percent of points earned (documented in docs/reports.md).
"""

from __future__ import annotations

# (lowest percent, mastery level), best first.
MASTERY = ((85.0, "mastered"), (70.0, "solid"), (50.0, "developing"), (0.0, "weak"))
# Topics below this percent get study suggestions.
WEAK_BELOW = 70.0
# (lowest percent, band, verdict template), best first.
BANDS = (
    (80.0, "ready", "Ready for {level} Flask interviews"),
    (60.0, "nearly", "Nearly ready for {level} Flask interviews"),
    (0.0, "not-yet", "Not yet ready for {level} Flask interviews"),
)
LEVEL_NAMES = {"junior": "junior", "mid": "mid-level", "senior": "senior"}
MIXED_LEVEL = "mixed-level"
OBJECTIVE_TYPES = frozenset({"single", "multi", "true_false", "short"})
# Stored score sources and how the report names them.
SOURCE_LABELS = {
    "server": "server-scored",
    "self": "self-assessed",
    "reviewer": "reviewer-graded",
    "auto": "provisional",
    "provisional": "provisional",
}


def mastery(percent: float) -> str:
    """The mastery level of a topic scored at `percent`."""
    return next(level for floor, level in MASTERY if percent >= floor)


def band(percent: float, difficulty: str | None) -> dict[str, str]:
    """The band verdict for an interview of `difficulty` (None: mixed) scored at `percent`."""
    level = LEVEL_NAMES.get(difficulty or "", MIXED_LEVEL)
    for floor, name, verdict in BANDS:
        if percent >= floor:
            return {"band": name, "verdict": verdict.format(level=level), "level": level}
    raise AssertionError("the last band starts at 0")


def score_source(question_type: str, stored: str | None) -> str:
    """Where a question's points come from: the server for objective types; for free text the
    human verdict when there is one, otherwise the points are provisional."""
    if question_type in OBJECTIVE_TYPES:
        return "server"
    return stored if stored in ("self", "reviewer") else "provisional"


def percent(score: float, max_score: float) -> float:
    """`score` as a percent of `max_score`, two decimals (0 when there is nothing to earn)."""
    return round(100.0 * score / max_score, 2) if max_score else 0.0

"""Pure scorers, one per question type, in a registry keyed by type.

Each scorer takes the candidate's answer and the question's answer key (values only, no
database) and returns the fraction of the question's points earned plus what explains it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.common.patterns import PatternError, pattern_found

log = logging.getLogger(__name__)
_NON_WORD = re.compile(r"\W+")
MAX_TEXT_SCORED = 10_000


@dataclass(frozen=True)
class Scored:
    """The fraction (0..1) of a question's points earned, and the evidence for it."""

    fraction: float
    correct: bool
    detail: Mapping[str, Any] = field(default_factory=dict)


Scorer = Callable[[Any, Mapping[str, Any]], Scored]
SCORERS: dict[str, Scorer] = {}


def scorer(kind: str) -> Callable[[Scorer], Scorer]:
    """Register a scorer for question type `kind`."""

    def register(fn: Scorer) -> Scorer:
        SCORERS[kind] = fn
        return fn

    return register


def score_answer(kind: str, answer: Any, answer_key: Mapping[str, Any]) -> Scored:
    """Score `answer` with the scorer registered for `kind`; no answer earns nothing."""
    if answer is None or answer == "" or answer == []:
        return Scored(0.0, False, {"answered": False, **_empty_detail(kind, answer_key)})
    return SCORERS[kind](answer, answer_key)


def _empty_detail(kind: str, answer_key: Mapping[str, Any]) -> dict[str, Any]:
    if kind == "explain":
        return {"covered": [], "missed": [p["point"] for p in answer_key.get("rubric", [])]}
    return {}


def normalise(text: str) -> str:
    """Lower-case; every character that is not a letter, digit or underscore becomes a space;
    runs of spaces collapse (services/content/bank/FORMAT.md)."""
    return _NON_WORD.sub(" ", text.lower()).strip()


@scorer("single")
def score_single(answer: Any, key: Mapping[str, Any]) -> Scored:
    """All or nothing: the one chosen option must be the correct one."""
    chosen = answer[0] if isinstance(answer, list) and len(answer) == 1 else answer
    correct = chosen in key.get("correct", [])
    return Scored(1.0 if correct else 0.0, correct, {"chosen": [chosen]})


@scorer("true_false")
def score_true_false(answer: Any, key: Mapping[str, Any]) -> Scored:
    """All or nothing."""
    correct = isinstance(answer, bool) and answer is key.get("correct")
    return Scored(1.0 if correct else 0.0, correct, {})


@scorer("multi")
def score_multi(answer: Any, key: Mapping[str, Any]) -> Scored:
    """Partial credit: +1/k per correct choice, -1/k per wrong one, floored at 0 (k = number
    of correct options), so ticking every box earns no more than ticking none."""
    correct_ids = set(key.get("correct", []))
    chosen = set(answer if isinstance(answer, list) else [answer])
    k = len(correct_ids) or 1
    right, wrong = chosen & correct_ids, chosen - correct_ids
    fraction = max(0.0, (len(right) - len(wrong)) / k)
    return Scored(
        round(min(fraction, 1.0), 6),
        chosen == correct_ids,
        {"right": sorted(right), "wrong": sorted(wrong), "missed": sorted(correct_ids - chosen)},
    )


@scorer("short")
def score_short(answer: Any, key: Mapping[str, Any]) -> Scored:
    """All or nothing: the normalised answer equals a normalised accepted answer, or one of the
    patterns is found in it."""
    text = normalise(str(answer)[:MAX_TEXT_SCORED])
    accepted = {normalise(a) for a in key.get("accepted", [])}
    matched = text in accepted or any(_search(p, text) for p in key.get("patterns", []))
    return Scored(1.0 if matched else 0.0, matched, {"normalised": text})


def _search(pattern: str, text: str) -> bool:
    # Author patterns run on RE2 (linear time): a pathological one cannot stall a worker.
    try:
        return pattern_found(str(pattern), text)
    except PatternError as exc:
        # A snapshot taken before content refused such patterns: no match, never a crash.
        log.warning(
            "short-answer pattern not runnable, counted as no match: %s",
            exc,
            extra={"pattern": str(pattern)[:200]},
        )
        return False


@scorer("explain")
def score_explain(answer: Any, key: Mapping[str, Any]) -> Scored:
    """Proportional to the rubric's key points covered; a point is covered when any of its
    keywords (synonyms) appears as a whole word or phrase, allowing simple inflections."""
    words = normalise(str(answer)[:MAX_TEXT_SCORED]).split()
    bases = [word_bases(w) for w in words]
    rubric: Sequence[Mapping[str, Any]] = key.get("rubric", [])
    covered, missed = [], []
    for point in rubric:
        hit = any(_phrase_found(kw, bases) for kw in point.get("keywords", []))
        (covered if hit else missed).append(point["point"])
    fraction = len(covered) / len(rubric) if rubric else 0.0
    return Scored(round(fraction, 6), not missed, {"covered": covered, "missed": missed})


def keyword_found(keyword: str, text: str) -> bool:
    """True when `keyword` (a word or phrase) occurs in `text` as whole words, each word
    allowed a simple inflection (FORMAT.md: a trailing s, es, ed, ing)."""
    return _phrase_found(keyword, [word_bases(w) for w in normalise(text).split()])


def _phrase_found(keyword: str, bases: Sequence[frozenset[str]]) -> bool:
    wanted = [word_bases(w) for w in normalise(keyword).split()]
    if not wanted:
        return False
    span = len(wanted)
    return any(
        all(wanted[j] & bases[i + j] for j in range(span)) for i in range(len(bases) - span + 1)
    )


@functools.lru_cache(maxsize=8192)
def word_bases(word: str) -> frozenset[str]:
    """The forms a word may be an inflection of: itself, and itself minus one suffix (with the
    silent "e" restored after "ing"). Two words match when their bases meet, so "cached",
    "caches" and "caching" all match "cache", while "three" does not match "thread"."""
    forms = {word}
    for suffix in ("ing", "es", "ed", "d", "s"):
        shortest = 2 if suffix == "s" else 3  # "plug-ins" is "plug ins"; "used" is no "us"
        if (
            word.endswith(suffix)
            and len(word) - len(suffix) >= shortest
            and not word.endswith("ss")
        ):
            stem = word[: -len(suffix)]
            forms.add(stem)
            if suffix == "ing":
                forms.add(stem + "e")
    return frozenset(forms)

"""Whether a short free-text answer names the expected thing (services/content/bank/FORMAT.md)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from services.common.patterns import PatternError, pattern_found

log = logging.getLogger(__name__)
_NON_WORD = re.compile(r"\W+")


def normalise(text: str) -> str:
    """Lower-case; every character that is not a letter, digit or underscore becomes a space;
    runs of spaces collapse (services/content/bank/FORMAT.md)."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def short_answer_matches(answer: str, key: Mapping[str, Any]) -> bool:
    """True when the normalised answer equals a normalised accepted answer, or one of the
    key's patterns is found in it."""
    text = normalise(answer)
    accepted = {normalise(a) for a in key.get("accepted", [])}
    return text in accepted or any(_search(p, text) for p in key.get("patterns", []))


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

"""Whether a short free-text answer names the expected thing, and nothing else
(services/content/bank/FORMAT.md, docs/quiz.md).

The answer must *be* an accepted answer, not merely contain one, so "definitely not
SECRET_KEY", "200, not 304" and "login_user or logout_user" are wrong:

- filler words (`FILLER_WORDS`: "the", "function", "use", "it's", ...) are dropped from the
  answer and from every accepted answer;
- an accepted answer matches when the remaining words are the same once `_`, `-`, `.`, `()`
  and spaces are folded away (`validate on submit` = `validate_on_submit()`);
- a pattern matches when it matches the *whole* remaining answer, written either normalised
  (`secret_key`) or with `_` as a space too (`secret key`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from services.common.patterns import PatternError, pattern_found
from services.common.wording import compact

log = logging.getLogger(__name__)
_NON_WORD = re.compile(r"\W+")

# Words around a name that do not change which name it is ("the `url_for` function",
# "I'd call login_user", "it's a 404"). Compared after normalising, so "it's" is "it s".
FILLER_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "it",
        "its",
        "s",
        "is",
        "be",
        "i",
        "d",
        "my",
        "would",
        "you",
        "we",
        "use",
        "using",
        "call",
        "calling",
        "called",
        "function",
        "method",
        "decorator",
        "attribute",
        "property",
        "class",
        "helper",
        "header",
        "argument",
        "parameter",
        "option",
        "flag",
        "answer",
    }
)


def normalise(text: str) -> str:
    """Lower-case; every character that is not a letter, digit or underscore becomes a space;
    runs of spaces collapse (services/content/bank/FORMAT.md)."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def without_fillers(text: str, *, split_names: bool = False) -> str:
    """The normalised text without filler words (kept whole if it is nothing but fillers);
    with `split_names`, `_` separates words too, so `code_challenge_method` loses "method"."""
    text = normalise(text)
    words = (text.replace("_", " ") if split_names else text).split()
    kept = [w for w in words if w not in FILLER_WORDS]
    return " ".join(kept or words)


def short_answer_matches(answer: str, key: Mapping[str, Any]) -> bool:
    """True when the answer, filler words dropped, is one of the key's accepted answers (with
    `_ - . ()` and spaces folded) or wholly matches one of its patterns."""
    text = without_fillers(answer)
    if not text:
        return False
    accepted = [str(a) for a in key.get("accepted", [])]
    for split_names in (False, True):
        answer_form = compact(without_fillers(answer, split_names=split_names))
        if any(
            answer_form == compact(without_fillers(a, split_names=split_names)) for a in accepted
        ):
            return True
    forms = {text, text.replace("_", " ")}
    return any(_whole(p, forms) for p in key.get("patterns") or [])


def _whole(pattern: str, forms: Iterable[str]) -> bool:
    # Author patterns run on RE2 (linear time): a pathological one cannot stall a worker.
    anchored = rf"^(?:{pattern})$"
    try:
        return any(pattern_found(anchored, form) for form in forms)
    except PatternError as exc:
        # A snapshot taken before content refused such patterns: no match, never a crash.
        log.warning(
            "short-answer pattern not runnable, counted as no match: %s",
            exc,
            extra={"pattern": str(pattern)[:200]},
        )
        return False

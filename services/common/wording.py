"""How answers are compared with authored keys word by word: the quiz's matching and the
content linter must agree on when two spellings are the same word, so the rule lives here.

`fold` makes `secret_key`, `Secret-Key` and `secret key` the same three letters-and-digits
words; `compact` glues them so `samesite` meets `same site`; `word_bases` allows a simple
inflection (`logs`, `logged`, `logging` meet `log`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
# (suffix, shortest stem left): "plug-ins" is "plug ins", and "used" is no form of "us".
_SUFFIXES = (("ies", 3), ("ied", 3), ("ing", 3), ("es", 3), ("ed", 3), ("d", 3), ("s", 2))
_VOWELS = frozenset("aeiou")


def fold(text: str) -> str:
    """Lower-case; every character that is not a letter or digit (underscores, hyphens, dots,
    brackets too) becomes a space; runs of spaces collapse."""
    return _NOT_LETTER_OR_DIGIT.sub(" ", text.lower()).strip()


def compact(text: str) -> str:
    """The folded text without spaces: `validate on submit` is `validateonsubmit`."""
    return fold(text).replace(" ", "")


@functools.lru_cache(maxsize=16384)
def word_bases(word: str) -> frozenset[str]:
    """The forms a word may be an inflection of: itself, and itself minus one suffix (`s`,
    `es`, `ed`, `d`, `ing`), with a silent `e` restored after `ing`/`ed`, a doubled final
    consonant undone (`logging` → `log`) and `ies`/`ied` read as `y` (`queries` → `query`).
    Two words match when their bases meet, so `caches`, `cached` and `caching` all match
    `cache` while `three` does not match `thread`."""
    forms = {word}
    if word.endswith("ss"):
        return frozenset(forms)
    for suffix, shortest in _SUFFIXES:
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or len(stem) < shortest:
            continue
        if suffix in ("ies", "ied"):
            forms.add(stem + "y")
            continue
        if suffix == "d" and not stem.endswith("e"):
            continue  # "stored" is "store", but "systemd" is no "system"
        forms.add(stem)
        if suffix in ("ing", "ed"):
            forms.add(stem + "e")
            if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS | {"s", "l"}:
                forms.add(stem[:-1])
    return frozenset(forms)


def phrase_forms(words: Sequence[str]) -> frozenset[str]:
    """The compact forms of a phrase whose last word may be inflected: `app contexts` gives
    `appcontexts`, `appcontext`, ...; used to match a keyword however its words are joined."""
    if not words:
        return frozenset()
    head = "".join(words[:-1])
    return frozenset(head + base for base in word_bases(words[-1]))


def keyword_forms(keyword: str) -> frozenset[str]:
    """The compact forms a keyword matches; two keywords whose forms meet match the same answer
    words (`secret_key` and `Secret Key`, `cache` and `caching`)."""
    return phrase_forms(fold(keyword).split())

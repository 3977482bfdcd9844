"""Regular expressions written by authors (short-answer patterns), run by RE2.

Python's `re` backtracks: a pattern such as `(a+)+b` takes seconds (or years) on a few dozen
characters, and scoring runs inside a gunicorn worker and the beat sweep. RE2 (`google-re2`)
matches in time linear in the text and refuses the constructs that need backtracking
(backreferences, lookahead and lookbehind). Content validates every pattern with
`pattern_error` before it is stored; quiz scores with `pattern_found`. Like Python's `re` on
bytes, RE2's `\\w`, `\\d` and `\\b` are ASCII-only; `\\pL` matches any letter.
"""

from __future__ import annotations

from typing import Any

import re2  # type: ignore[import-untyped]

_OPTIONS = re2.Options()
# A refused pattern is reported to the author (or logged by the caller), not printed to stderr.
_OPTIONS.log_errors = False


class PatternError(ValueError):
    """The pattern is not one RE2 can run."""


def compile_pattern(pattern: str) -> Any:
    """The pattern compiled by RE2 (cached by the re2 module); `PatternError` if refused."""
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except re2.error as exc:
        raise PatternError(_reason(exc)) from None
    except UnicodeEncodeError:
        raise PatternError("the pattern is not valid Unicode text") from None


def pattern_error(pattern: str) -> str | None:
    """Why RE2 refuses `pattern`, or None when it compiles."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        return str(exc)
    return None


def pattern_found(pattern: str, text: str) -> bool:
    """True when `pattern` occurs anywhere in `text`; `PatternError` if RE2 refuses it."""
    compiled = compile_pattern(pattern)
    try:
        return compiled.search(text) is not None
    except UnicodeEncodeError:
        # A lone surrogate cannot be encoded for RE2; it matches nothing a pattern can name.
        return compiled.search(text.encode("utf-8", "replace").decode("utf-8")) is not None


def _reason(exc: Exception) -> str:
    reason = exc.args[0] if exc.args else str(exc)
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    return str(reason)

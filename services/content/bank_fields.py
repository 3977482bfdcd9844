"""Small helpers on bank-format field values, shared by the rules, the type registry and the
codec: the error map, non-empty texts, stripping and normalising."""

from __future__ import annotations

import re
from typing import Any

# Field path (`options.1.why`) → messages.
Errors = dict[str, list[str]]


def normalise(text: str) -> str:
    """Lower-case; non-word characters become spaces; runs of spaces collapse (FORMAT.md)."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def add_error(errors: Errors, field: str, message: str) -> None:
    """Record `message` against `field`."""
    errors.setdefault(field, []).append(message)


def is_text(value: Any) -> bool:
    """True for a string with something besides whitespace."""
    return isinstance(value, str) and bool(value.strip())


def check_strings(value: Any, field: str, errors: Errors) -> None:
    """A list of non-empty texts, or an error against `field`."""
    if not isinstance(value, list) or not all(is_text(item) for item in value):
        add_error(errors, field, "Must be a list of non-empty texts.")


def strip(value: Any) -> Any:
    """A text without surrounding whitespace; anything else unchanged."""
    return value.strip() if isinstance(value, str) else value


def strip_all(values: Any) -> Any:
    """Every text of a list stripped; a non-list unchanged."""
    return [strip(v) for v in values] if isinstance(values, list) else values

"""Refuse input that no service can store or parse, before any view (or rate limiter) sees it.

- NUL characters: PostgreSQL text cannot hold them, so a NUL in a path, query parameter, form
  value or JSON string used to end as a 500 from the database driver.
- Lone surrogates (`"\\ud800"` in JSON): not encodable as UTF-8, so neither database takes them.
- JSON nested deeper than `MAX_JSON_DEPTH`: Python's parser raises `RecursionError` long before
  a body hits the size limit (`"[" * 100000` is 100 kB), and no request of ours nests past a few
  levels.

Each is a 400 problem naming where the bad input is. Invalid JSON is left to the views, which
already answer it with their own 400. A view that streams its body elsewhere unread (the
gateway's proxy) is marked with `passes_body_through`; its path and query are still checked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from flask import Flask, current_app, request

from .errors import MalformedInput

MAX_JSON_DEPTH = 32
NUL_MESSAGE = "Must not contain a NUL (\\u0000) character."
SURROGATE_MESSAGE = "Must be valid Unicode text (no lone surrogate code points)."
FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

View = TypeVar("View", bound=Callable[..., Any])


def passes_body_through(view: View) -> View:
    """Mark a view that forwards its request body unread, so the guard leaves the body alone."""
    view.passes_body_through = True  # type: ignore[attr-defined]
    return view


def init_request_guard(app: Flask) -> None:
    """Check every request of `app` before its views run."""
    app.before_request(guard_request)


def guard_request() -> None:
    """Raise `MalformedInput` for a NUL or lone surrogate in the path, query string or body,
    or for JSON nested deeper than `MAX_JSON_DEPTH`."""
    _require_clean_text(request.path, "_path")
    for name, values in request.args.lists():
        _require_clean_text(name, "_query")
        for value in values:
            _require_clean_text(value, name)
    if _body_passes_through() or (not request.content_length and not _is_chunked()):
        return
    if request.is_json:
        check_json(request.get_data(cache=True))
    elif request.mimetype in FORM_MIMETYPES:
        for name, values in request.form.lists():
            _require_clean_text(name, "_form")
            for value in values:
                _require_clean_text(value, name)
    elif request.mimetype.startswith("text/") and b"\x00" in request.get_data(cache=True):
        raise MalformedInput(
            "The request body contains a NUL character.", errors={"_body": [NUL_MESSAGE]}
        )


def check_json(data: bytes | str) -> None:
    """Raise `MalformedInput` when the JSON document nests too deeply or holds a NUL or lone
    surrogate in any string or key; invalid JSON passes (the view reports it)."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        return
    for value, depth, where in _walk(document):
        if isinstance(value, (dict, list)) and depth >= MAX_JSON_DEPTH:
            raise _too_deep()  # `depth` counts the arrays and objects around this one
        if isinstance(value, str):
            _require_clean_text(value, where or "_body")


def _walk(document: Any) -> Iterator[tuple[Any, int, str]]:
    """Every value and key of a JSON document with its depth and dotted path, without recursion."""
    stack: list[tuple[Any, int, str]] = [(document, 0, "")]
    while stack:
        value, depth, where = stack.pop()
        yield value, depth, where
        if isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{key}" if where else str(key)
                yield key, depth + 1, where or "_body"
                stack.append((item, depth + 1, path))
        elif isinstance(value, list):
            stack.extend(
                (item, depth + 1, f"{where}.{i}" if where else str(i))
                for i, item in enumerate(value)
            )


def _require_clean_text(text: str, where: str) -> None:
    if "\x00" in text:
        raise MalformedInput(
            "The request contains a NUL character, which no text field accepts.",
            errors={_printable(where): [NUL_MESSAGE]},
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedInput(
            "The request contains text that is not valid Unicode.",
            errors={_printable(where): [SURROGATE_MESSAGE]},
        ) from None


def _printable(where: str) -> str:
    """The location as it can be echoed back (a NUL in a key must not reach the response)."""
    return where.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def _too_deep() -> MalformedInput:
    return MalformedInput(
        f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.",
        errors={"_body": [f"Nest arrays and objects at most {MAX_JSON_DEPTH} levels deep."]},
    )


def _body_passes_through() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "passes_body_through", False))


def _is_chunked() -> bool:
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()

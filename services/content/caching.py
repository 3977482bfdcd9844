"""HTTP caching for read routes: a strong ETag of the body, Cache-Control, and 304 replies."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, request

F = TypeVar("F", bound=Callable[..., Any])


def conditional(fn: F) -> F:
    """Give a 200 response an ETag and `Cache-Control: public, max-age=…`; answer a matching
    `If-None-Match` with 304. Views may set their own Cache-Control first (kept as is)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        response = current_app.make_response(fn(*args, **kwargs))
        if response.status_code != 200:
            return response
        response.add_etag()
        if "Cache-Control" not in response.headers:
            response.cache_control.public = True
            response.cache_control.max_age = current_app.config["CONTENT_CACHE_MAX_AGE"]
        return response.make_conditional(request)

    return wrapper  # type: ignore[return-value]

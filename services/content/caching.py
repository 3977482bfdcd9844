"""HTTP caching for read routes: a strong ETag of the body, Cache-Control, and 304 replies.

Routes whose body depends on the reader (`per_audience`) never share a cache entry across
readers: anonymous responses stay publicly cacheable, signed-in ones are `private, no-store`,
the ETag hashes the audience with the body, and `Vary: Authorization, Cookie` tells caches so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app, g, request

from services.common.auth import optional_principal

from .study import ANONYMOUS, Viewer

F = TypeVar("F", bound=Callable[..., Any])
AUDIENCE_VARY = ("Authorization", "Cookie")


def current_viewer() -> Viewer:
    """The reader of this request (anonymous without a token; 401 for an invalid token)."""
    viewer: Viewer | None = g.get("content_viewer")
    if viewer is None:
        principal = optional_principal()
        viewer = ANONYMOUS if principal is None else Viewer(principal.sub)
        g.content_viewer = viewer
    return viewer


def conditional(fn: F | None = None, *, per_audience: bool = False) -> Any:
    """Give a 200 response an ETag and `Cache-Control: public, max-age=…` (signed-in readers of
    a `per_audience` route: `private, no-store`); answer a matching `If-None-Match` with 304.
    Views may set their own Cache-Control first (kept as is)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            viewer = current_viewer() if per_audience else None
            response = current_app.make_response(view(*args, **kwargs))
            if per_audience:
                response.vary.update(AUDIENCE_VARY)
            if response.status_code != 200:
                return response
            _tag(response, viewer)
            return response.make_conditional(request)

        return wrapper  # type: ignore[return-value]

    return decorate(fn) if fn is not None else decorate


def _tag(response: Response, viewer: Viewer | None) -> None:
    if viewer is None or not viewer.signed_in:
        response.add_etag()
    else:
        digest = hashlib.sha256(viewer.audience.encode() + b"\0" + response.get_data())
        response.set_etag(digest.hexdigest())
    if viewer is not None and viewer.signed_in:
        response.headers["Cache-Control"] = "private, no-store"
    elif "Cache-Control" not in response.headers:
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["CONTENT_CACHE_MAX_AGE"]

"""Who may see a page: a signed-in user, or an author; everyone else is sent to sign in."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, request, url_for

from .backend import current_user


def sign_in_first(message: str = "Please sign in to continue.") -> Response:
    """Send the browser to sign in and come back to the page it asked for."""
    flash(message, "info")
    return redirect(url_for("web.signin", next=request.full_path.rstrip("?")))


def is_author(user: dict[str, Any] | None) -> bool:
    """True for a user with role `author` (an `admin` is an author too)."""
    roles = set((user or {}).get("roles") or [])
    return bool(roles & {"author", "admin"})


def author_or_403() -> dict[str, Any] | None:
    """The signed-in author; None when signed out (the caller sends them to sign in); 403 for
    a signed-in user without the role."""
    user = current_user()
    if user is not None and not is_author(user):
        abort(403)
    return user

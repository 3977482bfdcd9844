"""The web pages' signed cookie session, opened only for the pages.

Flask opens the session on every request: it builds a signing serializer and, when the browser
sent the session cookie along (it does on every call from a signed-in browser), checks its
signature and decodes it. The proxied APIs, internal routes and probes never read the session,
so they get Flask's null session instead, which costs nothing and is never saved: their
responses stay the same (no `Set-Cookie`, no `Vary: Cookie`), only cheaper.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from .web import NON_PAGE_PREFIXES


class PageSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session for page requests; none for `NON_PAGE_PREFIXES`."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(NON_PAGE_PREFIXES):
            return None  # Flask substitutes its null session
        return super().open_session(app, request)

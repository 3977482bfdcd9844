"""Setting and clearing the token cookies of a response."""

from __future__ import annotations

from flask import Response, after_this_request, current_app
from flask_jwt_extended import set_access_cookies, set_refresh_cookies, unset_jwt_cookies

from ..tokens import TokenPair


def set_token_cookies(response: Response, pair: TokenPair) -> Response:
    """httpOnly access and refresh cookies, plus the readable CSRF cookies, each living exactly
    as long as its token."""
    set_access_cookies(response, pair.access_token, max_age=cookie_max_age("access"))
    set_refresh_cookies(response, pair.refresh_token, max_age=cookie_max_age("refresh"))
    return response


def cookie_max_age(kind: str) -> int:
    """Seconds a token cookie should live: its token's lifetime (a year by default otherwise)."""
    name = "JWT_ACCESS_TOKEN_EXPIRES" if kind == "access" else "JWT_REFRESH_TOKEN_EXPIRES"
    return int(current_app.config[name].total_seconds())


def set_token_cookies_later(pair: TokenPair) -> None:
    """Set the cookies on the response the view is about to return."""
    after_this_request(lambda response: set_token_cookies(response, pair))


def clear_token_cookies_later() -> None:
    """Expire every token cookie on the response the view is about to return."""

    def clear(response: Response) -> Response:
        unset_jwt_cookies(response)
        return response

    after_this_request(clear)

"""Setting and clearing the token cookies of a response."""

from __future__ import annotations

from flask import Response, after_this_request
from flask_jwt_extended import set_access_cookies, set_refresh_cookies, unset_jwt_cookies

from ..tokens import TokenPair


def set_token_cookies(response: Response, pair: TokenPair) -> Response:
    """httpOnly access and refresh cookies, plus the readable CSRF cookies."""
    set_access_cookies(response, pair.access_token)
    set_refresh_cookies(response, pair.refresh_token)
    return response


def set_token_cookies_later(pair: TokenPair) -> None:
    """Set the cookies on the response the view is about to return."""
    after_this_request(lambda response: set_token_cookies(response, pair))


def clear_token_cookies_later() -> None:
    """Expire every token cookie on the response the view is about to return."""

    def clear(response: Response) -> Response:
        unset_jwt_cookies(response)
        return response

    after_this_request(clear)

"""Friendly pages for a service's failure: too many requests (with the wait), unavailable."""

from __future__ import annotations

from flask import Response, make_response, render_template

from .backend import Reply

TITLES = {
    429: "Too many attempts",
    502: "Something went wrong on our side",
    503: "Temporarily unavailable",
    504: "That took too long",
}


class PageFailure(Exception):
    """A service answered in a way the page cannot go on from; shown as a friendly page."""

    def __init__(self, status: int, detail: str = "", retry_after: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


def check_service(reply: Reply) -> Reply:
    """Raise `PageFailure` for a rate limit or a server-side failure; return `reply` otherwise."""
    if reply.status == 429 or reply.status >= 500:
        raise PageFailure(reply.status, reply.detail, reply.retry_after)
    return reply


def wait_text(retry_after: str | None) -> str:
    """'about N minutes' / 'N seconds' from a delta-seconds Retry-After, '' when unknown."""
    if not retry_after or not retry_after.strip().isdigit():
        return ""
    seconds = int(retry_after)
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"about {round(seconds / 60)} minutes"


def failure_page(error: PageFailure) -> Response:
    """The failure page with the status code (and Retry-After) of the service's answer."""
    status = error.status if error.status in TITLES else 503 if error.status >= 500 else 400
    html = render_template(
        "web/failure.html",
        status=status,
        title=TITLES.get(status, "Something went wrong"),
        detail=error.detail,
        wait=wait_text(error.retry_after),
    )
    response = make_response(html, status)
    if error.retry_after:
        response.headers["Retry-After"] = error.retry_after
    return response

"""Reading the mails the auth service wrote (development transport: `.eml` files)."""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from flask import Flask


def mail_dir(app: Flask) -> Path:
    """Where the app's mailer writes messages."""
    return app.extensions["mailer"].directory


def read_mails(directory: Path) -> list[EmailMessage]:
    """Every `.eml` message in `directory`, oldest first."""
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in paths]  # type: ignore[misc]


def mails(app: Flask) -> list[EmailMessage]:
    """The messages the app has written so far (queued ones included)."""
    app.extensions["mailer"].wait(timeout_s=30)
    return read_mails(mail_dir(app))


def text_of(message: EmailMessage) -> str:
    """The plain-text body."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def link_token(message: EmailMessage, page: str) -> str:
    """The token of the `{PUBLIC_URL}/<page>?token=...` link in `message`."""
    match = re.search(rf"https?://\S+/{page}\?token=([A-Za-z0-9_\-]+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)

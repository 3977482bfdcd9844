"""Outgoing mail: SMTP in production, `.eml` files under `MAIL_DIR` in development.

Built on the standard library (`email.message`, `smtplib`): the service sends two kinds of plain
messages, and the file transport for development is a few lines on top of the same message.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Flask

from services.common.settings import ConfigError, require_settings

log = logging.getLogger(__name__)
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class MailError(RuntimeError):
    """A message could not be handed to the mail server."""


@dataclass(frozen=True)
class SmtpTarget:
    """Where and how to deliver: parsed from `SMTP_URL`."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpTarget:
    """Parse `smtp://`, `smtp+starttls://` or `smtps://[user:pass@]host[:port]`."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ConfigError(
            "SMTP_URL must look like smtp://host:25, smtp+starttls://user:pass@host:587 "
            "or smtps://user:pass@host:465"
        )
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError as exc:
        raise ConfigError(f"SMTP_URL has an invalid port: {exc}") from exc
    return SmtpTarget(
        parts.scheme,
        parts.hostname,
        port,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )


def compose(sender: str, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """A plain-text message with an optional HTML alternative."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


class Mailer:
    """Delivers messages now (`send`) or on a background thread (`send_later`)."""

    def __init__(
        self, sender: str, target: SmtpTarget | None, directory: Path, timeout_s: float
    ) -> None:
        self.sender = sender
        self.target = target
        self.directory = directory
        self.timeout_s = timeout_s
        self._executor: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []

    @property
    def writes_files(self) -> bool:
        """True in development: messages become files instead of SMTP traffic."""
        return self.target is None

    def send(self, message: EmailMessage) -> None:
        """Deliver `message`; raises `MailError` when the server refuses or cannot be reached."""
        if self.target is None:
            path = self._write(message)
            log.info("mail to %s written to %s (no SMTP_URL set)", message["To"], path)
            return
        try:
            self._deliver(self.target, message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP delivery to {self.target.host} failed: {exc}") from exc
        log.info("mail to %s handed to %s", message["To"], self.target.host)

    def send_later(self, message: EmailMessage, on_error: Callable[[MailError], None]) -> None:
        """Deliver off the request thread, so the caller's answer does not depend on SMTP."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")
        self._pending = [f for f in self._pending if not f.done()]
        self._pending.append(self._executor.submit(self._send_reporting, message, on_error))

    def wait(self, timeout_s: float | None = None) -> None:
        """Block until every message queued with `send_later` has been handled."""
        for future in list(self._pending):
            future.result(timeout=timeout_s)

    def _send_reporting(self, message: EmailMessage, on_error: Callable[[MailError], None]) -> None:
        try:
            self.send(message)
        except MailError as exc:
            on_error(exc)

    def _deliver(self, target: SmtpTarget, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if target.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(
                target.host, target.port, timeout=self.timeout_s, context=context
            )
        else:
            smtp = smtplib.SMTP(target.host, target.port, timeout=self.timeout_s)
        with smtp:
            if target.scheme == "smtp+starttls":
                smtp.starttls(context=context)
            if target.username:
                smtp.login(target.username, target.password or "")
            smtp.send_message(message)

    def _write(self, message: EmailMessage) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        final = self.directory / f"{stamp}-{secrets.token_hex(4)}.eml"
        # Written aside and renamed, so a reader never sees half a message.
        fd, temp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
        os.replace(temp, final)
        return final


def init_app(app: Flask) -> Mailer:
    """Build the app's mailer; production refuses to start without `SMTP_URL`."""
    require_settings(app, "SMTP_URL")
    url = app.config.get("SMTP_URL")
    directory = Path(app.config.get("MAIL_DIR") or Path(app.config["VAR_DIR"]) / "mail")
    mailer = Mailer(
        app.config["MAIL_FROM"],
        parse_smtp_url(url) if url else None,
        directory,
        float(app.config["SMTP_TIMEOUT_S"]),
    )
    app.extensions["mailer"] = mailer
    return mailer

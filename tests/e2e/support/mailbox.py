"""The e2e mailbox: messages the platform sent through the stack's SMTP server."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from infra.devstack.procs import wait_until
from tests.auth.mailbox import link_token, read_mails

MAIL_TIMEOUT_S = 30.0

__all__ = ["link_token", "wait_for_mail"]


def wait_for_mail(directory: Path, to: str, subject_part: str) -> EmailMessage:
    """The newest message to `to` whose subject contains `subject_part` (waits for it)."""

    def matching() -> list[EmailMessage]:
        return [
            message
            for message in read_mails(directory)
            if message["To"] == to and subject_part in str(message["Subject"])
        ]

    wait_until(lambda: bool(matching()), MAIL_TIMEOUT_S, f"a mail to {to} ({subject_part})")
    return matching()[-1]

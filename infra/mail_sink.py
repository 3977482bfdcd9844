"""A development mail catcher: aiosmtpd with a handler that files every message as `.eml`.

Nothing is relayed anywhere. Run as its own process (infra/devstack/processes.py `mail_argv`):
`python -m aiosmtpd -n -l <host>:<port> -c infra.mail_sink.MailSink <dir>` by compose's `mail`
service and the e2e stack; unit tests use the same handler in-process with
`aiosmtpd.controller.Controller`. Real deployments point SMTP_URL at their mail provider.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any


class MailSink:
    """aiosmtpd handler: each accepted message becomes one `.eml` file in `directory`."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_cli(cls, parser: argparse.ArgumentParser, *args: str) -> MailSink:
        """aiosmtpd's hook for `-c MailSink <directory>`."""
        if len(args) != 1:
            parser.error("MailSink takes one argument: the directory to store messages in")
        return cls(args[0])

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        """Store the message as received; a reader never sees half a file."""
        data = envelope.original_content or envelope.content
        fd, temp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data if isinstance(data, bytes) else data.encode())
        os.replace(temp, self.directory / f"{secrets.token_hex(8)}.eml")
        return "250 Message accepted for delivery"

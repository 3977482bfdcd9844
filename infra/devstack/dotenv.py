"""Write a `.env` for docker compose from `.env.example`, with freshly generated secrets.

`python -m infra.devstack.dotenv --out .env` (used by `make up` when `.env` is missing and by
.ci/run for a throwaway one). Existing files are never overwritten.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from pathlib import Path

from .processes import REPO_ROOT

GENERATED = ("POSTGRES_PASSWORD", "AUTH_SECRET_KEY", "QUIZ_CLIENT_SECRET", "GATEWAY_SECRET_KEY")
# Set (active) in a generated .env whatever the example says: the stack's own mail catcher, so a
# fresh `make up` starts (production refuses to start without SMTP_URL) and no mail leaves it.
COMPOSE_VALUES = {
    "SMTP_URL": "smtp://mail:1025",
    "MAIL_FROM": "Flask Interviews <no-reply@localhost>",
}
COMPOSE_NOTE = (
    "# make up: compose's `mail` service only files messages (docker compose exec mail ls "
    "/var/lib/fi/mail);\n# set SMTP_URL (and MAIL_FROM) to your mail provider for real mail."
)
ASSIGNMENT = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$")


def render_env(example: str) -> str:
    """The example's lines, with every secret in `GENERATED` filled in and `COMPOSE_VALUES` set."""
    lines = []
    pending = dict(COMPOSE_VALUES)
    for line in example.splitlines():
        match = ASSIGNMENT.match(line)
        name = match.group(1) if match else None
        if name in GENERATED and not line.startswith("#"):
            line = f"{name}={secrets.token_urlsafe(32)}"
        elif name in pending:
            note = COMPOSE_NOTE + "\n" if len(pending) == len(COMPOSE_VALUES) else ""
            line = f"{note}{name}={pending.pop(name)}"
        lines.append(line)
    lines += [f"{name}={value}" for name, value in pending.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the file (mode 0600) unless it exists."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / ".env")
    parser.add_argument("--example", type=Path, default=REPO_ROOT / ".env.example")
    args = parser.parse_args(argv)
    if args.out.exists():
        print(f"{args.out} exists; leaving it alone")
        return 0
    text = render_env(args.example.read_text())
    fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    print(f"wrote {args.out} with generated secrets")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m infra.devstack.signing_key`: give the auth service a signing key, without its app.

In production the auth app refuses to start without a key, and so does every
`flask --app services.auth.wsgi ...` command (they all build the app), so the first set-up step
creates the key with the key module alone. Idempotent: an existing key is kept. Nothing to do
when the key comes from AUTH_PRIVATE_KEY_FILE.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from services.auth.keys import ensure_key, key_files
from services.common.settings import REPO_ROOT


def keys_dir(env: Mapping[str, str]) -> Path | None:
    """The directory the auth service reads its keys from, as its config does (None: a file)."""
    if env.get("AUTH_PRIVATE_KEY_FILE"):
        return None
    if env.get("AUTH_SIGNING_KEYS_DIR"):
        return Path(env["AUTH_SIGNING_KEYS_DIR"])
    return Path(env.get("VAR_DIR") or REPO_ROOT / "var") / "keys"


def ensure(env: Mapping[str, str]) -> str:
    """Create a key when the directory has none; return what happened, for the log."""
    directory = keys_dir(env)
    if directory is None:
        return f"signing key: AUTH_PRIVATE_KEY_FILE={env['AUTH_PRIVATE_KEY_FILE']}"
    key, created = ensure_key(directory)
    if created and key is not None:
        return f"signing key: created {key.kid} in {directory}"
    return f"signing key: {key_files(directory)[-1].stem} in {directory} (kept)"


def main() -> int:
    """Print the outcome; a failure (unwritable directory, ...) is a traceback and exit 1."""
    print(ensure(os.environ), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

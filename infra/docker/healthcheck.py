"""Container healthchecks without curl (slim images have none).

`healthcheck.py http URL` — healthy when GET URL answers 200.
`healthcheck.py file PATH MAX_AGE_S` — healthy when PATH was written in the last MAX_AGE_S.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request


def http_ok(url: str) -> bool:
    """True when `url` answers 200 within 3 seconds."""
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def fresh(path: str, max_age_s: float) -> bool:
    """True when `path` exists and was modified less than `max_age_s` ago."""
    try:
        return time.time() - os.stat(path).st_mtime < max_age_s
    except OSError:
        return False


def main(argv: list[str]) -> int:
    """Exit 0 when healthy, 1 otherwise."""
    if len(argv) == 2 and argv[0] == "http":
        return 0 if http_ok(argv[1]) else 1
    if len(argv) == 3 and argv[0] == "file":
        return 0 if fresh(argv[1], float(argv[2])) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

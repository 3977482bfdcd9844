"""Fingerprinted static files: `asset_url('web.css')` → `/web/static/web.css?v=<content hash>`.

The hash changes whenever the file does, so a fingerprinted URL can be cached for a year
(`immutable`) by browsers and nginx alike; an unversioned request gets a short lifetime.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import url_for

STATIC_DIR = Path(__file__).parent / "static"
YEAR_S = 365 * 24 * 3600


@cache
def fingerprint(filename: str) -> str:
    """The first 12 hex digits of the SHA-256 of a static file (read once per process)."""
    return hashlib.sha256((STATIC_DIR / filename).read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    """The URL of a static file with its content hash as the `v` query parameter."""
    return url_for("web.static", filename=filename, v=fingerprint(filename))


def is_fingerprinted(filename: str, version: str | None) -> bool:
    """True when `version` is the current hash of `filename` (safe to cache for a year)."""
    try:
        return version is not None and version == fingerprint(filename)
    except OSError:
        return False

"""Signing keys: an RSA key ring on disk, the active key for signing and the public JWKS.

A key directory holds one `<kid>.pem` (PKCS#8, unencrypted) per key. Every key in it is
published; the newest key that has been published for `activation_delay_s` signs, so verifiers
that cache the JWKS learn a rotated key before they meet a token signed with it. Workers reload
the directory when it changes, so `keys rotate` and `keys retire` need no restart.
"""

from __future__ import annotations

import base64
import calendar
import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KID_TIME_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class SigningKey:
    """One RSA key pair and its key id."""

    kid: str
    private_key: rsa.RSAPrivateKey

    @property
    def created(self) -> float | None:
        """When the key was made (from a `<timestamp>-<hash>` kid), or None when unknown."""
        try:
            return calendar.timegm(time.strptime(self.kid.split("-", 1)[0], KID_TIME_FORMAT))
        except ValueError:
            return None

    def public_jwk(self) -> dict[str, Any]:
        """The public half as a JWK with `kid`, `use` and `alg`."""
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return jwk


def thumbprint(key: rsa.RSAPrivateKey) -> str:
    """RFC 7638 thumbprint of the public key (base64url, no padding)."""
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def load_pem(path: Path) -> rsa.RSAPrivateKey:
    """Read an unencrypted RSA private key from a PEM file."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return key


class KeyRing:
    """The signing keys of this process, read from a directory or a single PEM file."""

    def __init__(
        self,
        directory: Path | None = None,
        key_file: Path | None = None,
        activation_delay_s: float = 60.0,
        reload_interval_s: float = 2.0,
    ) -> None:
        if (directory is None) == (key_file is None):
            raise ValueError("give exactly one of directory and key_file")
        self.directory = directory
        self.key_file = key_file
        self.activation_delay_s = activation_delay_s
        self.reload_interval_s = reload_interval_s
        self._keys: list[SigningKey] = []
        self._stamp: int | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._reload(force=True)
        if not self._keys:
            raise RuntimeError(f"no signing key found in {directory or key_file}")

    def _reload(self, force: bool = False) -> None:
        with self._lock:
            if not force and time.monotonic() - self._checked < self.reload_interval_s:
                return
            self._checked = time.monotonic()
            if self.key_file is not None:
                if not self._keys:
                    key = load_pem(self.key_file)
                    self._keys = [SigningKey(f"k-{thumbprint(key)[:16]}", key)]
                return
            assert self.directory is not None
            stamp = self.directory.stat().st_mtime_ns
            if stamp == self._stamp and not force:
                return
            self._keys = [SigningKey(p.stem, load_pem(p)) for p in key_files(self.directory)]
            self._stamp = stamp

    def keys(self) -> list[SigningKey]:
        """Every published key, oldest first."""
        self._reload()
        return list(self._keys)

    def active(self) -> SigningKey:
        """The key to sign with: the newest one published for long enough."""
        keys = self.keys()
        now = time.time()
        # Kid timestamps have one-second resolution (and may be bumped a second ahead).
        mature = [
            k for k in keys if k.created is None or now + 1 - k.created >= self.activation_delay_s
        ]
        return mature[-1] if mature else keys[0]

    def public_key(self, kid: str | None) -> Any:
        """The public key for `kid`, or None."""
        for key in self.keys():
            if key.kid == kid:
                return key.private_key.public_key()
        return None

    def jwks(self) -> dict[str, Any]:
        """The JWKS document publishing every key."""
        return {"keys": [key.public_jwk() for key in self.keys()]}


def key_files(directory: Path) -> list[Path]:
    """The `<kid>.pem` files of a key directory, oldest kid first."""
    return sorted(directory.glob("*.pem"), key=lambda p: p.stem)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    # Several gunicorn workers may start at once: one generates, the others wait and reuse it.
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(directory / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_new_key(directory: Path) -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stamp = time.time()
    existing = key_files(directory)
    newest = SigningKey(existing[-1].stem, key).created if existing else None
    if newest is not None:
        # The newest key must sort last even when rotating twice within a second.
        stamp = max(stamp, newest + 1)
    kid = f"{time.strftime(KID_TIME_FORMAT, time.gmtime(stamp))}-{thumbprint(key)[:8]}"
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_atomically(directory / f"{kid}.pem", pem)
    return SigningKey(kid, key)


def write_atomically(path: Path, data: bytes) -> bool:
    """Write `data` to `path` (mode 0600) unless it exists; readers never see a partial file.

    Returns False when another process created `path` first.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)  # fails if the name exists, unlike rename
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def ensure_key(directory: Path) -> tuple[SigningKey | None, bool]:
    """Make sure `directory` holds a key; returns (new key or None, created?)."""
    with _locked(directory):
        if key_files(directory):
            return None, False
        return _write_new_key(directory), True


def rotate_key(directory: Path) -> SigningKey:
    """Add a new key; it signs once it has been published for the activation delay."""
    with _locked(directory):
        return _write_new_key(directory)


def retire_key(directory: Path, kid: str) -> None:
    """Stop publishing `kid` (tokens it signed stop verifying). Refuses the newest key."""
    with _locked(directory):
        files = key_files(directory)
        names = [p.stem for p in files]
        if kid not in names:
            raise KeyError(f"no key {kid!r} in {directory}")
        if kid == names[-1]:
            raise ValueError(f"{kid} is the newest key; rotate first, then retire the old one")
        (directory / f"{kid}.pem").unlink()


def ensure_secret(path: Path) -> str:
    """Read the secret stored at `path`, generating it once (shared by every worker)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_atomically(path, secrets.token_hex(32).encode())
    return path.read_text().strip()


def main(argv: list[str] | None = None) -> int:
    """`python -m services.auth.keys ensure|rotate DIR` or `retire DIR KID`, without the app
    (the commands live in `services.auth.cli`, beside their `flask keys` form)."""
    from .cli import keys_main

    return keys_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())

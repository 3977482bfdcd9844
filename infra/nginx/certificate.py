"""`python -m infra.nginx.certificate DIR`: a self-signed certificate so compose serves HTTPS.

Compose's migrate role runs it before nginx starts. It writes `DIR/cert.pem` and `DIR/key.pem`
for PUBLIC_URL's host (plus `localhost`, 127.0.0.1 and ::1), unless a certificate there already
names that host and stays valid for `RENEW_BEFORE` more. Nothing is written when the operator
brings a certificate (TLS_CERT_FILE). PUBLIC_URL must be https: nginx redirects HTTP to it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .render import public_host

CERT_NAME = "cert.pem"
KEY_NAME = "key.pem"
VALIDITY = dt.timedelta(days=397)
RENEW_BEFORE = dt.timedelta(days=30)
ALWAYS = ("localhost", "127.0.0.1", "::1")


class CertificateError(RuntimeError):
    """PUBLIC_URL does not suit an HTTPS edge."""


def san_entry(name: str) -> x509.GeneralName:
    """A subjectAltName entry: an IP address or a DNS name."""
    try:
        return x509.IPAddress(ipaddress.ip_address(name.strip("[]")))
    except ValueError:
        return x509.DNSName(name)


def names_for(host: str) -> list[str]:
    """The names the certificate covers: the public host first, then the loopback names."""
    return [host, *(name for name in ALWAYS if name != host.strip("[]"))]


def self_signed(host: str, now: dt.datetime) -> tuple[bytes, bytes]:
    """A new ECDSA P-256 key and a certificate for `host`, as PEM (certificate, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host.strip("[]"))])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName([san_entry(n) for n in names_for(host)]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


def still_good(path: Path, host: str, now: dt.datetime) -> bool:
    """True when the certificate at `path` names `host` and is valid past the renewal window."""
    try:
        certificate = x509.load_pem_x509_certificate(path.read_bytes())
        sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, x509.ExtensionNotFound):
        return False
    return san_entry(host) in list(sans) and certificate.not_valid_after_utc - now > RENEW_BEFORE


def write_file(path: Path, data: bytes, mode: int) -> None:
    """Replace `path` atomically; nginx never reads half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, mode)  # the umask must not narrow it: nginx reads through the group
    os.replace(tmp, path)


def ensure(directory: Path, env: Mapping[str, str], now: dt.datetime | None = None) -> str:
    """Write a certificate into `directory` when needed; return what happened, for the log."""
    if env.get("TLS_CERT_FILE"):
        return f"TLS: nginx serves the operator's certificate ({env['TLS_CERT_FILE']})"
    public_url = env.get("PUBLIC_URL") or ""
    if not public_url.startswith("https://"):
        raise CertificateError(
            f"PUBLIC_URL must be an https:// URL under compose (nginx redirects HTTP to it), "
            f"got {public_url!r}"
        )
    host, _ = public_host(public_url)
    now = now or dt.datetime.now(dt.UTC)
    if still_good(directory / CERT_NAME, host, now):
        return f"TLS: the self-signed certificate for {host} in {directory} is kept"
    cert_pem, key_pem = self_signed(host, now)
    directory.mkdir(parents=True, exist_ok=True)
    # Key before certificate: a certificate on disk always has its key. Group-readable: the
    # app image's group is nginx's (gid 101), so nginx reads the key and no one else does.
    write_file(directory / KEY_NAME, key_pem, 0o640)
    write_file(directory / CERT_NAME, cert_pem, 0o644)
    return f"TLS: wrote a self-signed certificate for {', '.join(names_for(host))} to {directory}"


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m infra.nginx.certificate DIR`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(ensure(Path(args[0]), os.environ), flush=True)
    except CertificateError as exc:
        print(f"TLS: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The migrate role's own set-up: the signing key without the auth app, the edge certificate."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509

from infra.devstack import entry
from infra.devstack import processes as procdefs
from infra.devstack.processes import REPO_ROOT
from infra.devstack.signing_key import keys_dir
from infra.nginx.certificate import CertificateError, ensure


def test_signing_key_comes_first_and_without_building_any_app() -> None:
    commands = procdefs.before_start_commands()
    assert commands[0] == ("python", "-m", "infra.devstack.signing_key")
    assert not any("keys" in argv for argv in commands[1:]), "no second key step"


def test_signing_key_step_bootstraps_a_production_key_dir(tmp_path: Path) -> None:
    # What a fresh compose volume looks like: production, an empty key directory.
    env = {
        "PATH": os.environ["PATH"],
        "APP_ENV": "production",
        "AUTH_SIGNING_KEYS_DIR": str(tmp_path / "keys"),
    }
    argv = [sys.executable, "-X", "importtime", "-m", "infra.devstack.signing_key"]
    first = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "created" in first.stdout
    assert len(list((tmp_path / "keys").glob("*.pem"))) == 1
    assert "services.auth.wsgi" not in first.stderr, "the auth app must not be built"
    again = subprocess.run(argv[:1] + argv[3:], cwd=REPO_ROOT, env=env, capture_output=True)
    assert again.returncode == 0 and b"kept" in again.stdout
    assert len(list((tmp_path / "keys").glob("*.pem"))) == 1


def test_signing_key_dir_follows_the_auth_services_settings(tmp_path: Path) -> None:
    assert keys_dir({"AUTH_SIGNING_KEYS_DIR": "/k"}) == Path("/k")
    assert keys_dir({"VAR_DIR": str(tmp_path)}) == tmp_path / "keys"
    assert keys_dir({"AUTH_PRIVATE_KEY_FILE": "/k.pem", "AUTH_SIGNING_KEYS_DIR": "/k"}) is None


def test_migrate_runs_the_apps_side_by_side_after_the_key() -> None:
    first, chains = entry.migrate_plan(entry.migrate_commands({"TLS_SELF_SIGNED_DIR": "/t"}))
    assert [argv[2] for argv in first] == ["infra.nginx.certificate", "infra.devstack.signing_key"]
    for chain in chains:
        assert len({argv[2] for argv in chain}) == 1, "one app per chain"
        assert chain[0][3:] == ("db", "upgrade"), "migrations before seed data"
    flat = [argv for chain in chains for argv in chain]
    assert sorted(flat) == sorted(a for a in procdefs.before_start_commands() if a[0] == "flask")


def load(directory: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate((directory / "cert.pem").read_bytes())


def names(certificate: x509.Certificate) -> list[str]:
    sans = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return [str(entry.value) for entry in sans]


def test_certificate_names_the_public_host_and_its_key_is_group_readable(tmp_path: Path) -> None:
    message = ensure(tmp_path, {"PUBLIC_URL": "https://interviews.example.org"})
    assert "wrote" in message
    assert names(load(tmp_path))[:2] == ["interviews.example.org", "localhost"]
    assert (tmp_path / "key.pem").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "cert.pem").stat().st_mode & 0o777 == 0o644


def test_certificate_is_kept_until_the_host_changes_or_it_nears_expiry(tmp_path: Path) -> None:
    ensure(tmp_path, {"PUBLIC_URL": "https://localhost:8443"})
    serial = load(tmp_path).serial_number
    assert "kept" in ensure(tmp_path, {"PUBLIC_URL": "https://localhost:8443"})
    assert load(tmp_path).serial_number == serial
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=380)
    assert "wrote" in ensure(tmp_path, {"PUBLIC_URL": "https://localhost:8443"}, now=later)
    ensure(tmp_path, {"PUBLIC_URL": "https://other.example"})
    assert names(load(tmp_path))[0] == "other.example"


def test_an_http_public_url_is_refused_under_tls(tmp_path: Path) -> None:
    # nginx redirects plain HTTP to PUBLIC_URL: an http:// one would loop.
    with pytest.raises(CertificateError):
        ensure(tmp_path, {"PUBLIC_URL": "http://localhost:8080"})


def test_nothing_is_written_when_the_operator_brings_a_certificate(tmp_path: Path) -> None:
    message = ensure(tmp_path, {"PUBLIC_URL": "https://x.example", "TLS_CERT_FILE": "/c.pem"})
    assert "operator" in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://Example.org:8443/x",
        "https://localhost:8443",
        "https://example.org:443/",
        "http://[::1]:9000",
    ],
)
def test_the_nginx_container_derives_host_and_origin_as_render_does(url: str) -> None:
    from infra.nginx.render import public_host

    script = (
        ". infra/nginx/public-url.envsh"
        ' && printf "%s %s" "$NGINX_SERVER_NAME" "$NGINX_PUBLIC_ORIGIN"'
    )
    env = {"PATH": os.environ["PATH"], "NGINX_PUBLIC_URL": url}
    out = subprocess.run(
        ["sh", "-ec", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == " ".join(public_host(url))

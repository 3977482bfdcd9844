"""Signing keys: generation, rotation, retirement, loading rules and the dev secret."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import jwt
import pytest

from services.auth.keys import KeyRing, ensure_key, ensure_secret, key_files, rotate_key
from services.common.settings import ConfigError

from .conftest import AuthActions, bearer, build


def _ensure(directory: str) -> None:
    ensure_key(Path(directory))


def test_ensure_key_is_idempotent_and_private(tmp_path: Path) -> None:
    key, created = ensure_key(tmp_path / "keys")
    again, created_again = ensure_key(tmp_path / "keys")
    assert created and key is not None and not created_again and again is None
    (pem,) = key_files(tmp_path / "keys")
    assert pem.stat().st_mode & 0o077 == 0


def test_concurrent_ensure_creates_exactly_one_key(tmp_path: Path) -> None:
    directory = str(tmp_path / "keys")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_ensure, args=(directory,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert len(key_files(Path(directory))) == 1


def test_rotating_twice_within_a_second_keeps_creation_order(tmp_path: Path) -> None:
    first, _ = ensure_key(tmp_path)
    later = [rotate_key(tmp_path).kid for _ in range(3)]
    assert [p.stem for p in key_files(tmp_path)] == [first.kid, *later]


def test_ensure_secret_is_stable(tmp_path: Path) -> None:
    assert ensure_secret(tmp_path / "secret") == ensure_secret(tmp_path / "secret")
    assert len(ensure_secret(tmp_path / "secret")) == 64


def test_rotated_key_is_published_at_once_and_signs_after_the_delay(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    old, _ = ensure_key(directory)
    ring = KeyRing(directory=directory, activation_delay_s=3600, reload_interval_s=0)
    new = rotate_key(directory)
    assert {k["kid"] for k in ring.jwks()["keys"]} == {old.kid, new.kid}
    assert ring.active().kid == old.kid
    assert KeyRing(directory=directory, activation_delay_s=0).active().kid == new.kid


def test_rotation_through_the_cli_keeps_old_tokens_valid_until_retired(
    auth_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**auth_config, "AUTH_SIGNING_KEYS_DIR": str(tmp_path / "keys")}
    for app in build(config):
        app.extensions["key_ring"].reload_interval_s = 0
        client, cli = app.test_client(), app.test_cli_runner()
        old = AuthActions(client).signed_in()["access_token"]
        old_kid = jwt.get_unverified_header(old)["kid"]
        assert "created key" in cli.invoke(args=["keys", "rotate"]).output
        new = AuthActions(client).login()["access_token"]
        assert jwt.get_unverified_header(new)["kid"] != old_kid
        assert client.get("/api/auth/me", headers=bearer(old)).status_code == 200
        listing = cli.invoke(args=["keys", "list"]).output
        assert old_kid in listing and "(signing)" in listing
        assert cli.invoke(args=["keys", "retire", old_kid]).exit_code == 0
        assert client.get("/api/auth/me", headers=bearer(old)).status_code == 401
        assert client.get("/api/auth/me", headers=bearer(new)).status_code == 200
        kids = {k["kid"] for k in client.get("/api/auth/.well-known/jwks.json").get_json()["keys"]}
        assert old_kid not in kids


def test_retiring_the_newest_key_is_refused(auth_config: dict[str, Any], tmp_path: Path) -> None:
    for app in build({**auth_config, "AUTH_SIGNING_KEYS_DIR": str(tmp_path / "keys")}):
        (newest,) = key_files(tmp_path / "keys")
        result = app.test_cli_runner().invoke(args=["keys", "retire", newest.stem])
        assert result.exit_code != 0 and "newest" in result.output
        assert "already exists" in app.test_cli_runner().invoke(args=["keys", "ensure"]).output


def test_single_key_file_is_supported(auth_config: dict[str, Any], keys_dir: Path) -> None:
    ensure_key(keys_dir)
    pem = key_files(keys_dir)[0]
    config = {**auth_config, "AUTH_SIGNING_KEYS_DIR": None, "AUTH_PRIVATE_KEY_FILE": str(pem)}
    for app in build(config):
        client = app.test_client()
        token = AuthActions(client).signed_in()["access_token"]
        assert jwt.get_unverified_header(token)["kid"].startswith("k-")
        assert client.get("/api/auth/me", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"AUTH_SIGNING_KEYS_DIR": None, "AUTH_PRIVATE_KEY_FILE": None}, "AUTH_SIGNING_KEYS_DIR"),
        ({"AUTH_SECRET_KEY": None}, "AUTH_SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(
    auth_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch, overrides: dict, message: str
) -> None:
    from services.auth import create_app

    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match=message):
        create_app({**auth_config, **overrides})


def test_production_does_not_generate_keys(
    auth_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from services.auth import create_app

    monkeypatch.setenv("APP_ENV", "production")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuntimeError, match="no signing key"):
        create_app({**auth_config, "AUTH_SIGNING_KEYS_DIR": str(tmp_path / "empty")})
    assert not key_files(tmp_path / "empty")


def test_development_generates_secret_and_key_once_under_var_dir(
    auth_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {
        **auth_config,
        "AUTH_SECRET_KEY": None,
        "AUTH_SIGNING_KEYS_DIR": None,
        "VAR_DIR": str(tmp_path / "var"),
    }
    secrets = []
    for _ in range(2):
        for app in build(config):
            secrets.append(app.config["SECRET_KEY"])
    assert secrets[0] == secrets[1]
    assert len(key_files(tmp_path / "var" / "keys")) == 1


def test_keys_module_bootstraps_a_directory_without_the_app(tmp_path: Path) -> None:
    from services.auth.keys import main

    assert main(["ensure", str(tmp_path)]) == 0
    assert main(["ensure", str(tmp_path)]) == 0
    assert main(["rotate", str(tmp_path)]) == 0
    first = key_files(tmp_path)[0].stem
    assert main(["retire", str(tmp_path), first]) == 0
    assert len(key_files(tmp_path)) == 1
    assert main(["bogus"]) == 2


def test_keys_module_runs_as_a_program(tmp_path: Path) -> None:
    # The image's migrate role and the kubernetes job call it this way, without the app.
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "services.auth.keys", "ensure", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0 and "created key" in run.stdout
    assert len(key_files(tmp_path)) == 1


def test_keys_module_refuses_to_retire_the_newest_key(tmp_path: Path) -> None:
    from services.auth.keys import main

    assert main(["ensure", str(tmp_path)]) == 0
    assert main(["retire", str(tmp_path), key_files(tmp_path)[0].stem]) == 1
    assert len(key_files(tmp_path)) == 1

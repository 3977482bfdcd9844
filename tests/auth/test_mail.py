"""Mail transports: `.eml` files in development, SMTP otherwise; a dead server loses nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from infra.devstack.net import free_port
from infra.mail_sink import MailSink
from services.auth import create_app
from services.auth.mail import SmtpTarget, parse_smtp_url
from services.common.settings import ConfigError

from .conftest import AuthActions, bearer, build
from .mailbox import link_token, read_mails
from .tls import self_signed, server_context


class SmtpServer:
    """A real SMTP server on loopback (aiosmtpd), optionally demanding credentials."""

    def __init__(
        self, directory: Path, credentials: tuple[str, str] | None = None, **options: Any
    ) -> None:
        self.directory = directory
        self.logins: list[tuple[str, str]] = []
        if credentials:
            options = {"authenticator": self._check, "auth_require_tls": False, **options}
        self.credentials = credentials
        self.controller = Controller(
            MailSink(directory), hostname="127.0.0.1", port=free_port(), **options
        )

    def _check(self, _server: Any, _session: Any, _envelope: Any, _mech: str, data: Any) -> Any:
        assert isinstance(data, LoginPassword)
        login = (data.login.decode(), data.password.decode())
        self.logins.append(login)
        return AuthResult(success=login == self.credentials)

    @property
    def port(self) -> int:
        return int(self.controller.port)


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path / "received")
    server.controller.start()
    yield server
    server.controller.stop()


def test_without_smtp_url_mail_lands_in_var_mail(auth_config: dict[str, Any]) -> None:
    config = {**auth_config, "SMTP_URL": None, "MAIL_DIR": None}
    for app in build(config):
        AuthActions(app.test_client()).register()
        files = list((Path(auth_config["VAR_DIR"]) / "mail").glob("*.eml"))
        assert len(files) == 1
        assert b"Subject: Confirm your email address" in files[0].read_bytes()


def test_mail_dir_moves_the_development_mailbox(
    auth_config: dict[str, Any], tmp_path: Path
) -> None:
    for app in build({**auth_config, "MAIL_DIR": str(tmp_path / "elsewhere")}):
        AuthActions(app.test_client()).register()
        assert len(read_mails(tmp_path / "elsewhere")) == 1
        assert not (Path(auth_config["VAR_DIR"]) / "mail").exists()


def test_smtp_url_sends_through_the_server(
    auth_config: dict[str, Any], smtp_server: SmtpServer
) -> None:
    config = {**auth_config, "SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}"}
    for app in build({**config, "MAIL_FROM": "Interviews <hello@interviews.example>"}):
        client = app.test_client()
        AuthActions(client).register()
        client.post("/api/auth/password/forgot", json={"email": "ada@example.com"})
        app.extensions["mailer"].wait(timeout_s=30)
        received = read_mails(smtp_server.directory)
        assert [m["To"] for m in received] == ["ada@example.com", "ada@example.com"]
        assert received[0]["From"] == "Interviews <hello@interviews.example>"
        link_token(received[0], "verify")
        link_token(received[1], "reset")
        assert not (Path(auth_config["VAR_DIR"]) / "mail").exists()


def test_smtp_credentials_from_the_url_are_used(
    auth_config: dict[str, Any], tmp_path: Path
) -> None:
    server = SmtpServer(tmp_path / "received", credentials=("mailer", "p@ss:word"))
    server.controller.start()
    try:
        url = f"smtp://mailer:p%40ss%3Aword@127.0.0.1:{server.port}"
        for app in build({**auth_config, "SMTP_URL": url}):
            AuthActions(app.test_client()).register()
        assert server.logins == [("mailer", "p@ss:word")]
        assert len(read_mails(server.directory)) == 1
    finally:
        server.controller.stop()


def test_a_dead_mail_server_does_not_lose_the_registration(
    auth_config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    dead = f"smtp://127.0.0.1:{free_port()}"
    for app in build({**auth_config, "SMTP_URL": dead}):
        client = app.test_client()
        auth = AuthActions(client)
        with caplog.at_level(logging.ERROR, logger="services.auth"):
            account = auth.register()
        assert account["email_verified"] is False
        assert "verification mail to user" in caplog.text
        pair = auth.login()
        resend = client.post("/api/auth/verify/resend", headers=bearer(pair["access_token"]))
        assert resend.status_code == 503
        assert resend.mimetype == "application/problem+json"
        forgot = client.post("/api/auth/password/forgot", json={"email": "ada@example.com"})
        assert forgot.status_code == 202
        app.extensions["mailer"].wait(timeout_s=30)
        assert "reset mail to user" in caplog.text


def test_resend_works_once_the_server_is_back(
    auth_config: dict[str, Any], smtp_server: SmtpServer
) -> None:
    config = {**auth_config, "SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}"}
    for app in build(config):
        client = app.test_client()
        app.extensions["mailer"].target = parse_smtp_url(f"smtp://127.0.0.1:{free_port()}")
        pair = AuthActions(client).signed_in()
        assert read_mails(smtp_server.directory) == []
        app.extensions["mailer"].target = parse_smtp_url(config["SMTP_URL"])
        resend = client.post("/api/auth/verify/resend", headers=bearer(pair["access_token"]))
        assert resend.status_code == 202
        token = link_token(read_mails(smtp_server.directory)[0], "verify")
        assert client.post("/api/auth/verify", json={"token": token}).status_code == 200


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("smtp://mail.example:2525", SmtpTarget("smtp", "mail.example", 2525)),
        ("smtp://mail.example", SmtpTarget("smtp", "mail.example", 25)),
        ("smtp+starttls://u:p@mail.example", SmtpTarget("smtp+starttls", "mail.example", 587,
                                                         "u", "p")),
        ("smtps://u%40x:p%2F@mail.example", SmtpTarget("smtps", "mail.example", 465, "u@x", "p/")),
    ],
)  # fmt: skip
def test_smtp_url_forms(url: str, target: SmtpTarget) -> None:
    assert parse_smtp_url(url) == target


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25", "smtp://h:x"])
def test_a_malformed_smtp_url_is_a_start_up_error(url: str) -> None:
    with pytest.raises(ConfigError, match="SMTP_URL"):
        parse_smtp_url(url)


def test_production_refuses_to_start_without_smtp_url(
    auth_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SMTP_URL"):
        create_app({**auth_config, "SMTP_URL": None})


@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_tls_forms_encrypt_and_verify_the_server_certificate(
    auth_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scheme: str
) -> None:
    cert, key = self_signed(tmp_path)
    context = server_context(cert, key)
    options: dict[str, Any] = (
        {"tls_context": context, "require_starttls": True}
        if scheme == "smtp+starttls"
        else {"ssl_context": context}
    )
    server = SmtpServer(tmp_path / "received", credentials=("mailer", "secret"), **options)
    server.controller.start()
    try:
        url = f"{scheme}://mailer:secret@127.0.0.1:{server.port}"
        # Without trusting the test certificate the delivery fails (and the account survives).
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-ca.pem"))
        for app in build({**auth_config, "SMTP_URL": url}):
            AuthActions(app.test_client()).register("untrusted@example.com")
        assert read_mails(server.directory) == []
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        for app in build({**auth_config, "SMTP_URL": url}):
            AuthActions(app.test_client()).register("ada@example.com")
        assert [m["To"] for m in read_mails(server.directory)] == ["ada@example.com"]
        assert server.logins == [("mailer", "secret")]
    finally:
        server.controller.stop()

"""`python -m tests.auth.oidc_server PORT`: the test OpenID provider in a process of its own.

A separate process keeps the provider's own deprecation warnings out of pytest's warnings-as-
errors, and matches how the e2e harness runs it. A small `/_test/` API exposes what the token
endpoint received, lets a test swap the client id, makes the ID token of chosen subjects carry
no profile or email claims (they then come only from UserInfo, as OIDC Core 5.4 allows), and can
make UserInfo name another subject (see `Recorder`).
"""

from __future__ import annotations

import base64
import io
import json
import sys
import warnings
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from werkzeug.serving import run_simple


class Recorder:
    """WSGI middleware in front of the provider: records token requests, can swap the client.

    Swapping the client id on the token request (with the authorize request's client id swapped
    the same way) makes the provider issue a genuine ID token for another audience.
    """

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.token_requests: list[dict[str, list[str]]] = []
        self.client_override: str | None = None
        self.userinfo_only: set[str] = set()
        self.userinfo_sub: str | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == "/_test/token-requests":
            body = json.dumps(self.token_requests).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        if path == "/_test/client-override":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            self.client_override = environ["wsgi.input"].read(length).decode() or None
            start_response("204 No Content", [])
            return [b""]
        if path in ("/_test/userinfo-only", "/_test/userinfo-sub"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            value = environ["wsgi.input"].read(length).decode()
            if path == "/_test/userinfo-only":
                self.userinfo_only.add(value)
            else:
                self.userinfo_sub = value or None
            start_response("204 No Content", [])
            return [b""]
        if path == "/userinfo" and self.userinfo_sub:
            return self._rewrite_userinfo(environ, start_response)
        if path == "/oauth2/token":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            self.token_requests.append(parse_qs(body.decode()))
            environ["wsgi.input"] = io.BytesIO(body)
            if self.client_override:
                credentials = f"{self.client_override}:secret".encode()
                environ["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(credentials).decode()
        return self.app(environ, start_response)

    def _rewrite_userinfo(self, environ: dict[str, Any], start: Callable[..., Any]) -> Any:
        captured: list[Any] = []
        body = b"".join(self.app(environ, lambda status, headers: captured.append(status)))
        claims = json.loads(body)
        claims["sub"] = self.userinfo_sub
        start(captured[0], [("Content-Type", "application/json")])
        return [json.dumps(claims).encode()]

    def id_token_claims(self, original: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap the provider's ID-token claims: only `sub` for the userinfo-only subjects."""

        def claims(grant: Any, user: Any, scope: str) -> Any:
            if user.sub in self.userinfo_only:
                return {"sub": user.sub}
            return original(grant, user, scope)

        return claims


def main(port: int) -> None:
    """Serve the provider (nonce required) on 127.0.0.1:`port`."""
    warnings.simplefilter("ignore")
    import oidc_provider_mock
    from oidc_provider_mock import _app

    recorder = Recorder(oidc_provider_mock.app(require_nonce=True))
    # The ID token's claims come from this grant hook; the UserInfo endpoint does not use it.
    _app.OpenIDCode.generate_user_info = recorder.id_token_claims(  # type: ignore[method-assign]
        _app.OpenIDCode.generate_user_info
    )
    run_simple("127.0.0.1", port, recorder, threaded=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))

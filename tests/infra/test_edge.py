"""Real nginx on the rendered config, in front of a stub gateway: the public host only, HTTPS
with a redirect from HTTP, HSTS over TLS only."""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from infra.devstack.net import free_port, port_in_use
from infra.devstack.procs import wait_until
from infra.nginx.certificate import ensure
from infra.nginx.render import nginx_binary, render


class StubGateway(http.server.BaseHTTPRequestHandler):
    """Answers every GET with 200 and the Host it was sent, as JSON."""

    def do_GET(self) -> None:
        body = json.dumps({"host": self.headers["Host"], "path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def gateway_port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StubGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def start_nginx(tmp: Path, overrides: dict[str, str], tls: bool, port: int) -> subprocess.Popen:
    """nginx in the foreground on the rendered config, once it accepts connections."""
    binary = nginx_binary()
    if binary is None:
        pytest.fail("nginx is not installed (apt-get install -y nginx)", pytrace=False)
    conf = render(tmp / "nginx", {"NGINX_WORKER_PROCESSES": "1", **overrides}, tls=tls)
    log = tmp / "nginx.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [binary, "-p", f"{conf.parent / 'run'}/", "-c", str(conf), "-g", "daemon off;"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: port_in_use(port) or process.poll() is not None, 20, "nginx")
    except Exception:
        process.kill()
        process.wait()
        raise
    if process.poll() is not None:
        pytest.fail(f"nginx did not start: {log.read_text()}")
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory, gateway_port: int) -> Iterator[str]:
    """nginx as make run and the e2e tests render it: plain HTTP, PUBLIC_URL on localhost."""
    port = free_port()
    overrides = {
        "NGINX_PORT": f"127.0.0.1:{port}",
        "NGINX_PUBLIC_URL": f"http://localhost:{port}",
        "NGINX_UPSTREAM": f"127.0.0.1:{gateway_port}",
    }
    process = start_nginx(tmp_path_factory.mktemp("plain"), overrides, False, port)
    yield f"http://127.0.0.1:{port}"
    stop(process)


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory, gateway_port: int) -> Iterator[dict[str, str]]:
    """nginx as compose renders it: HTTPS plus an HTTP port that redirects."""
    tmp = tmp_path_factory.mktemp("tls")
    http_port, https_port = free_port(), free_port()
    public = f"https://localhost:{https_port}"
    ensure(tmp / "tls", {"PUBLIC_URL": public})
    overrides = {
        "NGINX_PORT": str(http_port),
        "NGINX_TLS_PORT": str(https_port),
        "NGINX_PUBLIC_URL": public,
        "NGINX_UPSTREAM": f"127.0.0.1:{gateway_port}",
        "NGINX_TLS_CERT": str(tmp / "tls" / "cert.pem"),
        "NGINX_TLS_KEY": str(tmp / "tls" / "key.pem"),
    }
    process = start_nginx(tmp, overrides, True, https_port)
    yield {
        "public": public,
        "http": f"http://127.0.0.1:{http_port}",
        "https": f"https://127.0.0.1:{https_port}",
        "ca": str(tmp / "tls" / "cert.pem"),
    }
    stop(process)


def test_the_public_host_is_proxied_to_the_gateway(plain: str) -> None:
    response = requests.get(f"{plain}/healthz", headers={"Host": "localhost"}, timeout=5)
    assert response.status_code == 200
    assert response.json()["host"] == "localhost"
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1", "localhost.evil.example"])
def test_another_host_is_a_421_problem_and_never_reaches_the_gateway(plain: str, host: str) -> None:
    response = requests.get(f"{plain}/healthz", headers={"Host": host}, timeout=5)
    assert response.status_code == 421
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 421
    assert response.headers["X-Request-ID"] == response.json()["request_id"]


def test_https_serves_the_public_host_with_hsts(tls: dict[str, str]) -> None:
    response = requests.get(f"{tls['public']}/healthz", verify=tls["ca"], timeout=5)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_https_refuses_another_host(tls: dict[str, str]) -> None:
    response = requests.get(
        f"{tls['public']}/healthz", headers={"Host": "evil.example"}, verify=tls["ca"], timeout=5
    )
    assert response.status_code == 421


def test_plain_http_redirects_to_the_public_url_without_hsts(tls: dict[str, str]) -> None:
    response = requests.get(
        f"{tls['http']}/api/quiz/templates?page=2",
        headers={"Host": "localhost"},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 301
    assert response.headers["Location"] == f"{tls['public']}/api/quiz/templates?page=2"
    assert "Strict-Transport-Security" not in response.headers


def test_plain_http_for_another_host_is_refused_not_redirected(tls: dict[str, str]) -> None:
    response = requests.get(
        f"{tls['http']}/", headers={"Host": "evil.example"}, allow_redirects=False, timeout=5
    )
    assert response.status_code == 421

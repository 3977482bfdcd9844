"""The nginx templates render to a configuration nginx accepts, with the edge rules in place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra.nginx.render import (
    DEFAULTS,
    PLACEHOLDER,
    TEMPLATE_DIR,
    TEMPLATES,
    TLS_TEMPLATES,
    UPSTREAM_TEMPLATES,
    RenderError,
    check_config,
    nginx_binary,
    public_host,
    render,
    render_text,
)
from tests.infra.gunicorn_settings import load_gunicorn_settings

OVERRIDES = {
    "NGINX_PORT": "18080",
    "NGINX_UPSTREAM": "127.0.0.1:18000",
    "NGINX_PUBLIC_URL": "http://127.0.0.1:18080",
}


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    return render(tmp_path / "nginx", OVERRIDES)


def conf_text(rendered: Path) -> str:
    """The main config with its included snippets appended."""
    return "\n".join(p.read_text() for p in sorted(rendered.parent.glob("*.conf")))


def test_rendered_config_passes_nginx_t(rendered: Path) -> None:
    if nginx_binary() is None:
        pytest.fail("nginx is not installed (apt-get install -y nginx)", pytrace=False)
    result = check_config(rendered)
    assert result.returncode == 0, result.stderr


def test_render_leaves_no_placeholder_and_keeps_nginx_variables(rendered: Path) -> None:
    text = conf_text(rendered)
    assert "${" not in text
    for variable in ("$request_id", "$http_x_request_id", "$proxy_add_x_forwarded_for", "$csp"):
        assert variable in text
    assert "listen 18080 default_server;" in text
    assert "server 127.0.0.1:18000;" in text


def test_every_template_placeholder_has_a_default_or_is_derived() -> None:
    templates = [*TEMPLATES, *TLS_TEMPLATES.values(), *UPSTREAM_TEMPLATES.values()]
    names = {m for t in templates for m in PLACEHOLDER.findall((TEMPLATE_DIR / t).read_text())}
    # Directories, what derives from NGINX_PUBLIC_URL, the certificate (TLS only) and the
    # resolver (compose only).
    assert names - set(DEFAULTS) == {
        "NGINX_RESOLVER",
        "NGINX_CONF_DIR",
        "NGINX_RUNTIME_DIR",
        "NGINX_SERVER_NAME",
        "NGINX_PUBLIC_ORIGIN",
        "NGINX_TLS_CERT",
        "NGINX_TLS_KEY",
    }


def test_unknown_placeholder_is_an_error() -> None:
    with pytest.raises(RenderError):
        render_text("listen ${NGINX_NOPE};", {})


def test_runtime_files_stay_under_the_runtime_dir(rendered: Path) -> None:
    text = rendered.read_text()
    runtime = str(rendered.parent / "run")
    for directive in ("pid", "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path",
                      "uwsgi_temp_path", "scgi_temp_path"):  # fmt: skip
        assert re.search(rf"^\s*{directive} {re.escape(runtime)}/", text, re.M), directive


def test_a_fixed_gateway_address_gets_keep_alive_connections(rendered: Path) -> None:
    # Without a resolver (make run, tests, Kubernetes) the gateway is an upstream group: nginx
    # reuses idle connections to it instead of opening one per request.
    text = conf_text(rendered)
    assert not re.search(r"^\s*resolver ", text, re.M)
    upstream = re.search(r"^\s*upstream (\S+) \{([^}]*)\}", text, re.M)
    assert upstream is not None
    assert "server 127.0.0.1:18000;" in upstream.group(2)
    assert re.search(r"^\s*keepalive \d+;", upstream.group(2), re.M)
    assert re.search(rf"default {upstream.group(1)};", text)
    proxied = re.findall(r"^\s*proxy_pass (\S+);", text, re.M)
    assert proxied and set(proxied) == {"http://$gateway"}
    assert "proxy_http_version 1.1;" in text
    assert 'proxy_set_header Connection "";' in text


def test_with_a_resolver_the_gateway_is_resolved_at_request_time(tmp_path: Path) -> None:
    # Compose: a variable in proxy_pass and no upstream group makes nginx resolve the name per
    # request (cached 10 s), so a recreated gateway's new address is followed.
    conf = render(tmp_path / "nginx", {**OVERRIDES, "NGINX_RESOLVER": "127.0.0.1"})
    text = conf_text(conf)
    assert re.search(r"^\s*resolver 127\.0\.0\.1 valid=10s", text, re.M)
    assert not re.search(r"^\s*upstream ", text, re.M)
    assert "default 127.0.0.1:18000;" in text
    proxied = re.findall(r"^\s*proxy_pass (\S+);", text, re.M)
    assert proxied and set(proxied) == {"http://$gateway"}
    if nginx_binary() is None:
        pytest.fail("nginx is not installed (apt-get install -y nginx)", pytrace=False)
    result = check_config(conf)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "header",
    [
        "X-Forwarded-For",
        "X-Forwarded-Proto",
        "X-Forwarded-Host",
        "X-Forwarded-Port",
        "X-Request-ID",
    ],
)
def test_proxy_snippet_sets_forwarding_headers(rendered: Path, header: str) -> None:
    snippet = (rendered.parent / "proxy_headers.conf").read_text()
    assert f"proxy_set_header {header} " in snippet


def test_every_proxied_location_includes_the_proxy_snippet(rendered: Path) -> None:
    text = rendered.read_text()
    blocks = re.findall(r"location [^{]+\{([^}]*)\}", text)
    proxied = [b for b in blocks if "proxy_pass" in b]
    assert len(proxied) >= 2
    assert all("proxy_headers.conf" in b for b in proxied)


def test_locations_adding_headers_repeat_the_security_snippet(rendered: Path) -> None:
    for block in re.findall(r"location [^{]+\{([^}]*)\}", rendered.read_text()):
        if "add_header" in block:
            assert "security_headers.conf" in block


@pytest.mark.parametrize(
    "expected",
    [
        "add_header Content-Security-Policy $csp always;",
        "add_header X-Content-Type-Options nosniff always;",
        "add_header Referrer-Policy strict-origin-when-cross-origin always;",
        "add_header X-Request-ID $req_id always;",
    ],
)
def test_security_snippet_headers_are_always_sent(rendered: Path, expected: str) -> None:
    assert expected in (rendered.parent / "security_headers.conf").read_text()


def test_csp_forbids_framing_and_relaxes_only_for_api_docs(rendered: Path) -> None:
    text = rendered.read_text()
    csp_map = re.search(r"map \$uri \$csp \{(.*?)\n    \}", text, re.S)
    assert csp_map is not None
    lines = [line.strip() for line in csp_map.group(1).strip().splitlines()]
    assert all("frame-ancestors 'none'" in line for line in lines)
    assert "unsafe-inline" not in lines[0]
    assert lines[1].startswith('"~^/api/[a-z]+/docs/?$"')


def test_login_is_rate_limited_with_429_problem_json(rendered: Path) -> None:
    text = rendered.read_text()
    assert "limit_req_zone $binary_remote_addr zone=login:" in text
    assert "limit_req_status 429;" in text
    login = re.search(r"location = /api/auth/login \{([^}]*)\}", text)
    assert login is not None and "limit_req zone=login" in login.group(1)
    page = re.search(r"location = /signin \{([^}]*)\}", text)
    assert page is not None and "limit_req zone=login" in page.group(1)
    assert "error_page 429 = @too_many_requests;" in text
    assert re.search(r"return 429 '\{.*application|\"status\":429", text)


def test_nginx_errors_are_problem_json_with_request_id(rendered: Path) -> None:
    text = rendered.read_text()
    for status in (400, 404, 413, 414, 421, 429, 502, 503, 504):
        body = re.search(rf"return {status} '(\{{.*\}})';", text)
        assert body is not None, status
        assert f'"status":{status}' in body.group(1)
        assert '"request_id":"$req_id"' in body.group(1)
    assert text.count("default_type application/problem+json;") >= 9
    assert "error_page 414 /__errors/414;" in text


def test_gunicorn_reads_request_lines_as_long_as_nginx_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conf = load_gunicorn_settings(monkeypatch)
    assert conf["limit_request_line"] == 8190


@pytest.mark.parametrize(
    ("env", "recycled_after"),
    [
        ({"GUNICORN_WORKERS": "2"}, 50000),
        ({"GUNICORN_WORKERS": "1"}, 0),
        ({"GUNICORN_WORKERS": "1", "GUNICORN_MAX_REQUESTS": "1000"}, 1000),
    ],
)
def test_a_lone_worker_is_recycled_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], recycled_after: int
) -> None:
    # Nothing else would answer while it restarts; with two, the other one does.
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    conf = load_gunicorn_settings(monkeypatch)
    assert conf["max_requests"] == recycled_after


def test_read_timeout_exceeds_app_timeout_by_five_seconds() -> None:
    gunicorn_timeout = 30
    assert int(DEFAULTS["NGINX_PROXY_READ_TIMEOUT"].rstrip("s")) >= gunicorn_timeout + 5


def test_request_id_is_assigned_at_the_edge_when_absent_or_malformed(rendered: Path) -> None:
    text = rendered.read_text()
    request_id_map = re.search(r"map \$http_x_request_id \$req_id \{(.*?)\}", text, re.S)
    assert request_id_map is not None
    assert "default $request_id;" in request_id_map.group(1)


def test_gzip_and_body_size_are_configured(rendered: Path) -> None:
    text = rendered.read_text()
    assert "gzip on;" in text
    assert "application/problem+json" in text.split("gzip_types", 1)[1].split(";", 1)[0]
    assert f"client_max_body_size {DEFAULTS['NGINX_CLIENT_MAX_BODY_SIZE']};" in text


def test_only_the_public_host_is_served(rendered: Path) -> None:
    text = rendered.read_text()
    host_map = re.search(r"map \$host \$misdirected \{(.*?)\}", text, re.S)
    assert host_map is not None
    assert "default 1;" in host_map.group(1) and '"127.0.0.1" 0;' in host_map.group(1)
    server = text[text.index("    server {") :]
    # The refusal comes before any location or redirect, and is a problem+json 421.
    assert server.index("if ($misdirected)") < server.index("/tls.conf;")
    assert server.index("/tls.conf;") < server.index("location ")
    assert "return 421;" in server and "error_page 421 = @misdirected;" in server


@pytest.mark.parametrize(
    ("url", "name", "origin"),
    [
        ("http://localhost:8080", "localhost", "http://localhost:8080"),
        ("https://Example.org:443/app/", "example.org", "https://example.org"),
        ("https://example.org:8443", "example.org", "https://example.org:8443"),
        ("http://[::1]:9000", "[::1]", "http://[::1]:9000"),
    ],
)
def test_public_host_and_origin_derive_from_the_public_url(
    url: str, name: str, origin: str
) -> None:
    assert public_host(url) == (name, origin)


@pytest.mark.parametrize("url", ["localhost:8080", "ftp://example.org", "https://u:p@example.org"])
def test_a_public_url_that_is_not_an_origin_is_refused(url: str) -> None:
    with pytest.raises(RenderError):
        public_host(url)


def test_slow_clients_are_cut_off_and_connections_per_address_limited(rendered: Path) -> None:
    text = rendered.read_text()
    for directive in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        found = re.search(rf"^\s*{directive} (\d+)s;", text, re.M)
        assert found is not None and int(found.group(1)) <= 10, directive
    assert "limit_conn_zone $binary_remote_addr zone=per_address:" in text
    assert re.search(r"^\s*limit_conn per_address \d+;", text, re.M)
    assert "limit_conn_status 429;" in text


def test_hsts_is_sent_only_over_tls(rendered: Path) -> None:
    snippet = (rendered.parent / "security_headers.conf").read_text()
    assert "add_header Strict-Transport-Security $hsts always;" in snippet
    hsts_map = re.search(r"map \$https \$hsts \{(.*?)\}", rendered.read_text(), re.S)
    assert hsts_map is not None
    assert 'default "";' in hsts_map.group(1) and re.search(r"on \"max-age=\d+", hsts_map.group(1))


def test_plain_render_includes_no_tls(rendered: Path) -> None:
    tls = (rendered.parent / "tls.conf").read_text()
    assert not [line for line in tls.splitlines() if line and not line.startswith("#")]


def test_tls_render_passes_nginx_t_and_redirects_plain_http(tmp_path: Path) -> None:
    from infra.nginx.certificate import ensure

    ensure(tmp_path / "tls", {"PUBLIC_URL": "https://localhost:18443"})
    overrides = {
        **OVERRIDES,
        "NGINX_PUBLIC_URL": "https://localhost:18443",
        "NGINX_TLS_PORT": "18443",
        "NGINX_TLS_CERT": str(tmp_path / "tls" / "cert.pem"),
        "NGINX_TLS_KEY": str(tmp_path / "tls" / "key.pem"),
    }
    conf = render(tmp_path / "nginx", overrides, tls=True)
    tls = (conf.parent / "tls.conf").read_text()
    assert "listen 18443 ssl default_server;" in tls
    assert "return 301 https://localhost:18443$request_uri;" in tls
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in tls
    if nginx_binary() is None:
        pytest.fail("nginx is not installed (apt-get install -y nginx)", pytrace=False)
    result = check_config(conf)
    assert result.returncode == 0, result.stderr

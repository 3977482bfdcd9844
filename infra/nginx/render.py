"""Render the nginx templates into a directory: `python -m infra.nginx.render --out DIR`.

Only `${NGINX_*}` placeholders are replaced (the same names the nginx image's envsubst step
fills in docker-compose.yml, filtered with NGINX_ENVSUBST_FILTER), so nginx's own `$variables`
pass through. An unknown placeholder is an error rather than an empty string.

`tls.conf` comes from `tls_off.conf.template` (plain HTTP: make run, tests) or, with `tls=True`,
from `tls_on.conf.template` (what compose mounts). The host nginx answers and the origin it
redirects to are derived from NGINX_PUBLIC_URL here, and by `public-url.envsh` in compose.

`upstream.conf` comes from `upstream_static.conf.template` (an upstream group with keep-alive
connections to NGINX_UPSTREAM, looked up once) unless NGINX_RESOLVER is given, in which case
`upstream_resolver.conf.template` (what compose mounts) resolves the gateway per request.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

TEMPLATE_DIR = Path(__file__).resolve().parent
TEMPLATES = ("nginx.conf.template", "proxy_headers.conf.template", "security_headers.conf.template")
# Rendered as tls.conf: HTTPS settings and the HTTP redirect, or nothing.
TLS_TEMPLATES = {True: "tls_on.conf.template", False: "tls_off.conf.template"}
TLS_CONF = "tls.conf"
# Rendered as upstream.conf: keyed by "is a resolver configured".
UPSTREAM_TEMPLATES = {
    False: "upstream_static.conf.template",
    True: "upstream_resolver.conf.template",
}
UPSTREAM_CONF = "upstream.conf"
PLACEHOLDER = re.compile(r"\$\{(NGINX_[A-Z0-9_]+)\}")
DEFAULTS: dict[str, str] = {
    "NGINX_PORT": "8080",
    "NGINX_TLS_PORT": "8443",
    "NGINX_PUBLIC_URL": "http://localhost:8080",
    "NGINX_UPSTREAM": "127.0.0.1:8000",
    "NGINX_WORKER_PROCESSES": "auto",
    "NGINX_CLIENT_MAX_BODY_SIZE": "2m",
    "NGINX_PROXY_CONNECT_TIMEOUT": "5s",
    # gunicorn's timeout (30 s) + 5 s.
    "NGINX_PROXY_READ_TIMEOUT": "35s",
    "NGINX_LOGIN_RATE": "10r/s",
    "NGINX_LOGIN_BURST": "20",
    # Slow-loris guard: header, body and response writes must progress within this.
    "NGINX_CLIENT_TIMEOUT": "10s",
    "NGINX_CONN_PER_ADDRESS": "50",
    "NGINX_ACCESS_LOG": "/dev/stdout",
}
# Rendered by root (make run or the tests as root), nginx would run its workers as `nobody`, who
# cannot enter the private directories the runtime files live in (the study cache writes there).
# Such a local nginx keeps its workers as the renderer; compose and Kubernetes run nginx
# unprivileged from the templates themselves, without this line.
ROOT_WORKERS = "user root;\n"
RUNTIME_SUBDIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "logs")


class RenderError(ValueError):
    """A template names a placeholder that has no value."""


def render_text(template: str, values: Mapping[str, str]) -> str:
    """Replace every `${NGINX_*}` in `template` with its value."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise RenderError(f"no value for ${{{name}}}")
        return str(values[name])

    return PLACEHOLDER.sub(substitute, template)


def public_host(url: str) -> tuple[str, str]:
    """(server name, origin) of a public URL: `https://Example.org:8443/x` gives
    (`example.org`, `https://example.org:8443`). The server name is what nginx's `$host` holds."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        raise RenderError(f"NGINX_PUBLIC_URL must be http(s)://host[:port], got {url!r}")
    host = parts.hostname  # lower-cased, IPv6 without brackets
    name = f"[{host}]" if ":" in host else host
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port not in (None, default_port) else ""
    return name, f"{parts.scheme}://{name}{port}"


def settings(out_dir: Path, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Defaults, then `overrides`, then what derives from them; config and runtime files both
    live under `out_dir`."""
    values = dict(DEFAULTS)
    values["NGINX_CONF_DIR"] = str(out_dir)
    values["NGINX_RUNTIME_DIR"] = str(out_dir / "run")
    values.update({k: str(v) for k, v in (overrides or {}).items()})
    name, origin = public_host(values["NGINX_PUBLIC_URL"])
    values.setdefault("NGINX_SERVER_NAME", name)
    values.setdefault("NGINX_PUBLIC_ORIGIN", origin)
    return values


def render(out_dir: Path, overrides: Mapping[str, str] | None = None, tls: bool = False) -> Path:
    """Render every template into `out_dir`, create the runtime dirs; return nginx.conf's path.

    With `tls`, nginx serves HTTPS on NGINX_TLS_PORT (NGINX_TLS_CERT, NGINX_TLS_KEY) and
    redirects plain HTTP on NGINX_PORT to the public origin. With NGINX_RESOLVER set, the
    gateway's name is resolved per request instead of once (no keep-alive to it then).
    """
    out_dir = Path(out_dir).resolve()
    values = settings(out_dir, overrides)
    out_dir.mkdir(parents=True, exist_ok=True)
    runtime = Path(values["NGINX_RUNTIME_DIR"])
    for sub in RUNTIME_SUBDIRS:
        (runtime / sub).mkdir(parents=True, exist_ok=True)
    outputs = {name: name.removesuffix(".template") for name in TEMPLATES}
    outputs[TLS_TEMPLATES[tls]] = TLS_CONF
    outputs[UPSTREAM_TEMPLATES[bool(values.get("NGINX_RESOLVER"))]] = UPSTREAM_CONF
    for name, output in outputs.items():
        text = render_text((TEMPLATE_DIR / name).read_text(), values)
        if output == "nginx.conf" and os.geteuid() == 0:
            text = ROOT_WORKERS + text
        (out_dir / output).write_text(text)
    return out_dir / "nginx.conf"


def nginx_binary() -> str | None:
    """The nginx executable on PATH (or Debian's /usr/sbin), if installed."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def check_config(conf: Path) -> subprocess.CompletedProcess[str]:
    """Run `nginx -t` on a rendered config (needs nginx installed)."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx)")
    prefix = Path(conf).parent / "run"
    return subprocess.run(
        [binary, "-t", "-q", "-p", f"{prefix}/", "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: render the config, optionally check it with `nginx -t`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="directory to render into")
    parser.add_argument("--port", help="listen port (NGINX_PORT)")
    parser.add_argument("--upstream", help="gateway host:port (NGINX_UPSTREAM)")
    parser.add_argument("--public-url", help="the only origin served (NGINX_PUBLIC_URL)")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (and --tls-key)")
    parser.add_argument("--tls-key", help="the certificate's private key")
    parser.add_argument("--check", action="store_true", help="run nginx -t on the result")
    args = parser.parse_args(argv)
    overrides = {}
    if args.port:
        overrides["NGINX_PORT"] = args.port
    if args.upstream:
        overrides["NGINX_UPSTREAM"] = args.upstream
    if args.public_url:
        overrides["NGINX_PUBLIC_URL"] = args.public_url
    tls = bool(args.tls_cert)
    if tls:
        if not args.tls_key:
            parser.error("--tls-cert needs --tls-key")
        overrides.update(NGINX_TLS_CERT=args.tls_cert, NGINX_TLS_KEY=args.tls_key)
    conf = render(args.out, overrides, tls=tls)
    print(conf)
    if args.check:
        result = check_config(conf)
        sys.stderr.write(result.stderr)
        return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())

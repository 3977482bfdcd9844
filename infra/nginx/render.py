"""Render the nginx templates into a directory: `python -m infra.nginx.render --out DIR`.

Only `${NGINX_*}` placeholders are replaced (the same names the nginx image's envsubst step
fills in docker-compose.yml, filtered with NGINX_ENVSUBST_FILTER), so nginx's own `$variables`
pass through. An unknown placeholder is an error rather than an empty string.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent
TEMPLATES = ("nginx.conf.template", "proxy_headers.conf.template", "security_headers.conf.template")
PLACEHOLDER = re.compile(r"\$\{(NGINX_[A-Z0-9_]+)\}")
DEFAULTS: dict[str, str] = {
    "NGINX_PORT": "8080",
    "NGINX_UPSTREAM": "127.0.0.1:8000",
    "NGINX_WORKER_PROCESSES": "auto",
    "NGINX_CLIENT_MAX_BODY_SIZE": "2m",
    "NGINX_PROXY_CONNECT_TIMEOUT": "5s",
    # gunicorn's timeout (30 s) + 5 s.
    "NGINX_PROXY_READ_TIMEOUT": "35s",
    "NGINX_LOGIN_RATE": "10r/s",
    "NGINX_LOGIN_BURST": "20",
    "NGINX_ACCESS_LOG": "/dev/stdout",
}
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


def settings(out_dir: Path, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Defaults, then `overrides`; config and runtime files both live under `out_dir`."""
    values = dict(DEFAULTS)
    values["NGINX_CONF_DIR"] = str(out_dir)
    values["NGINX_RUNTIME_DIR"] = str(out_dir / "run")
    values.update({k: str(v) for k, v in (overrides or {}).items()})
    return values


def render(out_dir: Path, overrides: Mapping[str, str] | None = None) -> Path:
    """Render every template into `out_dir`, create the runtime dirs; return nginx.conf's path."""
    out_dir = Path(out_dir).resolve()
    values = settings(out_dir, overrides)
    out_dir.mkdir(parents=True, exist_ok=True)
    runtime = Path(values["NGINX_RUNTIME_DIR"])
    for sub in RUNTIME_SUBDIRS:
        (runtime / sub).mkdir(parents=True, exist_ok=True)
    for name in TEMPLATES:
        text = render_text((TEMPLATE_DIR / name).read_text(), values)
        (out_dir / name.removesuffix(".template")).write_text(text)
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
    parser.add_argument("--check", action="store_true", help="run nginx -t on the result")
    args = parser.parse_args(argv)
    overrides = {}
    if args.port:
        overrides["NGINX_PORT"] = args.port
    if args.upstream:
        overrides["NGINX_UPSTREAM"] = args.upstream
    conf = render(args.out, overrides)
    print(conf)
    if args.check:
        result = check_config(conf)
        sys.stderr.write(result.stderr)
        return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())

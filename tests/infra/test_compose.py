"""docker-compose.yml: valid for docker-compose 1.29, healthy by construction, and every file,
command, module and variable it names exists in the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.devstack import entry
from infra.devstack import processes as procdefs
from infra.devstack.dotenv import render_env
from infra.devstack.processes import REPO_ROOT

COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
ONE_SHOT = {"migrate"}
INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::?[-?][^}]*)?\}")
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.M)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def documented_vars() -> set[str]:
    return set(DOCUMENTED.findall((REPO_ROOT / ".env.example").read_text()))


def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is not installed (apt-get install -y docker-compose)")
    # A throwaway project dir: the real file, the repo's infra/, a generated .env.
    (tmp_path / "docker-compose.yml").write_text(COMPOSE_FILE.read_text())
    (tmp_path / "infra").symlink_to(REPO_ROOT / "infra")
    (tmp_path / ".env").write_text(render_env((REPO_ROOT / ".env.example").read_text()))
    env = {k: v for k, v in os.environ.items() if k not in documented_vars()}
    result = subprocess.run(
        [binary, "config", "-q"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_file_avoids_keys_docker_compose_1_29_rejects() -> None:
    text = COMPOSE_FILE.read_text()
    assert not re.search(r"^name:", text, re.M)
    assert "start_interval" not in text


def test_every_long_running_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, service in services(compose).items():
        if name in ONE_SHOT:
            continue
        assert service.get("healthcheck", {}).get("test"), name


# The edge reaches what is behind it per request (nginx through Docker's DNS, the gateway
# through its pooled clients) and reports it in /readyz: it starts beside it, not after it.
REACHED_PER_REQUEST = {("gateway", "auth"), ("gateway", "content"), ("gateway", "quiz"),
                       ("nginx", "gateway")}  # fmt: skip


def test_every_service_waits_on_healthy_or_completed_dependencies(compose: dict[str, Any]) -> None:
    for name, service in services(compose).items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            if dependency in ONE_SHOT:
                expected = "service_completed_successfully"
            elif (name, dependency) in REACHED_PER_REQUEST:
                expected = "service_started"
            else:
                expected = "service_healthy"
            assert rule["condition"] == expected, (name, dependency)
    for name in ("auth", "content", "quiz", "worker", "beat"):
        assert "migrate" in services(compose)[name]["depends_on"], name


def test_only_nginx_publishes_a_port(compose: dict[str, Any]) -> None:
    publishing = {name for name, svc in services(compose).items() if svc.get("ports")}
    assert publishing == {"nginx"}


def test_stores_sit_only_on_the_internal_network(compose: dict[str, Any]) -> None:
    for name in ("postgres", "redis"):
        networks = services(compose)[name]["networks"]
        assert all(compose["networks"][n].get("internal") for n in networks), name


def test_worker_grace_period_exceeds_task_time_limit(compose: dict[str, Any]) -> None:
    from services.quiz.celery_app import TASK_TIME_LIMIT_S

    grace = services(compose)["worker"]["stop_grace_period"]
    assert int(grace.rstrip("s")) > TASK_TIME_LIMIT_S


def test_app_image_is_built_from_an_existing_dockerfile(compose: dict[str, Any]) -> None:
    builds = [svc["build"] for svc in services(compose).values() if "build" in svc]
    assert builds
    for build in builds:
        assert (REPO_ROOT / build["context"] / build["dockerfile"]).is_file()
    dockerfile = (REPO_ROOT / "infra/docker/Dockerfile").read_text()
    for source in re.findall(r"^COPY (?!--from)(\S+) ", dockerfile, re.M):
        assert (REPO_ROOT / source).exists(), source
    entrypoint = re.search(r'^ENTRYPOINT \["([^"]+)"\]', dockerfile, re.M)
    assert entrypoint is not None
    script = REPO_ROOT / entrypoint.group(1).removeprefix("/app/")
    assert script.is_file() and os.access(script, os.X_OK)


def test_mounted_files_exist(compose: dict[str, Any]) -> None:
    for name, service in services(compose).items():
        for volume in service.get("volumes") or []:
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (REPO_ROOT / source).is_file(), (name, source)


@pytest.mark.parametrize(
    "service", ["migrate", "auth", "content", "quiz", "gateway", "worker", "beat"]
)
def test_app_commands_resolve_to_the_shared_process_definitions(
    compose: dict[str, Any], service: str
) -> None:
    command = services(compose)[service]["command"]
    assert command[0] in entry.ROLES
    argv = entry.role_argv(command)
    if command[0] == "web":
        assert argv == procdefs.web_argv(command[1])
        assert (REPO_ROOT / f"services/{command[1]}/wsgi.py").is_file()
        assert (REPO_ROOT / procdefs.GUNICORN_CONF).is_file()
    elif command[0] == "worker":
        assert argv == procdefs.worker_argv()
    elif command[0] == "migrate":
        assert argv is None
    module = procdefs.CELERY_APP.split(":")[0].replace(".", "/")
    assert (REPO_ROOT / f"{module}.py").is_file()


def test_healthcheck_scripts_exist(compose: dict[str, Any]) -> None:
    for name, service in services(compose).items():
        for part in service.get("healthcheck", {}).get("test", []):
            if part.endswith((".py", ".sh")):
                assert (REPO_ROOT / part).is_file(), (name, part)
                assert os.access(REPO_ROOT / part, os.X_OK) or part.endswith(".py"), part


def test_every_variable_in_compose_is_documented(compose: dict[str, Any]) -> None:
    used = set(INTERPOLATION.findall(COMPOSE_FILE.read_text()))
    for service in services(compose).values():
        used |= set((service.get("environment") or {}).keys())
    missing = used - documented_vars()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_nginx_templates_are_mounted_and_given_every_placeholder(compose: dict[str, Any]) -> None:
    from infra.nginx.render import (
        PLACEHOLDER,
        TEMPLATE_DIR,
        TEMPLATES,
        TLS_TEMPLATES,
        UPSTREAM_TEMPLATES,
    )

    nginx = services(compose)["nginx"]
    mounted = " ".join(nginx["volumes"])
    needed = set()
    for template in TEMPLATES:
        assert f"./infra/nginx/{template}:/etc/nginx/templates/{template}" in mounted
        needed |= set(PLACEHOLDER.findall((TEMPLATE_DIR / template).read_text()))
    # Compose serves HTTPS: the TLS variant is rendered as tls.conf.
    tls = TLS_TEMPLATES[True]
    assert f"./infra/nginx/{tls}:/etc/nginx/templates/tls.conf.template" in mounted
    needed |= set(PLACEHOLDER.findall((TEMPLATE_DIR / tls).read_text()))
    # ...and the gateway is resolved per request (a recreated container has a new address).
    upstream = UPSTREAM_TEMPLATES[True]
    assert f"./infra/nginx/{upstream}:/etc/nginx/templates/upstream.conf.template" in mounted
    needed |= set(PLACEHOLDER.findall((TEMPLATE_DIR / upstream).read_text()))
    envsh = (REPO_ROOT / "infra/nginx/public-url.envsh").read_text()
    derived = set(re.findall(r"\b(NGINX_[A-Z_]+)=", envsh))
    assert needed <= set(nginx["environment"]) | derived


def test_healthchecks_are_frequent_enough_for_a_quick_start(compose: dict[str, Any]) -> None:
    # Docker's first check comes one interval after the start; four services wait on each other.
    chain = ("postgres", "redis", "auth", "content", "quiz", "gateway", "nginx")
    for name in chain:
        check = services(compose)[name]["healthcheck"]
        assert int(check["interval"].rstrip("s")) <= 3, name
        assert "python" not in check["test"], f"{name}: an interpreter start every few seconds"


def test_nginx_resolves_the_gateway_through_dockers_dns(compose: dict[str, Any]) -> None:
    environment = services(compose)["nginx"]["environment"]
    assert environment["NGINX_RESOLVER"] == "127.0.0.11"
    assert environment["NGINX_UPSTREAM"] == "gateway:8000"


def test_nginx_healthcheck_goes_through_to_the_gateway_over_https(compose: dict[str, Any]) -> None:
    test = " ".join(services(compose)["nginx"]["healthcheck"]["test"])
    assert "https://127.0.0.1:8443/healthz" in test
    assert "Host: $$NGINX_SERVER_NAME" in test or "Host: $NGINX_SERVER_NAME" in test
    assert "curl -f" in test  # a 502 from nginx is a failure


def test_public_url_is_one_https_default_for_apps_and_nginx(compose: dict[str, Any]) -> None:
    text = COMPOSE_FILE.read_text()
    defaults = set(re.findall(r"\$\{PUBLIC_URL:-([^}]+)\}", text))
    assert defaults == {"https://localhost:8443"}
    assert "${PUBLIC_URL:-" in services(compose)["nginx"]["environment"]["NGINX_PUBLIC_URL"]


def test_tls_material_flows_from_migrate_to_nginx_read_only(compose: dict[str, Any]) -> None:
    migrate = services(compose)["migrate"]
    tls_dir = migrate["environment"]["TLS_SELF_SIGNED_DIR"]
    assert f"tls:{tls_dir}" in migrate["volumes"]
    nginx_volumes = services(compose)["nginx"]["volumes"]
    assert "tls:/etc/nginx/tls:ro" in nginx_volumes
    assert any(v.startswith("${TLS_CERT_FILE:-") for v in nginx_volumes)
    assert any(v.startswith("${TLS_KEY_FILE:-") for v in nginx_volumes)
    envsh = REPO_ROOT / "infra/nginx/public-url.envsh"
    assert os.access(envsh, os.X_OK), "the nginx entrypoint only sources executable .envsh files"


def test_migrate_writes_the_certificate_then_the_key_before_building_any_app() -> None:
    commands = entry.migrate_commands({"TLS_SELF_SIGNED_DIR": "/var/lib/fi/tls"})
    assert commands[0] == ("python", "-m", "infra.nginx.certificate", "/var/lib/fi/tls")
    assert commands[1] == ("python", "-m", "infra.devstack.signing_key")
    assert all(argv[0] == "flask" for argv in commands[2:])
    assert entry.migrate_commands({})[0] == ("python", "-m", "infra.devstack.signing_key")


def test_make_up_sends_mail_to_the_stacks_mail_catcher(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Production refuses to start auth without SMTP_URL: the generated .env must name a server
    # that the stack runs, reachable by auth only, and never published.
    generated = dict(
        line.split("=", 1)
        for line in render_env((REPO_ROOT / ".env.example").read_text()).splitlines()
        if line and not line.startswith("#")
    )
    assert generated["SMTP_URL"] == f"smtp://mail:{procdefs.MAIL_PORT}"
    assert generated["MAIL_FROM"]
    mail = services(compose)["mail"]
    monkeypatch.setenv("MAIL_DIR", mail["environment"]["MAIL_DIR"])
    assert entry.role_argv(mail["command"]) == procdefs.mail_argv(
        f"0.0.0.0:{procdefs.MAIL_PORT}", mail["environment"]["MAIL_DIR"]
    )
    assert not mail.get("ports")
    assert mail["volumes"] == [f"mail:{mail['environment']['MAIL_DIR']}"]
    assert all(compose["networks"][n].get("internal") for n in mail["networks"])
    for name, service in services(compose).items():
        if name != "mail" and set(service.get("networks", [])) & set(mail["networks"]):
            assert name == "auth", f"{name} should not reach the mail catcher"

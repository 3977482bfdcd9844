"""Every environment variable the apps read is set in the manifests of the pods that read it,
unless its default is deliberate.

The list is not kept by hand: the services' `from_env()` and `shared_settings()` are run with
their `env_*` helpers recording each name and default, and infra/gunicorn.conf.py is parsed. A
variable whose default only works on one host (no default, an empty one, 127.0.0.1, SQLite) must
be set in the cluster; one with a real default may be left out, provided .env.example documents
it. The few exceptions are named below, each with its reason.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from infra.devstack.processes import GUNICORN_CONF, REPO_ROOT
from services.common import settings as common_settings

from . import k8s
from .k8s import OVERLAYS, containers, overlay, workloads

ENV_HELPERS = ("env_str", "env_int", "env_float", "env_bool")
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.M)
HOST_ONLY = re.compile(r"127\.0\.0\.1|localhost|^sqlite:")
ROLE_SERVICES = {"worker": ("quiz",), "beat": ("quiz",), "migrate": ("auth", "content", "quiz")}

# Read by the apps, deliberately not set in the cluster.
UNSET_ON_PURPOSE = {
    "AUTH_PRIVATE_KEY_FILE": "the alternative to AUTH_SIGNING_KEYS_DIR, which the manifests set",
    "AUTH_GOOGLE_REDIRECT_URI": "derived from the public origin unless overridden",
    "CELERY_BROKER_URL": "falls back to REDIS_URL, which every Celery process gets",
}
# Read by one workload's program, deliberately not given to it.
UNSET_IN = {
    ("gateway", "REDIS_URL"): "the gateway loads the shared settings but never talks to Redis",
}
# Set in the manifests though no platform module reads them.
SET_FOR_OTHERS = {
    "CELERY_WORKER_CONCURRENCY": "celery's own --concurrency option (click auto-envvar prefix)",
    "PUBLIC_URL": "the platform's public origin, the one shared name for it across services",
}


def record_env_reads(
    monkeypatch: pytest.MonkeyPatch, call: Callable[[], Any], modules: list[Any]
) -> dict[str, Any]:
    """Run `call` with every `env_*` helper of `modules` recording (name, default)."""
    seen: dict[str, Any] = {}
    depth = [0]

    def recording(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(name: str, default: Any = None) -> Any:
            # env_int calls env_str: only the outermost call carries the caller's default.
            if depth[0] == 0:
                seen.setdefault(name, default)
            depth[0] += 1
            try:
                return original(name, default)
            finally:
                depth[0] -= 1

        return wrapper

    with monkeypatch.context() as patch:
        for module in modules:
            for helper in ENV_HELPERS:
                if hasattr(module, helper):
                    patch.setattr(module, helper, recording(getattr(common_settings, helper)))
        call()
    return seen


def gunicorn_reads() -> dict[str, Any]:
    """The variables infra/gunicorn.conf.py reads, with their defaults (parsed, not run)."""
    tree = ast.parse((REPO_ROOT / GUNICORN_CONF).read_text())
    seen: dict[str, Any] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        func = node.func
        is_int = isinstance(func, ast.Name) and func.id == "_int"
        is_get = isinstance(func, ast.Attribute) and func.attr == "get"
        if (is_int or is_get) and isinstance(first, ast.Constant) and isinstance(first.value, str):
            default = node.args[1] if len(node.args) > 1 else None
            seen[first.value] = default.value if isinstance(default, ast.Constant) else None
    return seen


@pytest.fixture(scope="module")
def reads() -> Iterator[Callable[[str], dict[str, Any]]]:
    """`reads(service)`: the variables one service's app reads, with their defaults."""
    cache: dict[str, dict[str, Any]] = {}
    monkeypatch = pytest.MonkeyPatch()

    def read(service: str) -> dict[str, Any]:
        if service not in cache:
            config = importlib.import_module(f"services.{service}.config")
            cache[service] = record_env_reads(
                monkeypatch,
                lambda: (common_settings.shared_settings(), config.from_env()),
                [common_settings, config],
            )
        return cache[service]

    yield read
    monkeypatch.undo()


def needs_a_value(default: Any) -> bool:
    """True when a default only works on one host (or there is none)."""
    if default is None or default == "":
        return True
    return isinstance(default, str) and bool(HOST_ONLY.search(default))


def required_by(container: dict[str, Any], reads: Callable[[str], dict[str, Any]]) -> set[str]:
    """The variables a container's program reads that need a value in the cluster."""
    args = container.get("args", [])
    if container["name"] == "wait-for-migrations":
        match = re.search(r"services\.(\w+)\.wsgi", " ".join(container["command"]))
        assert match is not None
        found = reads(match.group(1))
    elif args[0] == "web":
        found = {**reads(args[1]), **gunicorn_reads()}
    else:
        found = {}
        for service in ROLE_SERVICES[args[0]]:
            found |= reads(service)
    return {name for name, default in found.items() if needs_a_value(default)}


def app_containers(name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(workload name, container) for every container of the platform image in one overlay."""
    for workload in workloads(overlay(name)):
        for container in containers(workload):
            if k8s.is_app_image(container):
                yield workload["metadata"]["name"], container


@pytest.mark.parametrize("name", OVERLAYS)
def test_every_variable_without_a_portable_default_is_set(
    name: str, reads: Callable[[str], dict[str, Any]]
) -> None:
    objects = overlay(name)
    for workload, container in app_containers(name):
        missing = required_by(container, reads) - k8s.env_names(objects, container)
        missing -= set(UNSET_ON_PURPOSE) | {var for (w, var) in UNSET_IN if w == workload}
        assert not missing, f"{workload}/{container['name']} needs {sorted(missing)}"


def test_the_recorded_reads_cover_what_the_services_need(
    reads: Callable[[str], dict[str, Any]],
) -> None:
    # Guards the recorder itself: it must see the database URL, the service URLs and secrets.
    assert needs_a_value(reads("auth")["AUTH_DATABASE_URL"])
    assert needs_a_value(reads("quiz")["QUIZ_CLIENT_SECRET"])
    assert needs_a_value(reads("gateway")["GATEWAY_QUIZ_URL"])
    assert needs_a_value(reads("content")["REDIS_URL"])
    assert needs_a_value(gunicorn_reads()["GUNICORN_BIND"])
    assert not needs_a_value(gunicorn_reads()["GUNICORN_WORKERS"])


def test_defaulted_variables_are_documented(reads: Callable[[str], dict[str, Any]]) -> None:
    documented = set(DOCUMENTED.findall((REPO_ROOT / ".env.example").read_text()))
    read = {**gunicorn_reads()}
    for service in ("auth", "content", "quiz", "gateway"):
        read |= reads(service)
    undocumented = {n for n, default in read.items() if not needs_a_value(default)} - documented
    assert not undocumented, f"deliberate defaults must be in .env.example: {sorted(undocumented)}"


@pytest.mark.parametrize("name", OVERLAYS)
def test_manifests_set_only_variables_something_reads(
    name: str, reads: Callable[[str], dict[str, Any]]
) -> None:
    known = set(DOCUMENTED.findall((REPO_ROOT / ".env.example").read_text()))
    known |= set(gunicorn_reads()) | set(SET_FOR_OTHERS)
    for service in ("auth", "content", "quiz", "gateway"):
        known |= set(reads(service))
    objects = overlay(name)
    for workload, container in app_containers(name):
        unknown = k8s.env_names(objects, container) - known
        assert not unknown, f"{workload}/{container['name']} sets unknown {sorted(unknown)}"

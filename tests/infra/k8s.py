"""Rendering deploy/kubernetes with the real kustomize (kubectl's) and reading the result."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from infra.devstack.processes import REPO_ROOT

K8S_DIR = REPO_ROOT / "deploy/kubernetes"
OVERLAYS = ("production", "dev")
APP_IMAGE = "flask-interviews"
INSTALL_HINT = "install kubectl (it bundles kustomize): `bash .ci/install-kubectl`"
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job")


def kubectl() -> str:
    """The kubectl binary; a missing one, or one without kustomize v5, fails the test."""
    binary = shutil.which("kubectl")
    if binary is None:
        pytest.fail(f"kubectl is not installed: {INSTALL_HINT}")
    return binary


def kustomize_version() -> str:
    """The kustomize version built into kubectl, e.g. `v5.6.0`."""
    result = subprocess.run(
        [kubectl(), "version", "--client"], capture_output=True, text=True, timeout=60
    )
    found = re.search(r"Kustomize Version: (v[0-9.]+)", result.stdout)
    if result.returncode != 0 or found is None:
        pytest.fail(f"`kubectl version --client` names no kustomize: {result.stderr}")
    return found.group(1)


@functools.cache
def render(path: str) -> tuple[dict[str, Any], ...]:
    """`kubectl kustomize deploy/kubernetes/<path>` as a tuple of objects."""
    result = subprocess.run(
        [kubectl(), "kustomize", str(K8S_DIR / path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def overlay(name: str) -> tuple[dict[str, Any], ...]:
    """One overlay, rendered."""
    return render(f"overlays/{name}")


def find(objects: tuple[dict[str, Any], ...], kind: str, name: str) -> dict[str, Any]:
    """The object of `kind` called `name` (ConfigMaps match their name before the hash)."""
    for obj in objects:
        actual = obj["metadata"]["name"]
        if obj["kind"] == kind and (actual == name or actual.startswith(f"{name}-")):
            return obj
    raise AssertionError(f"no {kind} {name}")


def of_kind(objects: tuple[dict[str, Any], ...], kind: str) -> list[dict[str, Any]]:
    """Every object of one kind."""
    return [obj for obj in objects if obj["kind"] == kind]


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    """The pod spec of a Deployment, StatefulSet or Job."""
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: dict[str, Any]) -> dict[str, str]:
    """The labels of a workload's pods."""
    return workload["spec"]["template"]["metadata"].get("labels", {})


def workloads(objects: tuple[dict[str, Any], ...]) -> Iterator[dict[str, Any]]:
    """Every object that runs pods."""
    return (obj for obj in objects if obj["kind"] in WORKLOAD_KINDS)


def containers(workload: dict[str, Any], init: bool = True) -> list[dict[str, Any]]:
    """A workload's containers (and, unless `init` is False, its init containers)."""
    spec = pod_spec(workload)
    return list(spec.get("initContainers", []) if init else []) + list(spec["containers"])


def is_app_image(container: dict[str, Any]) -> bool:
    """True for containers of the platform's own image (whatever registry and tag)."""
    image = container["image"].rsplit("/", 1)[-1]
    return image.split(":", 1)[0] == APP_IMAGE


def env_names(objects: tuple[dict[str, Any], ...], container: dict[str, Any]) -> set[str]:
    """Every variable a container gets: `env` entries and the keys of its envFrom sources."""
    names = {item["name"] for item in container.get("env", [])}
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef")
        assert ref is not None, "secrets are referenced key by key (secretKeyRef), not envFrom"
        names |= set(find(objects, "ConfigMap", ref["name"]).get("data", {}))
    return names


def env_value(objects: tuple[dict[str, Any], ...], container: dict[str, Any], name: str) -> str:
    """A variable's literal value in a container (`env` first, then its ConfigMaps)."""
    for item in container.get("env", []):
        if item["name"] == name and "value" in item:
            return str(item["value"])
    for source in container.get("envFrom", []):
        data = find(objects, "ConfigMap", source["configMapRef"]["name"]).get("data", {})
        if name in data:
            return str(data[name])
    raise AssertionError(f"{container['name']} has no literal {name}")

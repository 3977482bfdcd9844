"""deploy/kubernetes: every overlay renders with kustomize, every object is valid against the
Kubernetes schemas, and the manifests say what docker-compose.yml says (commands, ports, probes,
networks, the key volume, the singleton beat)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from infra.devstack import entry
from infra.devstack import processes as procdefs
from infra.devstack.processes import REPO_ROOT
from infra.nginx import render as nginx_render
from services.quiz.celery_app import TASK_TIME_LIMIT_S

from . import k8s
from .k8s import OVERLAYS, containers, find, of_kind, overlay, pod_labels, pod_spec, workloads

# The oldest Kubernetes release the manifests must be valid for.
KUBERNETES_VERSION = "1.30.0"
WEB = ("gateway", "auth", "content", "quiz")
SCALED = ("gateway", "auth", "content", "quiz", "worker", "nginx")
USES_A_DATABASE = {"auth": "auth", "content": "content", "quiz": "quiz", "worker": "quiz",
                   "beat": "quiz"}  # fmt: skip
DATASTORE_CLIENTS = {"auth", "content", "quiz", "worker", "beat", "migrate"}


def autoscalers(objects: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """Every HorizontalPodAutoscaler."""
    return of_kind(objects, "HorizontalPodAutoscaler")


@pytest.fixture(scope="module", params=OVERLAYS)
def objects(request: pytest.FixtureRequest) -> tuple[dict[str, Any], ...]:
    return overlay(request.param)


def test_kubectl_bundles_kustomize_v5() -> None:
    assert k8s.kustomize_version().startswith("v5."), k8s.INSTALL_HINT


def test_base_renders_on_its_own() -> None:
    kinds = {obj["kind"] for obj in k8s.render("base")}
    assert {"Deployment", "Job", "NetworkPolicy", "HorizontalPodAutoscaler"} <= kinds


@pytest.mark.parametrize("name", OVERLAYS)
def test_every_object_is_valid_against_the_kubernetes_schemas(name: str) -> None:
    for obj in overlay(name):
        label = f"{obj['kind']}/{obj['metadata']['name']}"
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(part) for part in exc.path)
            pytest.fail(f"{name}: {label} is invalid at {path}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            pytest.fail(f"{name}: {label}: {exc.message}")


def test_every_object_lives_in_the_platform_namespace(objects: tuple[dict[str, Any], ...]) -> None:
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "flask-interviews", obj["metadata"]["name"]


def test_no_secret_values_are_in_the_manifests(objects: tuple[dict[str, Any], ...]) -> None:
    assert of_kind(objects, "Secret") == []
    operations = (REPO_ROOT / "docs/operations.md").read_text()
    section = operations[operations.index("## Kubernetes") : operations.index("## Scaling out")]
    for workload in workloads(objects):
        for container in containers(workload):
            for item in container.get("env", []):
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == "platform-secrets", item
                    # The operator creates the Secret: the docs must name every key.
                    assert ref["key"] in section, f"document {ref['key']} in operations.md"


def test_app_workloads_run_compose_commands_of_one_image(
    objects: tuple[dict[str, Any], ...],
) -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())["services"]
    images = set()
    for workload in workloads(objects):
        name = workload["metadata"]["name"]
        main = pod_spec(workload)["containers"][0]
        if not k8s.is_app_image(main):
            continue
        images.add(main["image"])
        assert "command" not in main, f"{name} must keep the image's entrypoint"
        assert main["args"] == compose[name]["command"], name
        assert main["args"][0] in entry.ROLES
    assert len(images) == 1, images


def test_web_services_listen_and_are_probed_on_their_own_port(
    objects: tuple[dict[str, Any], ...],
) -> None:
    for name in WEB:
        port = procdefs.DEFAULT_PORTS[name]
        main = pod_spec(find(objects, "Deployment", name))["containers"][0]
        assert main["ports"] == [{"name": "http", "containerPort": port}], name
        assert k8s.env_value(objects, main, "GUNICORN_BIND") == f"0.0.0.0:{port}"
        assert main["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}, name
        assert main["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}, name
        service = find(objects, "Service", name)["spec"]
        assert service["ports"][0]["port"] == port and service["selector"] == {
            "app.kubernetes.io/name": name
        }


def test_service_urls_point_at_the_services(objects: tuple[dict[str, Any], ...]) -> None:
    config = find(objects, "ConfigMap", "platform-config")["data"]
    ports = {name: procdefs.DEFAULT_PORTS[name] for name in WEB}
    assert config["AUTH_JWKS_URL"] == f"http://auth:{ports['auth']}/api/auth/.well-known/jwks.json"
    for key, target in {
        "GATEWAY_AUTH_URL": "auth", "GATEWAY_CONTENT_URL": "content", "GATEWAY_QUIZ_URL": "quiz",
        "QUIZ_AUTH_URL": "auth", "QUIZ_CONTENT_URL": "content", "AUTH_QUIZ_URL": "quiz",
    }.items():  # fmt: skip
        assert config[key] == f"http://{target}:{ports[target]}", key
        find(objects, "Service", target)


def test_every_container_has_requests_and_limits(objects: tuple[dict[str, Any], ...]) -> None:
    for workload in workloads(objects):
        for container in containers(workload):
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(bound, {})), (
                    workload["metadata"]["name"],
                    container["name"],
                    bound,
                )


def test_platform_pods_run_unprivileged(objects: tuple[dict[str, Any], ...]) -> None:
    for workload in workloads(objects):
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        for container in containers(workload):
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]


def test_stateless_tiers_and_the_worker_autoscale_with_a_disruption_budget(
    objects: tuple[dict[str, Any], ...],
) -> None:
    hpas = {hpa["spec"]["scaleTargetRef"]["name"]: hpa for hpa in autoscalers(objects)}
    budgets = of_kind(objects, "PodDisruptionBudget")
    assert set(hpas) == set(SCALED)
    for name in SCALED:
        deployment = find(objects, "Deployment", name)
        assert hpas[name]["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        assert hpas[name]["spec"]["minReplicas"] <= hpas[name]["spec"]["maxReplicas"]
        covering = [
            pdb
            for pdb in budgets
            if pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels(deployment).items()
        ]
        assert len(covering) == 1, name
        # Never a budget that forbids every eviction (a node drain must make progress).
        assert covering[0]["spec"].get("maxUnavailable", 0) >= 1, name


def test_autoscaled_deployments_leave_the_replica_count_to_the_autoscaler(
    objects: tuple[dict[str, Any], ...],
) -> None:
    # A `replicas` in the manifest would reset the autoscaler's choice on every apply.
    for name in SCALED:
        assert "replicas" not in find(objects, "Deployment", name)["spec"], name


def test_beat_is_a_singleton(objects: tuple[dict[str, Any], ...]) -> None:
    beat = find(objects, "Deployment", "beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    targets = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in autoscalers(objects)}
    assert "beat" not in targets


def test_worker_grace_period_exceeds_task_time_limit(objects: tuple[dict[str, Any], ...]) -> None:
    spec = pod_spec(find(objects, "Deployment", "worker"))
    assert spec["terminationGracePeriodSeconds"] > TASK_TIME_LIMIT_S


def test_migrate_is_a_job_the_apps_wait_for(objects: tuple[dict[str, Any], ...]) -> None:
    job = find(objects, "Job", "migrate")
    assert pod_spec(job)["containers"][0]["args"] == ["migrate"]
    assert entry.role_argv(["migrate"]) is None  # the role that runs every set-up command
    for name, database in USES_A_DATABASE.items():
        init = pod_spec(find(objects, "Deployment", name)).get("initContainers", [])
        assert [c["name"] for c in init] == ["wait-for-migrations"], name
        script = " ".join(init[0]["command"])
        assert f"flask --app services.{database}.wsgi db current" in script, name
        assert "(head)" in script and "until" in script, name
        assert (REPO_ROOT / f"services/{database}/migrations").is_dir()
    for name in ("gateway", "nginx"):
        assert "initContainers" not in pod_spec(find(objects, "Deployment", name)), name


def test_signing_keys_are_mounted_only_by_auth_and_migrate(
    objects: tuple[dict[str, Any], ...],
) -> None:
    keys_dir = find(objects, "ConfigMap", "platform-config")["data"]["AUTH_SIGNING_KEYS_DIR"]
    mounting = set()
    for workload in workloads(objects):
        volumes = {
            v["name"]
            for v in pod_spec(workload).get("volumes", [])
            if v.get("persistentVolumeClaim", {}).get("claimName") == "auth-keys"
        }
        if not volumes:
            continue
        mounting.add(workload["metadata"]["name"])
        for container in containers(workload):
            mounts = [m for m in container.get("volumeMounts", []) if m["name"] in volumes]
            assert [m["mountPath"] for m in mounts] == [keys_dir], container["name"]
    assert mounting == {"auth", "migrate"}
    find(objects, "PersistentVolumeClaim", "auth-keys")


def test_production_autoscalers_reach_the_documented_10000_candidate_counts() -> None:
    # docs/operations.md, "Scaling out": up to 15 quiz and 6 gateway replicas at 10,000.
    ceilings = {
        h["metadata"]["name"]: h["spec"]["maxReplicas"] for h in autoscalers(overlay("production"))
    }
    assert ceilings["quiz"] >= 15 and ceilings["gateway"] >= 6 and ceilings["auth"] >= 5


def test_production_keeps_data_stores_outside_and_dev_runs_them() -> None:
    production, dev = overlay("production"), overlay("dev")
    assert of_kind(production, "StatefulSet") == []
    assert {s["metadata"]["name"] for s in of_kind(dev, "StatefulSet")} == {"postgres", "redis"}
    assert find(production, "Service", "nginx")["spec"]["type"] == "LoadBalancer"
    pvc = find(production, "PersistentVolumeClaim", "auth-keys")["spec"]
    assert pvc["accessModes"] == ["ReadWriteMany"]  # auth replicas on several nodes


@pytest.mark.parametrize(
    ("copy", "original"),
    [
        *[(f"base/nginx/{name}", f"infra/nginx/{name}") for name in nginx_render.TEMPLATES],
        # TLS ends at the load balancer; the gateway Service's address is fixed.
        *[
            (f"base/nginx/{name}", f"infra/nginx/{name}")
            for name in (nginx_render.TLS_TEMPLATES[False], nginx_render.UPSTREAM_TEMPLATES[False])
        ],
        ("overlays/dev/init-databases.sh", "infra/postgres/init-databases.sh"),
    ],
)
def test_copied_files_match_their_originals(copy: str, original: str) -> None:
    assert (k8s.K8S_DIR / copy).read_text() == (REPO_ROOT / original).read_text(), (
        f"cp {original} deploy/kubernetes/{copy}"
    )


def test_nginx_config_from_the_manifests_passes_nginx_t(
    objects: tuple[dict[str, Any], ...], tmp_path: Path
) -> None:
    deployment = find(objects, "Deployment", "nginx")
    container = pod_spec(deployment)["containers"][0]
    values = {item["name"]: str(item["value"]) for item in container["env"]}
    gateway_port = find(objects, "Service", "gateway")["spec"]["ports"][0]["port"]
    assert values["NGINX_UPSTREAM"] == f"gateway:{gateway_port}"
    assert values["NGINX_PORT"] == str(container["ports"][0]["containerPort"])
    assert container["args"][:3] == ["nginx", "-c", f"{values['NGINX_CONF_DIR']}/nginx.conf"]
    # nginx -t resolves upstream names: point it at loopback, and keep its files in tmp_path.
    values |= {"NGINX_UPSTREAM": "127.0.0.1:8000", "NGINX_CONF_DIR": str(tmp_path),
               "NGINX_RUNTIME_DIR": str(tmp_path / "run")}  # fmt: skip
    for sub in nginx_render.RUNTIME_SUBDIRS:
        (tmp_path / "run" / sub).mkdir(parents=True, exist_ok=True)
    templates = find(objects, "ConfigMap", "nginx-templates")["data"]
    for name, text in templates.items():
        # Every placeholder needs a value in the Deployment (RenderError otherwise).
        rendered = nginx_render.render_text(text, values)
        (tmp_path / name.removesuffix(".template")).write_text(rendered)
    result = nginx_render.check_config(tmp_path / "nginx.conf")
    assert result.returncode == 0, result.stderr


# --- NetworkPolicies -------------------------------------------------------------------------


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Kubernetes label-selector semantics (matchLabels and In/NotIn/Exists expressions)."""
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
    return True


def admits(
    policies: list[dict[str, Any]], target: dict[str, str], source: dict[str, str] | None
) -> bool:
    """Whether a pod (labels `target`) accepts traffic from `source` (None: outside)."""
    selecting = [
        p
        for p in policies
        if selects(p["spec"]["podSelector"], target) and "Ingress" in p["spec"]["policyTypes"]
    ]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get("ingress", []):
            peers = rule.get("from")
            if not peers:
                return True
            for peer in peers:
                # Only pod selectors are used here; a namespace or IP peer never matches.
                pod_peer = set(peer) == {"podSelector"}
                if source is not None and pod_peer and selects(peer["podSelector"], source):
                    return True
    return False


def test_network_policies_mirror_compose_networks(objects: tuple[dict[str, Any], ...]) -> None:
    policies = of_kind(objects, "NetworkPolicy")
    pods = {w["metadata"]["name"]: pod_labels(w) for w in workloads(objects)}
    allowed: dict[str, set[str | None]] = {
        "nginx": {*pods, None},
        "gateway": {"nginx"},
        "auth": {"gateway", "auth", "content", "quiz", "worker", "beat", "migrate"},
        "postgres": set(DATASTORE_CLIENTS),
        "redis": set(DATASTORE_CLIENTS),
    }
    allowed["content"] = allowed["quiz"] = allowed["auth"]
    for target, sources in allowed.items():
        if target not in pods:
            continue  # the data stores run only in dev
        for source in [*pods, None]:
            source_labels = None if source is None else pods[source]
            expected = source in sources
            assert admits(policies, pods[target], source_labels) is expected, (source, target)
    for name in ("worker", "beat", "migrate"):
        assert not admits(policies, pods[name], pods["nginx"]), name


def test_data_stores_and_the_edge_have_no_route_out_but_their_own() -> None:
    policies = {p["metadata"]["name"]: p["spec"] for p in of_kind(overlay("dev"), "NetworkPolicy")}
    for store in ("postgres", "redis"):
        assert "Egress" in policies[store]["policyTypes"] and not policies[store].get("egress")
    for name, upstream in (("nginx", "gateway"), ("gateway", "auth")):
        egress = policies[name]["egress"]
        assert "Egress" in policies[name]["policyTypes"]
        targets = [rule for rule in egress if rule.get("to")]
        assert len(targets) == 1 and selects(targets[0]["to"][0]["podSelector"],
                                             {"app.kubernetes.io/name": upstream})  # fmt: skip

"""deploy/k8s: each overlay rendered by `kubectl kustomize` (the kubectl wheel, no cluster) and
every object validated offline — built-in kinds against the Kubernetes schemas of the
kubernetes-validate wheel (strict: unknown fields fail), custom resources against
deploy/k8s/schemas — then the promises of the issue checked on what would be applied."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy/k8s"
OVERLAYS = ("dev", "production")
KUBERNETES_VERSIONS = ("1.31", "1.37")   # the oldest we support and the newest the wheel knows
APPS = ("intake", "routing", "case", "escalation", "notification", "gateway")
SECRETS = {"casebridge-keys", "casebridge-db-app", "casebridge-oidc", "casebridge-files-s3",
           "casebridge-notification-channels", "casebridge-federation-keyring",
           "casebridge-dev-token", "casebridge-db-backup", "casebridge-tls",
           "casebridge-federation-tls"}

Obj = dict[str, Any]


@functools.cache
def render(overlay: str) -> tuple[Obj, ...]:
    kubectl = Path(sys.executable).parent / "kubectl"
    done = subprocess.run([str(kubectl), "kustomize", str(K8S / "overlays" / overlay)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return tuple(d for d in yaml.safe_load_all(done.stdout) if d)


def of(objects: tuple[Obj, ...], kind: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def crd_schema(obj: Obj) -> Obj | None:
    group, _, version = obj["apiVersion"].rpartition("/")
    path = K8S / "schemas" / f"{obj['kind'].lower()}_{group}_{version}.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else None


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates(overlay: str, version: str) -> None:
    failures = []
    for obj in render(overlay):
        where = f"{obj['kind']}/{obj['metadata']['name']}"
        if "." in obj["apiVersion"].split("/")[0] and not obj["apiVersion"].startswith(
                ("apps/", "policy/", "autoscaling/", "networking.k8s.io/")):
            schema = crd_schema(obj)
            assert schema is not None, f"{where}: no schema for {obj['apiVersion']}"
            errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(obj)]
            failures += [f"{where}: {e}" for e in errors]
            continue
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(p) for p in error.path)
            failures.append(f"{where}: {path}: {error.message}")
    assert not failures, "\n".join(failures)


def test_a_misspelt_field_is_caught() -> None:
    """The validation is strict for both kinds of schema (it would pass anything otherwise)."""
    deployment = json.loads(json.dumps(of(render("production"), "Deployment")["case"]))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)
    cluster = json.loads(json.dumps(of(render("production"), "Cluster")["casebridge-db"]))
    cluster["spec"]["postgresql"]["synchronous"]["method"] = "all"
    schema = crd_schema(cluster)
    assert schema and list(jsonschema.Draft202012Validator(schema).iter_errors(cluster))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_is_in_the_repository_and_every_reference_is_documented(overlay: str) -> None:
    objects = render(overlay)
    assert not of(objects, "Secret")
    text = json.dumps(objects)
    names = set(re.findall(r'"secretKeyRef": \{"name": "([^"]+)"', text))
    names |= set(re.findall(r'"secretRef": \{"name": "([^"]+)"', text))
    names |= set(re.findall(r'"secretName": "([^"]+)"', text))
    assert names and names <= SECRETS, names - SECRETS
    readme = (K8S / "README.md").read_text("utf-8")
    assert not [n for n in names if n not in readme], "each Secret is explained in the README"


def pod(deployment: Obj) -> Obj:
    spec: Obj = deployment["spec"]["template"]["spec"]
    return spec


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_app_runs_locked_down_with_probes_and_budgets(overlay: str) -> None:
    objects = render(overlay)
    deployments, accounts = of(objects, "Deployment"), of(objects, "ServiceAccount")
    pdbs, hpas = of(objects, "PodDisruptionBudget"), of(objects, "HorizontalPodAutoscaler")
    config = of(objects, "ConfigMap")
    grace = float(next(c for n, c in config.items() if n.startswith("casebridge-config"))
                  ["data"]["CASEBRIDGE_SHUTDOWN_GRACE_S"])
    for app in APPS:
        spec = pod(deployments[app])
        (container,) = spec["containers"]
        assert spec["serviceAccountName"] == app and app in accounts
        assert accounts[app]["automountServiceAccountToken"] is False
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
        assert {"/tmp"} <= {m["mountPath"] for m in container["volumeMounts"]}  # noqa: S108
        assert set(container["resources"]) == {"requests", "limits"}
        assert {"startupProbe", "livenessProbe", "readinessProbe"} <= set(container)
        if app != "gateway":
            assert container["readinessProbe"]["grpc"]["service"] == "casebridge.ready"
            assert container["livenessProbe"]["grpc"]["service"] == ""
        assert spec["terminationGracePeriodSeconds"] > grace
        assert {c["topologyKey"] for c in spec["topologySpreadConstraints"]} == {
            "kubernetes.io/hostname", "topology.kubernetes.io/zone"}
        selector = deployments[app]["spec"]["selector"]["matchLabels"]
        assert pdbs[app]["spec"]["selector"]["matchLabels"] == selector
        assert hpas[app]["spec"]["scaleTargetRef"]["name"] == app


def test_production_is_replicated_everywhere() -> None:
    objects = render("production")
    for app in APPS:
        assert of(objects, "Deployment")[app]["spec"]["replicas"] >= 2
        assert of(objects, "HorizontalPodAutoscaler")[app]["spec"]["minReplicas"] >= 2
    config = next(c for n, c in of(objects, "ConfigMap").items()
                  if n.startswith("casebridge-config"))
    assert config["data"]["CASEBRIDGE_STREAM_REPLICAS"] == "3"
    lag = [m for m in of(objects, "HorizontalPodAutoscaler")["routing"]["spec"]["metrics"]
           if m["type"] == "External"]
    assert lag and lag[0]["external"]["metric"]["name"] == "casebridge_consumer_pending"


def test_postgres_is_three_synchronous_instances_backed_up_with_an_ordinary_role() -> None:
    objects = render("production")
    cluster = of(objects, "Cluster")["casebridge-db"]["spec"]
    assert cluster["instances"] == 3
    assert cluster["postgresql"]["synchronous"]["number"] >= 1
    assert cluster["postgresql"]["synchronous"]["dataDurability"] == "required"
    assert cluster["enableSuperuserAccess"] is False
    assert cluster["backup"]["barmanObjectStore"]["destinationPath"].startswith("s3://")
    owner = cluster["bootstrap"]["initdb"]["owner"]
    assert owner == "casebridge" and owner != "postgres"
    # the Secret CloudNativePG writes for the owner is <cluster>-app: what the services read
    intake = pod(of(objects, "Deployment")["intake"])["containers"][0]
    database = next(e for e in intake["env"] if e["name"] == "CASEBRIDGE_DATABASE")
    assert database["valueFrom"]["secretKeyRef"]["name"] == "casebridge-db-app"
    backup = of(objects, "ScheduledBackup")["casebridge-db-nightly"]["spec"]
    assert backup["cluster"]["name"] == "casebridge-db"


def test_nats_values_make_a_synced_three_node_jetstream_cluster() -> None:
    values = yaml.safe_load((K8S / "nats/values.yaml").read_text("utf-8"))
    assert values["config"]["cluster"] == {"enabled": True, "replicas": 3}
    jetstream = values["config"]["jetstream"]
    assert jetstream["enabled"] and jetstream["fileStore"]["enabled"]
    assert not jetstream["memoryStore"]["enabled"]
    assert jetstream["merge"]["sync_interval"] == "always"
    assert values["fullnameOverride"] == "nats"       # the name CASEBRIDGE_NATS_URL uses


def test_the_collector_pipelines_use_only_what_is_defined_and_listen_where_apps_send() -> None:
    config = yaml.safe_load((K8S / "components/otel-collector/config.yaml").read_text("utf-8"))
    for pipeline in config["service"]["pipelines"].values():
        for part in ("receivers", "processors", "exporters"):
            assert set(pipeline[part]) <= set(config[part]), (part, pipeline[part])
    objects = render("production")
    endpoint = next(c for n, c in of(objects, "ConfigMap").items()
                    if n.startswith("casebridge-config"))["data"]["CASEBRIDGE_OTLP_ENDPOINT"]
    port = int(endpoint.rsplit(":", 1)[1])
    assert config["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"].endswith(f":{port}")
    assert port in [p["port"] for p in of(objects, "Service")["otel-collector"]["spec"]["ports"]]


def test_the_gateway_is_public_over_tls_with_limits_and_federation_needs_a_client_cert() -> None:
    ingresses = of(render("production"), "Ingress")
    public, federation = ingresses["gateway"], ingresses["federation"]
    assert public["spec"]["tls"] and federation["spec"]["tls"]
    notes = public["metadata"]["annotations"]
    assert {"nginx.ingress.kubernetes.io/limit-rps", "nginx.ingress.kubernetes.io/proxy-body-size",
            "nginx.ingress.kubernetes.io/limit-connections"} <= set(notes)
    mtls = federation["metadata"]["annotations"]
    assert mtls["nginx.ingress.kubernetes.io/auth-tls-verify-client"] == "on"
    assert mtls["nginx.ingress.kubernetes.io/auth-tls-secret"].endswith("casebridge-federation-ca")
    (rule,) = federation["spec"]["rules"]
    assert [p["path"] for p in rule["http"]["paths"]] == ["/v1/federation/"]
    public_hosts = {r["host"] for r in public["spec"]["rules"]}
    assert rule["host"] not in public_hosts
    blocked = ingresses["gateway-no-federation"]
    assert blocked["metadata"]["annotations"][
        "nginx.ingress.kubernetes.io/denylist-source-range"] == "0.0.0.0/0,::/0"
    assert {r["host"] for r in blocked["spec"]["rules"]} == public_hosts

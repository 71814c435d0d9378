"""The production NetworkPolicies, evaluated as Kubernetes would for the pods the overlay runs:
the paths DESIGN.md draws are open, everything else is closed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.deploy.test_manifests import of, render

Obj = dict[str, Any]
SERVICES = ("intake", "routing", "case", "escalation", "notification")
INTERNET = {"ip": "203.0.113.9"}
PRIVATE = {"ip": "10.1.2.3"}


def labels_of(app: str) -> dict[str, str]:
    """The labels of an app's pods, as rendered (or those of the infrastructure's)."""
    for deployment in render("production"):
        if deployment["kind"] == "Deployment" and deployment["metadata"]["name"] == app:
            return dict(deployment["spec"]["template"]["metadata"]["labels"])
    return {"nats": {"app.kubernetes.io/name": "nats"},
            "postgres": {"cnpg.io/cluster": "casebridge-db"}}[app]


def selects(selector: Obj, labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        found = labels.get(expression["key"])
        if expression["operator"] == "In" and found not in expression["values"]:
            return False
    return True


def peer_matches(peer: Obj, other: Obj) -> bool:
    """One `from`/`to` entry against a peer: pods in this namespace, or an address."""
    if "ipBlock" in peer:
        if "ip" not in other:
            return False
        first = other["ip"].split(".")[0]
        excepted = {e.split(".")[0] for e in peer["ipBlock"].get("except", [])}
        return first not in excepted
    if "namespaceSelector" in peer and peer["namespaceSelector"] != {}:
        return other.get("namespace") in peer["namespaceSelector"]["matchLabels"].values()
    return "labels" in other and selects(peer.get("podSelector", {}), other["labels"])


def allowed(policies: list[Obj], direction: str, pod: dict[str, str], other: Obj,
            port: int) -> bool:
    """Whether `pod` may send to (Egress) or receive from (Ingress) `other` on `port`."""
    applying = [p for p in policies if selects(p["spec"]["podSelector"], pod)
                and direction in p["spec"]["policyTypes"]]
    if not applying:
        return True
    key, peers_key = ("egress", "to") if direction == "Egress" else ("ingress", "from")
    for policy in applying:
        for rule in policy["spec"].get(key, []):
            ports = [p["port"] for p in rule.get("ports", [])]
            if ports and port not in ports:
                continue
            if any(peer_matches(peer, other) for peer in rule.get(peers_key, [])):
                return True
    return False


def can_connect(source: str, target: str, port: int) -> bool:
    policies = list(of(render("production"), "NetworkPolicy").values())
    src, dst = labels_of(source), labels_of(target)
    return (allowed(policies, "Egress", src, {"labels": dst}, port)
            and allowed(policies, "Ingress", dst, {"labels": src}, port))


@pytest.mark.parametrize("service", SERVICES)
def test_the_gateway_reaches_each_service_and_each_reaches_nats_and_postgres(
        service: str) -> None:
    assert can_connect("gateway", service, 50051)
    assert can_connect(service, "nats", 4222)
    assert can_connect(service, "postgres", 5432)


@pytest.mark.parametrize("service", SERVICES)
def test_services_never_call_each_other_and_only_they_reach_the_database(
        service: str) -> None:
    for other in SERVICES:
        assert not can_connect(service, other, 50051)
    assert not can_connect("gateway", "postgres", 5432)
    assert can_connect("gateway", "nats", 4222)       # shared limits, live pages


def test_the_outside_reaches_only_the_gateway_through_the_ingress_controller() -> None:
    policies = list(of(render("production"), "NetworkPolicy").values())
    controller = {"namespace": "ingress-nginx"}
    assert allowed(policies, "Ingress", labels_of("gateway"), controller, 8000)
    assert not allowed(policies, "Ingress", labels_of("case"), controller, 50051)
    assert not allowed(policies, "Ingress", labels_of("gateway"), {"namespace": "other"}, 8000)
    monitoring = {"namespace": "monitoring"}
    assert all(allowed(policies, "Ingress", labels_of(app), monitoring, 9464)
               for app in (*SERVICES, "gateway"))


def test_only_notification_and_case_send_to_the_internet_and_never_inside() -> None:
    policies = list(of(render("production"), "NetworkPolicy").values())
    for app in ("notification", "case"):
        assert allowed(policies, "Egress", labels_of(app), INTERNET, 443)
        assert allowed(policies, "Egress", labels_of(app), INTERNET, 587)
        assert not allowed(policies, "Egress", labels_of(app), PRIVATE, 443)
    for app in ("intake", "routing", "escalation"):
        assert not allowed(policies, "Egress", labels_of(app), INTERNET, 443)

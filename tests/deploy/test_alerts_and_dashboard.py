"""The alert rules and the dashboard parse as PromQL and ask only for metrics the processes
export (casebridge_platform.metrics), and every exported metric is shown or alerted on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import promql_parser
import pytest
import yaml
from casebridge_platform import metrics
from prometheus_client.metrics import MetricWrapperBase

MONITORING = Path(__file__).resolve().parents[2] / "deploy/k8s/components/monitoring"
SUFFIXES = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_count", "_sum")}


def exported() -> dict[str, str]:
    """Each series name a process exposes → its metric's base name."""
    names: dict[str, str] = {}
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            kind = value._type  # noqa: SLF001 (prometheus_client keeps it there)
            for suffix in SUFFIXES[kind]:
                names[value._name + suffix] = value._name  # noqa: SLF001
    return names


def expressions() -> list[tuple[str, str]]:
    rules = yaml.safe_load((MONITORING / "rules.yaml").read_text("utf-8"))
    found = [(r["alert"], r["expr"]) for g in rules["spec"]["groups"] for r in g["rules"]]
    dashboard = json.loads((MONITORING / "dashboard.json").read_text("utf-8"))
    found += [(p["title"], t["expr"]) for p in dashboard["panels"] for t in p["targets"]]
    return found


def selected(expr: str) -> set[str]:
    """Metric names of the expression's selectors, read from the parser's canonical form."""
    return set(re.findall(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\{", str(promql_parser.parse(expr))))


@pytest.mark.parametrize(("name", "expr"), expressions())
def test_each_expression_parses_and_asks_for_exported_metrics(name: str, expr: str) -> None:
    names = selected(expr)
    assert names, f"{name}: selects nothing"
    assert names <= set(exported()), f"{name}: {names - set(exported())} are not exported"


def test_every_metric_is_alerted_on_or_shown() -> None:
    used = {exported()[n] for _, expr in expressions() for n in selected(expr)}
    assert used == set(exported().values())


def test_a_typo_is_caught() -> None:
    with pytest.raises(ValueError):
        promql_parser.parse("sum(rate(casebridge_deliveries_total[5m])")
    assert selected("casebridge_outbox_backlogg > 1") - set(exported())

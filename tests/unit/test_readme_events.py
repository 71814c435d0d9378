"""README's "What runs where" table names, for each service, the events it consumes and
publishes; this keeps it true. Published: every `<uow>.emit("<type>", …)` in the service's
source. Consumed: the event types its bootstrap subscribes to (what `configure()` hands to
its ConsumerSpec)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from casebridge_platform.sealing import Sealer

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "routing", "case", "escalation", "notification")
EVENT = re.compile(r"[a-z_]+(\.[a-z_]+)?")

# Event types built at run time, by the file that builds them; kept by hand (read the call).
COMPUTED = {
    # f"escalation.clock_{kind}", kind being a clock's state ("running" announced as "armed")
    "services/escalation/src/escalation/service_layer/sync.py": {
        "escalation.clock_armed", "escalation.clock_paused", "escalation.clock_stopped"},
    # EVENT.get(timer.kind, "escalation.escalated"): warning, breach, then the ladder's rungs
    "services/escalation/src/escalation/service_layer/timers.py": {
        "escalation.warning", "escalation.breached", "escalation.escalated"},
}


def readme_table() -> dict[str, dict[str, set[str]]]:
    """{process: {"consumes": {...}, "publishes": {...}}} from README.md's table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## What runs where", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in section.splitlines() if line.startswith("|")]
    header, body = rows[0], [r for r in rows[2:] if len(r) == len(rows[0])]
    table = {}
    for row in body:
        cells = dict(zip(header, row, strict=True))
        process = cells["process"].strip("`")
        table[process] = {column: events_in(cells[column]) for column in ("consumes", "publishes")}
    return table


def events_in(cell: str) -> set[str]:
    """`a.x`/`y` is shorthand for a.x and a.y; text outside backticks is not an event."""
    events, area = set(), ""
    for token in re.findall(r"`([^`]+)`", cell):
        if not EVENT.fullmatch(token):
            continue
        if "." in token:
            area = token.split(".", 1)[0]
            events.add(token)
        elif area:
            events.add(f"{area}.{token}")
    return events


def emits(source: Path) -> tuple[dict[str, list[str]], set[str]]:
    """Literal event types emitted under `source` ({type: [where]}) and the files that build
    one at run time."""
    literal: dict[str, list[str]] = {}
    computed: set[str] = set()
    for path in sorted(source.rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "emit" and node.args):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                literal.setdefault(first.value, []).append(f"{where}:{node.lineno}")
            else:
                computed.add(where)
    return literal, computed


def published(service: str) -> dict[str, list[str]]:
    literal, computed = emits(ROOT / "services" / service / "src")
    for where in computed:
        for event_type in COMPUTED.get(where, ()):
            literal.setdefault(event_type, []).append(f"{where} (computed)")
    return literal


def consumed(service: str) -> set[str]:
    """The event types the service's bootstrap subscribes to."""
    if service == "intake":
        from intake import bootstrap as intake
        return set(intake.subscriptions(Sealer(bytes(32))))
    if service == "routing":
        from routing import bootstrap as routing
        return set(routing.EVENT_TYPES)
    if service == "case":
        from case import bootstrap as case
        return set(case.EVENT_TYPES)
    if service == "escalation":
        from escalation import bootstrap as escalation
        return set(escalation.EVENT_TYPES)
    from notification import bootstrap as notification
    return set(notification.ON)


def mismatch(service: str, column: str, code: dict[str, str], readme: set[str]) -> list[str]:
    """One line per event the code and the README disagree on; `code` says where each is."""
    row = f"README's 'What runs where' row for `{service}`"
    return ([f"{row} does not list {e!r} under {column}, but {code[e]}"
             for e in sorted(set(code) - readme)]
            + [f"{row} lists {e!r} under {column}, but services/{service} does not "
               f"{column.removesuffix('s')} it" for e in sorted(readme - set(code))])


def test_the_table_has_a_row_per_service_and_the_gateway() -> None:
    assert {*SERVICES, "gateway"} <= set(readme_table())


@pytest.mark.parametrize("service", SERVICES)
def test_published_events_match_the_readme(service: str) -> None:
    code = {e: "it is emitted at " + ", ".join(where) for e, where in published(service).items()}
    problems = mismatch(service, "publishes", code, readme_table()[service]["publishes"])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("service", SERVICES)
def test_consumed_events_match_the_readme(service: str) -> None:
    where = f"{service}.bootstrap subscribes to it"
    code = dict.fromkeys(consumed(service), where)
    problems = mismatch(service, "consumes", code, readme_table()[service]["consumes"])
    assert not problems, "\n".join(problems)


def test_the_gateway_publishes_and_consumes_nothing() -> None:
    literal, computed = emits(ROOT / "gateway" / "src")
    assert not literal and not computed, f"the gateway emits events: {literal or computed}"
    assert readme_table()["gateway"] == {"consumes": set(), "publishes": set()}


def test_every_computed_event_type_is_listed_here() -> None:
    computed = set().union(*(emits(ROOT / "services" / s / "src")[1] for s in SERVICES))
    assert computed == set(COMPUTED), (
        "an event type built at run time must be listed in COMPUTED with what it can be: "
        f"unlisted {sorted(computed - set(COMPUTED))}, "
        f"no longer computed {sorted(set(COMPUTED) - computed)}")

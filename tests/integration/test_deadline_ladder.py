"""End to end through the gateway: a letter registered late has already missed its deadline; the
escalation service fires at once and the case climbs the hospital's ladder, each rung told;
the ledger, the rebuild and the policy API show the same story."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from casebridge_platform.db import ALL_TENANTS
from notification.adapters.tables import deliveries

from tests.integration.conftest import Platform
from tests.support import routed

LETTER = {
    "kind": "complaint", "channel": "letter",
    "content": "住院期间护士态度恶劣，多次呼叫无人应答，输液结束后半小时才来拔针",
    "complainant": {"name": "赵六", "phone": "13900000006"},
    "respondent": {"department": "护理部"},
}
RUNGS = ["deadline_warning", "deadline_breach", "deadline_escalated", "deadline_escalated"]


async def recipients(platform: Platform, case_id: str) -> dict[str, set[str]]:
    async with platform.runtimes["notification"].engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(sa.text(f"SET casebridge.tenant = '{ALL_TENANTS}'"))
        rows = (await conn.execute(sa.select(deliveries.c.template, deliveries.c.recipient)
                                   .where(deliveries.c.case_id == case_id))).all()
    out: dict[str, set[str]] = {}
    for template, recipient in rows:
        out.setdefault(template, set()).add(recipient)
    return out


async def test_a_missed_deadline_climbs_the_ladder_and_each_rung_is_told(
        platform: Platform) -> None:
    clerk = platform.auth()
    received = datetime.now(UTC) - timedelta(days=20)  # the letter lay unopened
    answer = await platform.http.post("/v1/complaints", headers=clerk, json={
        **LETTER, "received_at": received.isoformat()})
    assert answer.status_code == 201, answer.text
    case_id = answer.json()["case_id"]
    await platform.wait_for_case(case_id, routed, clerk)
    accepted = await platform.http.post(f"/v1/cases/{case_id}/actions", headers=clerk,
                                        json={"action": "accept"})
    assert accepted.status_code == 200, accepted.text
    handler = accepted.json()["handler_id"]

    def climbed(case: dict) -> bool:
        types = [e["type"] for e in case["timeline"]]
        return sorted(t for t in types if t.startswith("deadline_") and t != "deadline_set") \
            == sorted(RUNGS)

    case = await platform.wait_for_case(case_id, climbed, clerk, timeout=30)
    assert datetime.fromisoformat(case["due_at"]) < datetime.now(UTC), "shown as overdue"
    escalated = [e["summary"] for e in case["timeline"] if e["type"] == "deadline_escalated"]
    assert any("分管院长" in s for s in escalated)
    assert any("医疗纠纷处理领导小组" in s for s in escalated)

    told: dict[str, set[str]] = {}
    for _ in range(200):
        told = await recipients(platform, case_id)
        if len(told.get("deadline_escalated", ())) >= 2:
            break
        await asyncio.sleep(0.05)
    assert f"user:{handler}" in told["deadline_warning"]          # 科室: the handler
    assert "department:护理部" in told["deadline_warning"]
    assert {"department:医务处", "role:supervisor"} <= told["deadline_missed"]  # 医务科
    assert {"role:leader", "role:supervisor"} <= told["deadline_escalated"]    # 院长, 领导小组

    supervisor = platform.auth(role="supervisor", user="hosp-supervisor")
    ledger = (await platform.http.get("/v1/deadline-ledger", headers=supervisor)).json()
    assert [(t["department"], t["breaches"]) for t in ledger["totals"]] == [("护理部", 1)]
    rebuilt = await platform.http.post(f"/v1/cases/{case_id}/deadlines/rebuild",
                                       headers=supervisor)
    assert rebuilt.status_code == 200 and rebuilt.json()["changed"] is False
    [clock] = rebuilt.json()["clocks"]
    assert clock["name"] == "answer_simple" and clock["breached"]


async def test_the_policy_shows_its_sources_and_a_legal_deadline_is_not_loosened(
        platform: Platform) -> None:
    admin = platform.auth("demo-12315", "admin", "cc-admin")
    policy = (await platform.http.get("/v1/deadline-policy", headers=admin)).json()
    acceptance = next(c for c in policy["clocks"] if c["name"] == "acceptance")
    assert acceptance["legal"] and "第十四条" in acceptance["cite"]
    loosened = await platform.http.patch("/v1/deadline-policy", headers=admin, json={
        "clocks": [{"name": "acceptance", "amount": 10}]})
    assert loosened.status_code == 422
    problem = loosened.json()
    assert loosened.headers["content-type"].startswith("application/problem+json")
    assert "never lengthen" in str(problem)
    unchanged = (await platform.http.get("/v1/deadline-policy", headers=admin)).json()
    assert next(c for c in unchanged["clocks"] if c["name"] == "acceptance")["amount"] == 7
    tightened = await platform.http.patch("/v1/deadline-policy", headers=admin, json={
        "clocks": [{"name": "acceptance", "amount": 5}]})
    assert tightened.status_code == 200, tightened.text
    assert next(c for c in tightened.json()["clocks"]
                if c["name"] == "acceptance")["amount"] == 5
    handler = platform.auth("demo-12315", "handler", "cc-h1a")
    forbidden = await platform.http.patch("/v1/deadline-policy", headers=handler, json={
        "warn_fraction": 0.5})
    assert forbidden.status_code == 403
    years = (await platform.http.get("/v1/calendar/years", headers=handler)).json()
    assert 2026 in years["official"]
    bad_year = await platform.http.put("/v1/calendar/years/2027", headers=admin, json={
        "holidays": [{"date": "2027-01-01", "name": "元旦"}],
        "workdays": [{"date": "2027-01-05", "name": "元旦"}]})
    assert bad_year.status_code == 422 and "Saturday or Sunday" in bad_year.text

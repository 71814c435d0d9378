"""The complainant's portal: the wrong-code throttle held by every gateway replica together,
and the follow-up the complainant gives online (rating, a re-look within the rounds)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from gateway.app import create_app

from tests.integration.conftest import Platform
from tests.integration.test_scenarios import BILLING, Desk, hospital

WRONG = {"X-Access-Code": "WRONGCODE234"}


@asynccontextmanager
async def second_gateway(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    """Another replica: its own app and process state, the same services and NATS."""
    app = create_app(platform.settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway-b") as http:
            yield http


async def test_two_gateways_share_the_count_of_wrong_codes(platform: Platform) -> None:
    clerk = hospital(platform)
    first, other = await clerk.submit(BILLING), await clerk.submit(
        {**BILLING, "content": "门诊挂号处态度恶劣，拒绝解释收费项目", "complainant":
         {"name": "赵六", "phone": "13700000009", "relation": "本人"}})
    for submitted in (first, other):        # opened by the case service (asynchronously)
        await clerk.case(submitted["case_id"])
    portal = f"/v1/portal/demo-hospital/cases/{first['case_number']}"
    right = {"X-Access-Code": first["access_code"]}
    assert (await platform.http.get(portal, headers=right)).status_code == 200
    async with second_gateway(platform) as replica_b:
        replicas = [platform.http, replica_b]
        for attempt in range(5):            # 3 on one replica, 2 on the other: 5 in all
            wrong = await replicas[attempt % 2].get(portal, headers=WRONG)
            assert wrong.status_code == 404, wrong.text
        for replica in replicas:            # now the right code too waits for the window
            throttled = await replica.get(portal, headers=right)
            assert throttled.status_code == 429, throttled.text
            assert 0 < int(throttled.headers["Retry-After"]) <= 900
            assert "too many wrong access codes" in throttled.json()["detail"]
            refused = await replica.post(f"{portal}/materials", headers=right,
                                         json={"description": "发票"})
            assert refused.status_code == 429
        elsewhere = f"/v1/portal/demo-hospital/cases/{other['case_number']}"
        assert (await replica_b.get(elsewhere, headers={
            "X-Access-Code": other["access_code"]})).status_code == 200   # per case number


async def answered(platform: Platform, case_id: str, text: str, round_: int = 1) -> None:
    clerk, supervisor = hospital(platform), hospital(platform, "supervisor", "hosp-supervisor")
    case = await clerk.case(case_id)
    handler = hospital(platform, "handler", case["handler_id"], case["department"])
    if round_ == 1:
        await clerk.act(case_id, "accept")
        await handler.act(case_id, "start_investigation")
    await handler.act(case_id, "propose", text=f"处理意见：{text}")
    await supervisor.act(case_id, "approve_proposal", note="同意")
    await handler.act(case_id, "answer", mode="written", text=text)


async def test_the_complainant_rates_the_answer_and_asks_for_a_re_look_within_the_rounds(
        platform: Platform) -> None:
    clerk = hospital(platform)
    submitted = await clerk.submit(BILLING)
    case_id, code = submitted["case_id"], {"X-Access-Code": submitted["access_code"]}
    portal = f"/v1/portal/demo-hospital/cases/{submitted['case_number']}"
    await answered(platform, case_id, "经核实收费无误，不予退费")
    seen = (await platform.http.get(portal, headers=code)).json()
    assert seen["status"] == "answered" and seen["answers"][0]["text"] == "经核实收费无误，不予退费"
    assert seen["answers"][0]["answered_by"] in (None, "")        # never a handler's name
    assert set(seen["allowed_actions"]) == {"follow_up", "add_material", "withdraw"}
    early = await platform.http.post(f"{portal}/reopening", headers=code,
                                     json={"reason": "还没评价就要求复核"})
    assert early.status_code == 409, early.text
    rated = await platform.http.post(f"{portal}/survey", headers=code,
                                     json={"rating": 2, "solved": False, "note": "CT确实重复"})
    assert rated.status_code == 200, rated.text
    assert rated.json()["status"] == "follow_up" and "reopen" in rated.json()["allowed_actions"]
    again = await platform.http.post(f"{portal}/reopening", headers=code,
                                     json={"reason": "CT重复收费的账单未核对"})
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["round"]) == ("investigating", 2)
    staff = await clerk.case(case_id)
    entry = staff["timeline"][-1]
    assert (entry["type"], entry["actor"], entry["reason"]) == \
        ("reopen", "complainant", "CT重复收费的账单未核对")
    await answered(platform, case_id, "复核后仍认为收费无误", round_=2)
    await platform.http.post(f"{portal}/survey", headers=code,
                             json={"rating": 1, "solved": False})
    last = await platform.http.post(f"{portal}/reopening", headers=code,
                                    json={"reason": "仍不满意"})
    assert last.status_code == 409, last.text          # the tenant's two rounds are used up
    assert "leader" in last.json()["detail"]
    assert (await clerk.case(case_id))["escalated"]


async def test_a_satisfied_complainant_cannot_ask_for_a_re_look(platform: Platform) -> None:
    desk = Desk(platform, "demo-hospital", "intake_clerk", "hosp-clerk")
    submitted = await desk.submit(BILLING)
    code = {"X-Access-Code": submitted["access_code"]}
    portal = f"/v1/portal/demo-hospital/cases/{submitted['case_number']}"
    await answered(platform, submitted["case_id"], "已退还380元")
    rated = await platform.http.post(f"{portal}/survey", headers=code,
                                     json={"rating": 5, "solved": True})
    assert "reopen" not in rated.json()["allowed_actions"]
    refused = await platform.http.post(f"{portal}/reopening", headers=code,
                                       json={"reason": "再看看"})
    assert refused.status_code == 409 and "satisfied" in refused.json()["detail"]
    twice = await platform.http.post(f"{portal}/survey", headers=code,
                                     json={"rating": 4, "solved": True})
    assert twice.status_code == 409                    # one rating per answer

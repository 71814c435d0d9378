"""Cases that cross institutions along the legal paths, through the gateway with every service
on NATS and a database: a medical dispute from the hospital to the 医调委 (mediation fails),
to the health bureau and on to the 医学会 for appraisal, then filed with a court; a 12315
complaint sent to the company for settlement (ODR) and back. Each side keeps its own case and
clocks, the outcome flows back at each step, and no institution sees another's cases."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from case.adapters.tables import transfer_messages
from case.domain.transfer import Agency
from case.service_layer import inbound

from tests.integration.conftest import BOTH, Platform
from tests.integration.test_scenarios import Desk

pytestmark = pytest.mark.usefixtures("platform")

DISPUTE = {"kind": "complaint", "channel": "visit",
           "content": "父亲在心内科介入手术后脑梗，家属认为术中操作存在过错，要求赔偿",
           "demands": "赔偿医疗费、护理费共5万元", "facts": "11月2日介入手术，11月3日脑梗",
           "claimed_amount": "50000", "respondent": {"department": "心内科"},
           "complainant": {"name": "蒋十三", "phone": "13800000013", "relation": "家属"}}


def entry(kind: str) -> Callable[[dict], bool]:
    """The case has the entry and is in the status it led to. (On PostgreSQL a case read
    between two statements may show the new timeline with the old row: READ COMMITTED.)"""
    def done(case: dict) -> bool:
        found = [e for e in case["timeline"] if e["type"] == kind]
        return bool(found) and found[-1]["to_status"] in (None, case["status"])
    return done


async def clock(desk: Desk, case_id: str, name: str, state: str) -> dict:
    """The case's clock once the escalation service has it in `state`."""
    for _ in range(400):
        found = {c["name"]: c for c in await desk.get(f"/v1/cases/{case_id}/deadlines")}
        if name in found and found[name]["state"] == state:
            return found[name]
        await asyncio.sleep(0.05)
    raise AssertionError(f"{name} never {state}: {found}")


async def notices(desk: Desk, template: str) -> list[dict]:
    """The desk's in-app notices of a template, once there are any."""
    for _ in range(200):
        found = [n for n in await desk.get("/v1/notifications") if n["template"] == template]
        if found:
            return found
        await asyncio.sleep(0.05)
    return []


async def arrived(desk: Desk, transfer_id: str) -> dict:
    """The linked case intake registered for an offer, once routed."""
    for _ in range(400):
        offers = await desk.get("/v1/transfers", direction="in")
        found = [o for o in offers if o["transfer_id"] == transfer_id and o["case_number"]]
        if found:
            return await desk.case(found[0]["case_id"])
        await asyncio.sleep(0.05)
    raise AssertionError("the offer never arrived")


@BOTH
async def test_a_medical_dispute_takes_the_legal_paths_to_court(platform: Platform) -> None:
    office = Desk(platform, "demo-hospital", "supervisor", "hosp-supervisor")
    case = await office.case((await office.submit(DISPUTE))["case_id"])
    case_id = case["case_id"]
    await office.act(case_id, "accept")
    await office.act(case_id, "start_investigation")

    # a public hospital may not settle a claim of 30,000 元 or more by itself
    refused = await office.act(case_id, "propose", expect=409, text="补偿2万元",
                               compensation="20000")
    assert "legal path" in refused["detail"]
    closed = await office.act(case_id, "close", expect=409, disposition="resolved")
    assert "may not settle it by negotiation" in closed["detail"]

    paths = {p["id"]: p for p in await office.get("/v1/transfer-paths")}
    assert {"people_mediation", "administrative_mediation", "accident_appraisal",
            "court"} <= set(paths)
    assert paths["people_mediation"]["agencies"] == ["demo-mediation"]
    assert paths["accident_appraisal"]["agencies"] == ["demo-health-bureau"]
    off_path = await office.act(case_id, "transfer", expect=422, path="odr_settlement",
                                to_agency="demo-company", reason_code="odr_chosen")
    assert "people_mediation" in off_path["errors"][0]["message"]
    wrong = await office.act(case_id, "transfer", expect=422, path="people_mediation",
                             to_agency="demo-company", reason_code="negotiation_failed",
                             consent=True)
    assert "demo-mediation" in wrong["errors"][0]["message"]
    no_consent = await office.act(case_id, "transfer", expect=409, path="people_mediation",
                                  to_agency="demo-mediation", reason_code="negotiation_failed")
    assert "consent" in no_consent["detail"] and "条" in no_consent["detail"]

    # 1. hospital → 医调委: the mediation fails
    sent = await office.act(case_id, "transfer", path="people_mediation",
                            to_agency="demo-mediation", reason_code="large_claim", consent=True,
                            note="患方索赔5万元，双方同意人民调解")
    assert sent["status"] == "transferred" and sent["transfers"][0]["status"] == "offered"
    await office.case(case_id, lambda c: any(  # the complainant is told where it went
        "transfer_notice delivered" in e["summary"] for e in c["timeline"]))
    await clock(office, case_id, "answer_dispute", "paused")   # its own clock waits
    committee = Desk(platform, "demo-mediation", "supervisor", "med-supervisor")
    linked = await arrived(committee, sent["transfers"][0]["transfer_id"])
    assert linked["status"] == "received" and linked["channel"] == "transfer"
    assert "demo-hospital" in linked["referred_by"] and linked["complainant"]["name"] == "蒋十三"
    assert any(e["type"] == "transferred_in" for e in linked["timeline"])
    [told] = await notices(committee, "transfer_offered")
    assert "示范县人民医院" in told["body"] and case["case_number"] in told["body"]
    assert "蒋十三" not in told["body"] and "13800000013" not in told["body"]
    await committee.act(linked["case_id"], "accept")
    waiting = await office.case(case_id, entry("transfer_accepted"))
    assert waiting["status"] == "transferred"
    await clock(office, case_id, "people_mediation_wait", "running")
    await clock(committee, linked["case_id"], "mediation", "running")
    # 404 for what belongs to another institution: reading, acting, listing
    await _invisible(platform, committee, case_id, office)
    await committee.act(linked["case_id"], "close", expect=409, disposition="mediated")
    failed = await committee.act(linked["case_id"], "report_outcome", outcome="mediation_failed",
                                 text="双方对赔偿数额分歧较大，调解终止")
    assert (failed["status"], failed["disposition"]) == ("closed", "concluded")
    back = await office.case(case_id, entry("transfer_outcome"))
    assert back["status"] == "investigating" and back["transfers"][0]["outcome"] == \
        "mediation_failed"
    await clock(office, case_id, "people_mediation_wait", "stopped")

    # 2. hospital → health bureau (医疗事故技术鉴定 application) → 医学会
    sent = await office.act(case_id, "transfer", path="accident_appraisal",
                            to_agency="demo-health-bureau", reason_code="accident_dispute")
    bureau = Desk(platform, "demo-health-bureau", "supervisor", "hb-supervisor")
    hb_case = await arrived(bureau, sent["transfers"][-1]["transfer_id"])
    await clock(bureau, hb_case["case_id"], "accident_acceptance", "running")
    await bureau.act(hb_case["case_id"], "accept")
    await office.case(case_id, lambda c: sum(e["type"] == "transfer_accepted"
                                              for e in c["timeline"]) == 2)
    hb_sent = await bureau.act(hb_case["case_id"], "transfer", path="technical_appraisal",
                               to_agency="demo-medical-association",
                               reason_code="first_appraisal")
    assert hb_sent["status"] == "transferred"
    association = Desk(platform, "demo-medical-association", "supervisor", "ma-supervisor")
    [out] = [t for t in hb_sent["transfers"] if t["direction"] == "out"]
    ma_case = await arrived(association, out["transfer_id"])
    await association.act(ma_case["case_id"], "accept")
    await clock(association, ma_case["case_id"], "appraisal", "running")
    await association.act(ma_case["case_id"], "report_outcome", outcome="appraisal_conclusion",
                          text="医疗事故技术鉴定书：构成四级医疗事故，医方负次要责任")
    hb_back = await bureau.case(hb_case["case_id"], entry("transfer_outcome"))
    assert hb_back["status"] in ("accepted", "assigned")
    await bureau.act(hb_case["case_id"], "report_outcome", outcome="appraisal_conclusion",
                     text="鉴定结论：四级医疗事故，医方负次要责任")
    # the bureau's outcome brings the case back; wait for that, not for a count of entries
    back = await office.case(case_id, lambda c: c["status"] == "investigating" and sum(
        e["type"] == "transfer_outcome" for e in c["timeline"]) >= 2)
    assert [t["outcome"] for t in back["transfers"]] == ["mediation_failed",
                                                         "appraisal_conclusion"]

    # 3. the family sues: the filing and the judgement are recorded by the hospital
    filed = await office.act(case_id, "transfer", path="court", to_agency="示范县人民法院",
                             reason_code="mediation_failed")
    assert filed["status"] == "transferred" and filed["transfers"][-1]["status"] == "filed"
    judged = await office.act(case_id, "report_outcome", outcome="judgement",
                              text="一审判决医方赔偿3.2万元", amount="32000")
    assert (judged["status"], judged["disposition"]) == ("closed", "judged")
    steps = [e["type"] for e in judged["timeline"]
             if e["type"].startswith(("transfer", "report_outcome"))]
    assert steps == ["transfer", "transfer_accepted", "transfer_outcome", "transfer",
                     "transfer_accepted", "transfer_outcome", "transfer", "report_outcome"]


async def _invisible(platform: Platform, other: Desk, case_id: str, owner: Desk) -> None:
    """Another institution's case by its id: not read, not acted on, not listed; the attempts
    leave nothing on it."""
    before = await owner.case(case_id)
    answer = await platform.http.get(f"/v1/cases/{case_id}", headers=other.headers)
    assert answer.status_code == 404
    await other.act(case_id, "add_note", expect=404, text="看看")
    await other.act(case_id, "report_outcome", expect=404, outcome="mediation_agreement",
                    text="伪造的结果")
    listed = await other.get("/v1/cases", page_size=200)
    assert case_id not in {c["case_id"] for c in listed["items"]}
    assert all(t["direction"] == "in" for t in await other.get("/v1/transfers"))
    after = await owner.case(case_id)   # (the escalation service may add its own entries)
    assert after["status"] == before["status"]
    assert not [e for e in after["timeline"] if e["type"] in ("add_note", "report_outcome")
                or e["actor"] == other.user]


async def test_12315_sends_a_complaint_to_the_company_and_settles_it_the_second_time(
        platform: Platform) -> None:
    center = Desk(platform, "demo-12315", "supervisor", "c12315-supervisor")
    case = await center.case((await center.submit({
        "kind": "complaint", "channel": "phone",
        "content": "网购的电热水壶使用一周后漏电，要求退货",
        "demands": "退货退款", "respondent": {"unit": "示范电器有限公司"},
        "facts": "11月10日网购，11月17日使用时漏电跳闸",
        "complainant": {"name": "韩十四", "phone": "13800000014",
                        "address": "示范县人民路1号"}}))["case_id"])
    case_id = case["case_id"]
    company = Desk(platform, "demo-company", "supervisor", "co-supervisor")
    said = {"not_settled": "已与消费者协商，未达成一致", "settled": "同意退货退款"}
    for attempt, outcome in enumerate(said):
        sent = await center.act(case_id, "transfer", path="odr_settlement",
                                to_agency="demo-company", reason_code="odr_chosen",
                                consent=True)
        await clock(center, case_id, "odr_wait", "running")
        linked = await arrived(company, sent["transfers"][-1]["transfer_id"])
        await clock(company, linked["case_id"], "odr_settlement", "running")
        await company.act(linked["case_id"], "accept")
        await company.act(linked["case_id"], "report_outcome", outcome=outcome,
                          text=said[outcome])
        back = await center.case(case_id, lambda c, n=attempt + 1: sum(
            e["type"] == "transfer_outcome" for e in c["timeline"]) == n)
        if outcome == "not_settled":
            assert back["status"] == "received", "back with 12315, to accept and mediate"
            await clock(center, case_id, "acceptance", "running")
    assert (back["status"], back["disposition"]) == ("closed", "resolved")


@BOTH
async def test_the_same_offer_delivered_twice_makes_one_transfer(platform: Platform) -> None:
    """The message is the unit of delivery: a redelivered offer is applied once."""
    office = Desk(platform, "demo-hospital", "supervisor", "hosp-supervisor")
    case = await office.case((await office.submit(DISPUTE))["case_id"])
    await office.act(case["case_id"], "accept")
    request = {"action": "transfer", "path": "people_mediation", "to_agency": "demo-mediation",
               "reason_code": "joint_application", "consent": True}
    headers = {**office.headers, "Idempotency-Key": "transfer-1"}
    answers = [await platform.http.post(f"/v1/cases/{case['case_id']}/actions", json=request,
                                        headers=headers) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    sent = answers[1].json()
    assert len(sent["transfers"]) == 1, "the request retried with its key is applied once"
    committee = Desk(platform, "demo-mediation", "supervisor", "med-supervisor")
    await arrived(committee, sent["transfers"][0]["transfer_id"])
    runtime = platform.runtimes["case"]
    async with runtime.uow() as uow:
        await uow.all_tenants()
        row = (await uow.conn.execute(sa.select(transfer_messages).where(
            transfer_messages.c.transfer_id == sent["transfers"][0]["transfer_id"]))).one()
    msg = {"message_id": row.message_id, "transfer_id": row.transfer_id, "type": "offer",
           "from_agency": "demo-hospital", "to_agency": "demo-mediation",
           "path": "people_mediation", "body": {"package": {}}, "sent_at": "2026-11-22T00:00Z"}
    async with runtime.uow() as uow:
        applied = await inbound.receive(uow, msg, sender=Agency(
            "demo-hospital", "hospital", ""))
        await uow.commit()
    assert applied is False
    await asyncio.sleep(0.5)
    offers = [o for o in await committee.get("/v1/transfers", direction="in")
              if o["transfer_id"] == row.transfer_id]
    assert len(offers) == 1


async def test_a_declined_and_a_returned_transfer_give_the_case_back(platform: Platform) -> None:
    office = Desk(platform, "demo-hospital", "supervisor", "hosp-supervisor")
    case = await office.case((await office.submit(DISPUTE))["case_id"])
    case_id = case["case_id"]
    await office.act(case_id, "accept")
    sent = await office.act(case_id, "transfer", path="administrative_mediation",
                            to_agency="demo-health-bureau", reason_code="joint_application",
                            consent=True)
    bureau = Desk(platform, "demo-health-bureau", "supervisor", "hb-supervisor")
    offered = await arrived(bureau, sent["transfers"][0]["transfer_id"])
    await clock(bureau, offered["case_id"], "mediation_acceptance", "running")
    await clock(office, case_id, "admin_mediation_acceptance_wait", "running")
    await bureau.act(offered["case_id"], "refuse", reason="已向人民法院提起诉讼",
                     notice="已向人民法院提起诉讼的，卫生主管部门不予受理行政调解申请。")
    back = await office.case(case_id, entry("transfer_declined"))
    assert back["status"] == "assigned" and back["transfers"][0]["status"] == "declined"
    assert back["transfers"][0]["answer_reason"] == "已向人民法院提起诉讼"
    await clock(office, case_id, "admin_mediation_acceptance_wait", "stopped")

    again = await office.act(case_id, "transfer", path="people_mediation",
                             to_agency="demo-mediation", reason_code="negotiation_failed",
                             consent=True)
    committee = Desk(platform, "demo-mediation", "supervisor", "med-supervisor")
    linked = await arrived(committee, again["transfers"][-1]["transfer_id"])
    await committee.act(linked["case_id"], "accept")
    await office.case(case_id, entry("transfer_accepted"))
    await committee.act(linked["case_id"], "return_transfer", expect=422)   # needs a reason
    returned = await committee.act(linked["case_id"], "return_transfer",
                                   reason="纠纷发生地不在本调委会辖区")
    assert returned["status"] == "referred"
    back = await office.case(case_id, entry("transfer_returned"))
    assert back["status"] == "assigned"
    assert [t["status"] for t in back["transfers"]] == ["declined", "returned"]
    assert "transfer" in back["allowed_actions"]


async def test_a_complainant_who_withdraws_ends_the_offer_at_the_receiver(
        platform: Platform) -> None:
    office = Desk(platform, "demo-hospital", "supervisor", "hosp-supervisor")
    case = await office.case((await office.submit(DISPUTE))["case_id"])
    await office.act(case["case_id"], "accept")
    sent = await office.act(case["case_id"], "transfer", path="people_mediation",
                            to_agency="demo-mediation", reason_code="negotiation_failed",
                            consent=True)
    committee = Desk(platform, "demo-mediation", "supervisor", "med-supervisor")
    linked = await arrived(committee, sent["transfers"][0]["transfer_id"])
    withdrawn = await office.act(case["case_id"], "withdraw", reason="患方决定直接起诉")
    assert (withdrawn["status"], withdrawn["transfers"][0]["status"]) == ("closed", "withdrawn")
    ended = await committee.case(linked["case_id"], entry("transfer_withdrawn"))
    assert (ended["status"], ended["disposition"]) == ("closed", "withdrawn")
    assert ended["transfers"][0]["status"] == "withdrawn"
    assert ended["transfers"][0]["answer_reason"] == "患方决定直接起诉"


async def test_the_petition_bureau_forwards_and_a_wrongly_chosen_body_objects_in_time(
        platform: Platform) -> None:
    """《信访工作条例》: 转送 to the competent body, which may object within 5 working days;
    once it has accepted, the case is its own."""
    bureau = Desk(platform, "demo-petition", "supervisor", "xf-supervisor")
    case = await bureau.case((await bureau.submit({
        "kind": "complaint", "channel": "letter", "content": "反映县医院住院部乱收费，多次反映无果",
        "demands": "查处乱收费并退费", "facts": "10月住院期间被重复收取护理费",
        "complainant": {"name": "杨十五", "phone": "13800000015",
                        "address": "示范县和平路2号"}}))["case_id"])
    case_id = case["case_id"]
    paths = {p["id"]: p for p in await bureau.get("/v1/transfer-paths")}
    assert {"demo-health-bureau", "demo-hospital"} <= set(paths["petition_transfer"]["agencies"])
    sent = await bureau.act(case_id, "transfer", path="petition_transfer",
                            to_agency="demo-health-bureau", reason_code="competent_body")
    health = Desk(platform, "demo-health-bureau", "supervisor", "hb-supervisor")
    linked = await arrived(health, sent["transfers"][0]["transfer_id"])
    await clock(health, linked["case_id"], "petition_objection", "running")
    await health.act(linked["case_id"], "return_transfer",
                     reason="收费问题属医院自身管理事项，应由医院处理")
    back = await bureau.case(case_id, entry("transfer_returned"))
    assert back["status"] == "received"
    await clock(health, linked["case_id"], "petition_objection", "stopped")

    again = await bureau.act(case_id, "transfer", path="petition_transfer",
                             to_agency="demo-hospital", reason_code="local_responsibility")
    hospital = Desk(platform, "demo-hospital", "supervisor", "hosp-supervisor")
    taken = await arrived(hospital, again["transfers"][-1]["transfer_id"])
    await hospital.act(taken["case_id"], "accept")
    done = await bureau.case(case_id, entry("transfer_accepted"))
    assert (done["status"], done["disposition"]) == ("closed", "transferred")
    late = await hospital.act(taken["case_id"], "return_transfer", expect=409,
                              reason="不属于本院")
    assert "taken over" in late["detail"]

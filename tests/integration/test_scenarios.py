"""Scenarios from the seed procedures, through the gateway, every service on NATS and a database.

Hospital (seed 000/001 医院投诉管理制度): a billing complaint to 财务处, answered, followed up,
closed and archived; a complaint spanning 医务处 and 护理部 coordinated by the complaint office;
recusal. Company (seed 000 客户投诉处理流程): product quality to 品管部. 12315 (《市场监督管理
投诉举报处理暂行办法》): a complaint accepted, a report handled as a report, an anonymous report
followed with its access code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from casebridge_platform.db import ALL_TENANTS

from tests.integration.conftest import BOTH, Platform
from tests.support import routed

pytestmark = pytest.mark.usefixtures("platform")

BILLING = {
    "kind": "complaint", "channel": "visit",
    "content": "出院结算时收费处多收了检查费用，一项CT重复收费，要求退费",
    "demands": "退还多收的费用", "complainant": {"name": "王五", "phone": "13700000001",
                                            "relation": "本人"},
    "details": {"patient_name": "王五", "patient_sex": "男", "patient_age": "56",
                "inpatient_number": "ZY2026-0815"},
}


class Desk:
    """One person at a terminal: their token, and the calls they make."""

    def __init__(self, platform: Platform, tenant: str, role: str, user: str,
                 department: str | None = None) -> None:
        self.platform = platform
        self.user = user
        self.headers = platform.auth(tenant, role, user, department)

    async def submit(self, body: dict, expect: int = 201) -> dict:
        answer = await self.platform.http.post("/v1/complaints", json=body,
                                               headers=self.headers)
        assert answer.status_code == expect, answer.text
        return answer.json()

    async def case(self, case_id: str, done: Callable[[dict], bool] = routed) -> dict:
        return await self.platform.wait_for_case(case_id, done, self.headers)

    async def act(self, case_id: str, action: str, expect: int = 200, **fields: object) -> dict:
        answer = await self.platform.http.post(f"/v1/cases/{case_id}/actions",
                                               json={"action": action, **fields},
                                               headers=self.headers)
        assert answer.status_code == expect, answer.text
        return answer.json()

    async def get(self, path: str, **params: object) -> dict | list:
        answer = await self.platform.http.get(path, params=params, headers=self.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()


def hospital(platform: Platform, role: str = "intake_clerk", user: str = "hosp-clerk",
             department: str | None = None) -> Desk:
    return Desk(platform, "demo-hospital", role, user, department)


@BOTH
async def test_a_billing_complaint_from_intake_to_archive(platform: Platform) -> None:
    clerk = hospital(platform)
    submitted = await clerk.submit(BILLING)
    case_id = submitted["case_id"]
    case = await clerk.case(case_id)
    assert (case["category"], case["department"], case["severity"]) == \
        ("医疗收费", "财务处", "一般")
    assert case["details"]["inpatient_number"] == "ZY2026-0815"
    handler_id = case["handler_id"]
    assert handler_id in ("hosp-h10a", "hosp-h10b")
    await clerk.act(case_id, "accept")
    handler = hospital(platform, "handler", handler_id, "财务处")
    supervisor = hospital(platform, "supervisor", "hosp-supervisor")

    refused = await handler.act(case_id, "answer", expect=409, mode="written", text="已退费")
    assert refused["current_status"] == "assigned"
    assert refused["allowed_actions"][0] == "start_investigation"
    assert "cannot answer a case that is assigned" in refused["detail"]

    await handler.act(case_id, "start_investigation")
    await handler.act(case_id, "record_investigation", type="document_review",
                      subject="住院收费明细", summary="CT检查在11月3日重复计费一次")
    await handler.act(case_id, "record_investigation", type="interview_respondent",
                      subject="收费处 李某", summary="承认系统重复提交")
    proposal = await handler.act(case_id, "propose", text="退还重复收取的CT费用并致歉",
                                 compensation="380.00")
    assert proposal["proposals"][0]["required_role"] == "supervisor"
    assert (await handler.act(case_id, "approve_proposal", expect=403))["status"] == 403
    await supervisor.act(case_id, "approve_proposal", note="同意")
    await handler.act(case_id, "answer", mode="written", text="经核实重复收费，已退还380元")
    await clerk.act(case_id, "follow_up", satisfied=True, note="电话回访，表示满意")
    await handler.act(case_id, "close", disposition="resolved")
    case = await supervisor.act(case_id, "archive")

    assert case["status"] == "archived" and case["disposition"] == "resolved"
    assert [r["type"] for r in case["records"]] == ["document_review", "interview_respondent"]
    assert case["proposals"][0]["status"] == "approved"
    assert case["proposals"][0]["decided_by"] == "hosp-supervisor"
    assert case["answers"][0]["mode"] == "written" and case["follow_ups"][0]["satisfied"]
    steps = [(e["type"], e["actor"], e["to_status"]) for e in case["timeline"]
             if e["actor"] != "system"]
    assert steps == [
        ("received", "hosp-clerk", "received"), ("accept", "hosp-clerk", "assigned"),
        ("start_investigation", handler_id, "investigating"),
        ("record_investigation", handler_id, "investigating"),
        ("record_investigation", handler_id, "investigating"),
        ("propose", handler_id, "proposal_made"),
        ("approve_proposal", "hosp-supervisor", "proposal_approved"),
        ("answer", handler_id, "answered"), ("follow_up", "hosp-clerk", "follow_up"),
        ("close", handler_id, "closed"), ("archive", "hosp-supervisor", "archived")]
    assert case["allowed_actions"] == ["link"]  # an archive is otherwise closed to changes
    # the first-contact owner still finds the case among theirs
    mine = await clerk.get("/v1/cases", scope="first_contact")
    assert case_id in [c["case_id"] for c in mine["items"]]


async def test_a_complaint_spanning_two_departments_is_coordinated(platform: Platform) -> None:
    clerk = hospital(platform)
    submitted = await clerk.submit({
        "kind": "complaint", "channel": "letter",
        "content": "医生误诊延误治疗，护士输液时又多次打针不成功",
        "complainant": {"name": "赵六", "phone": "13600000002"},
        "respondent": {"department": "医务处", "other_departments": ["护理部"]}})
    case = await clerk.case(submitted["case_id"])
    assert case["coordinated"] and case["department"] == "投诉管理办公室"
    assert set(case["departments_involved"]) == {"医务处", "护理部"}
    refused = await clerk.act(case["case_id"], "designate_lead", expect=422,
                              department="财务处")
    assert refused["errors"][0]["field"] == "designate_lead.department"
    await clerk.act(case["case_id"], "designate_lead", department="护理部",
                    reason="以护理问题为主")
    case = await clerk.case(case["case_id"], lambda c: c["department"] == "护理部")
    assert not case["coordinated"] and case["handler_id"] in ("hosp-h8a", "hosp-h8b")
    assert case["status"] == "received"
    # the lead's handler proposed (its answer clock, counted from routing, may follow)
    assert [e["type"] for e in case["timeline"] if e["type"] != "deadline_set"][-1] == "assigned"


@BOTH
async def test_a_recused_handler_is_never_assigned_nor_shown(platform: Platform) -> None:
    clerk = hospital(platform)
    # 财务处经办人1 is the person complained about: only 经办人2 may handle it
    for n in range(3):
        body = {**BILLING, "content": f"第{n}次：收费处多收费用，态度蛮横",
                "complainant": {"name": f"患者{n}", "phone": f"1390000000{n}"},
                "respondent": {"department": "财务处", "person": "财务处经办人1"}}
        case = await clerk.case((await clerk.submit(body))["case_id"])
        assert case["handler_id"] == "hosp-h10b", case
    candidates = await clerk.get(f"/v1/cases/{case['case_id']}/candidates")
    assert [c["user_id"] for c in candidates] == ["hosp-h10b"]


async def test_a_handler_who_declares_a_conflict_loses_the_case(platform: Platform) -> None:
    clerk = hospital(platform)
    case = await clerk.case((await clerk.submit(BILLING))["case_id"])
    first = case["handler_id"]
    await clerk.act(case["case_id"], "accept")
    handler = hospital(platform, "handler", first, "财务处")
    other = hospital(platform, "handler", "hosp-h10a" if first == "hosp-h10b" else "hosp-h10b",
                     "财务处")
    assert (await other.act(case["case_id"], "declare_conflict", expect=403,
                            reason="x"))["status"] == 403
    await handler.act(case["case_id"], "declare_conflict", reason="投诉人是我的亲属")
    moved = await clerk.case(case["case_id"], lambda c: c["handler_id"] != first)
    assert moved["handler_id"] in ("hosp-h10a", "hosp-h10b") and moved["status"] == "assigned"
    candidates = await clerk.get(f"/v1/cases/{case['case_id']}/candidates")
    assert first not in [c["user_id"] for c in candidates]


async def test_reclassifying_reroutes_and_severity_alerts_leadership(platform: Platform) -> None:
    clerk = hospital(platform)
    submitted = await clerk.submit({
        "kind": "complaint", "channel": "phone", "content": "对门诊服务不满，已联系记者准备曝光",
        "complainant": {"name": "钱七", "phone": "13500000003"},
        "circumstances": ["media"], "claimed_amount": "50000"})
    case = await clerk.case(submitted["case_id"],
                            lambda c: routed(c) and sum(e["type"] == "notified"
                                                        for e in c["timeline"]) >= 2)
    assert case["severity"] == "重大" and case["severity_reasons"]
    notified = [e["summary"] for e in case["timeline"] if e["type"] == "notified"]
    assert any("to role" in s for s in notified)
    alerts = await clerk.get("/v1/cases", severity="重大")
    assert [c["case_id"] for c in alerts["items"]] == [case["case_id"]]
    await clerk.act(case["case_id"], "reclassify", category="医疗收费", reason="实为收费争议")
    case = await clerk.case(case["case_id"], lambda c: c["department"] == "财务处")
    assert case["category"] == "医疗收费" and case["category_source"] == "staff"


async def test_a_large_settlement_needs_a_leader_and_rounds_are_bounded(
        platform: Platform) -> None:
    clerk = hospital(platform)
    case = await clerk.case((await clerk.submit(BILLING))["case_id"])
    case_id = case["case_id"]
    await clerk.act(case_id, "accept")
    handler = hospital(platform, "handler", case["handler_id"], "财务处")
    supervisor = hospital(platform, "supervisor", "hosp-supervisor")
    leader = hospital(platform, "leader", "hosp-leader")
    await handler.act(case_id, "start_investigation")
    beyond = await handler.act(case_id, "propose", expect=409, text="一次性补偿",
                               compensation="30000")
    assert "may not settle it by negotiation" in beyond["detail"], "三万元以上 includes 30,000"
    await handler.act(case_id, "propose", text="一次性补偿", compensation="15000")
    denied = await supervisor.act(case_id, "approve_proposal", expect=403)
    assert "leader" in denied["detail"]
    await leader.act(case_id, "approve_proposal")
    for round_ in (1, 2):
        await handler.act(case_id, "answer", mode="oral", text="当面答复补偿方案")
        case = await clerk.act(case_id, "follow_up", satisfied=False, note="嫌少")
        if round_ == 1:
            assert not case["escalated"]
            await handler.act(case_id, "reopen", reason="患方不满意，再次处理")
            await handler.act(case_id, "propose", text="补偿方案调整")
            await leader.act(case_id, "approve_proposal")
    assert case["escalated"] and case["round"] == 2
    blocked = await handler.act(case_id, "reopen", expect=409, reason="再议")
    assert "only a leader" in blocked["detail"]
    closed = await handler.act(case_id, "close", expect=409, disposition="resolved")
    assert "satisfied follow-up" in closed["detail"]
    case = await handler.act(case_id, "close", disposition="mediated",
                             reason="转医调委调解")
    assert case["status"] == "closed" and case["disposition"] == "mediated"


async def test_a_company_product_complaint_goes_to_quality(platform: Platform) -> None:
    clerk = Desk(platform, "demo-company", "intake_clerk", "corp-clerk")
    submitted = await clerk.submit({
        "kind": "complaint", "channel": "email",
        "content": "新买的电水壶使用三天就漏电，产品质量有问题，要求退货",
        "complainant": {"unit": "某某商贸有限公司", "email": "buyer@example.com"},
        "details": {"product": "电水壶 K-200", "batch_number": "20261003A",
                    "return_wanted": "true"}})
    case = await clerk.case(submitted["case_id"])
    assert (case["category"], case["department"]) == ("产品质量", "品管部")
    assert case["complainant"]["unit"] == "某某商贸有限公司"


@BOTH
async def test_12315_accepts_a_complaint_and_handles_a_report_as_a_report(
        platform: Platform) -> None:
    clerk = Desk(platform, "demo-12315", "intake_clerk", "cc-clerk")
    anonymous = await clerk.submit({"kind": "complaint", "channel": "phone",
                                    "content": "商场买到假冒商品"}, expect=422)
    assert any(e["field"] == "complainant" for e in anonymous["errors"])
    complaint = await clerk.submit({
        "kind": "complaint", "channel": "phone",
        "content": "在某商场购买的羽绒服质量不合格，掉毛严重",
        "demands": "退货退款", "facts": "11月1日购买，穿两次即大量掉毛",
        "complainant": {"name": "孙八", "phone": "13400000004", "address": "示范县人民路1号"},
        "respondent": {"unit": "示范县某商场"}})
    case = await clerk.case(complaint["case_id"], lambda c: routed(c) and c["due_at"])
    assert "第十四条" in case["deadline_rule"]
    case = await clerk.act(case["case_id"], "accept")
    assert case["status"] in ("assigned", "accepted")

    report = await clerk.submit({
        "kind": "report", "channel": "web", "content": "某超市销售过期食品",
        "complainant": {"name": "举报人甲", "phone": "13300000005"}})
    assert report["complainant"] is None and not report["anonymous"]
    assert report["identity_withheld"]
    handler = Desk(platform, "demo-12315", "handler", "cc-h7a", "食品安全监管科")
    handler_view = await handler.case(report["case_id"])
    assert handler_view["kind"] == "report" and handler_view["identity_withheld"]
    assert handler_view["complainant"] is None
    assert "reveal_identity" not in handler_view["allowed_actions"]
    await handler.act(report["case_id"], "reveal_identity", expect=403, reason="想知道")
    supervisor = Desk(platform, "demo-12315", "supervisor", "cc-supervisor")
    await supervisor.act(report["case_id"], "reveal_identity", expect=422)
    revealed = await supervisor.act(report["case_id"], "reveal_identity",
                                    reason="核实举报线索需回电举报人")
    assert revealed["complainant"]["name"] == "举报人甲"
    assert revealed["complainant"]["phone"] == "13300000005"
    audit = revealed["timeline"][-1]
    assert (audit["type"], audit["actor"], audit["reason"]) == \
        ("reveal_identity", "cc-supervisor", "核实举报线索需回电举报人")
    assert (await supervisor.case(report["case_id"]))["identity_withheld"], "only that answer"
    await assert_nowhere_in_clear(platform, "举报人甲", "13300000005")


async def assert_nowhere_in_clear(platform: Platform, *secrets: str) -> None:
    """Not in any service's tables, outbox included (what JetStream carries and stores)."""
    for name, runtime in platform.runtimes.items():
        async with runtime.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(sa.text(f"SET casebridge.tenant = '{ALL_TENANTS}'"))
            for table in (await conn.run_sync(lambda c: sa.inspect(c).get_table_names())):
                rows = (await conn.execute(
                    sa.select(sa.text("*")).select_from(sa.table(table)))).all()
                dump = repr(rows)
                for secret in secrets:
                    assert secret not in dump, f"{secret!r} in clear in {name}.{table}"
                    assert repr(secret.encode())[2:-1] not in dump, \
                        f"{secret!r} in clear (UTF-8 bytes) in {name}.{table}"


async def test_an_anonymous_report_is_followed_with_its_access_code(platform: Platform) -> None:
    clerk = Desk(platform, "demo-12315", "intake_clerk", "cc-clerk")
    submitted = await clerk.submit({"kind": "report", "channel": "web",
                                    "content": "某餐馆后厨卫生极差，使用过期食材"})
    code, number = submitted["access_code"], submitted["case_number"]
    await clerk.case(submitted["case_id"])
    await clerk.act(submitted["case_id"], "accept")
    portal = f"/v1/portal/demo-12315/cases/{number}"
    seen = await platform.http.get(portal, headers={"X-Access-Code": code})
    assert seen.status_code == 200, seen.text
    view = seen.json()
    assert view["status"] in ("assigned", "accepted") and view["handler_id"] is None
    assert all(e["actor"] is None for e in view["timeline"])
    added = await platform.http.post(f"{portal}/materials", headers={"X-Access-Code": code},
                                     json={"description": "后厨照片三张"})
    assert added.status_code == 200, added.text
    assert added.json()["materials"][0]["added_by"] == "complainant"
    staff_view = await clerk.case(submitted["case_id"])
    assert staff_view["materials"][0]["description"] == "后厨照片三张"
    wrong = await platform.http.get(portal, headers={"X-Access-Code": "WRONGCODE234"})
    assert wrong.status_code == 404
    for _ in range(5):
        await platform.http.get(portal, headers={"X-Access-Code": "WRONGCODE234"})
    throttled = await platform.http.get(portal, headers={"X-Access-Code": code})
    assert throttled.status_code == 429


@BOTH
async def test_a_possible_duplicate_is_flagged_and_merged(platform: Platform) -> None:
    clerk = hospital(platform)
    first = await clerk.submit(BILLING)
    await clerk.case(first["case_id"])
    second = await clerk.submit({**BILLING, "channel": "phone",
                                 "content": "出院结算时收费处多收了CT检查费用，重复收费，要求退费"})
    assert second["possible_duplicates"][0]["case_id"] == first["case_id"]
    assert "same phone" in second["possible_duplicates"][0]["reasons"]
    await clerk.case(second["case_id"])
    merged = await clerk.act(second["case_id"], "merge", into_case_id=first["case_id"],
                             reason="同一投诉人重复投诉")
    assert merged["status"] == "closed" and merged["disposition"] == "merged"
    target = await clerk.case(first["case_id"])
    assert target["links"][0]["relation"] == "merged_from"
    assert target["co_complainants"][0]["name"] == "王五"


@BOTH
async def test_listing_filters_sorts_and_pages(platform: Platform) -> None:
    clerk = hospital(platform)
    ids = []
    for n in range(3):
        body = {**BILLING, "content": f"第{n}件 收费处多收费用",
                "complainant": {"name": f"列表{n}", "phone": f"1380000010{n}"}}
        ids.append((await clerk.submit(body))["case_id"])
    other = await clerk.submit({**BILLING, "channel": "letter", "content": "护士输液打针多次不成功",
                                "complainant": {"name": "列表x", "phone": "13800000199"}})
    for case_id in [*ids, other["case_id"]]:
        await clerk.case(case_id)
    found = await clerk.get("/v1/cases", q="收费处", sort="received_at", page_size=2)
    assert [c["case_id"] for c in found["items"]] == ids[:2]
    rest = await clerk.get("/v1/cases", q="收费处", sort="received_at", page_size=2,
                           page_token=found["next_page_token"])
    assert [c["case_id"] for c in rest["items"]] == ids[2:] and rest["next_page_token"] is None
    letters = await clerk.get("/v1/cases", channel="letter")
    assert [c["case_id"] for c in letters["items"]] == [other["case_id"]]
    assert (await clerk.get("/v1/cases", overdue=True))["items"] == []
    nurse = hospital(platform, "handler", "hosp-h8a", "护理部")
    theirs = await nurse.get("/v1/cases", scope="my_department")
    assert [c["case_id"] for c in theirs["items"]] == [other["case_id"]]
    # a handler sees their department's cases (by id: the pipeline may still be updating them)
    assert [c["case_id"] for c in (await nurse.get("/v1/cases"))["items"]] == [other["case_id"]]
    bad = await platform.http.get("/v1/cases", params={"sort": "name"}, headers=clerk.headers)
    assert bad.status_code == 422
    unknown = await platform.http.get("/v1/cases", params={"status": "done"},
                                      headers=clerk.headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "status"


async def test_a_health_bureau_mediates_a_dispute_and_refuses_one_in_court(
        platform: Platform) -> None:
    """《医疗纠纷预防和处理条例》: administrative mediation on application, decided within 5
    working days of it (第四十条: the clock is for an application, recorded as one, not for
    every complaint the bureau receives); not accepted when a court has already taken the
    dispute (第四十条第二款); appraisal time is a hold."""
    clerk = Desk(platform, "demo-health-bureau", "intake_clerk", "hb-clerk")
    supervisor = Desk(platform, "demo-health-bureau", "supervisor", "hb-supervisor")
    body = {"kind": "complaint", "channel": "visit",
            "content": "申请医疗纠纷行政调解：父亲在县人民医院术后感染，认为存在医疗过错",
            "demands": "赔偿医疗费及误工费", "facts": "10月5日手术，10月9日切口感染",
            "complainant": {"name": "周九", "phone": "13200000006", "relation": "家属"},
            "details": {"hospital_name": "示范县人民医院", "patient_name": "周某"}}
    case = await clerk.case((await clerk.submit(body))["case_id"],
                            lambda c: routed(c) and c["due_at"])
    assert case["department"] == "医政股" and "5个工作日" not in case["deadline_rule"]
    case_id = case["case_id"]
    await clerk.act(case_id, "record_milestone", milestone="mediation_applied")
    case = await clerk.case(case_id, lambda c: "5个工作日" in (c["deadline_rule"] or ""))
    case = await clerk.act(case_id, "accept")
    handler = Desk(platform, "demo-health-bureau", "handler", case["handler_id"], "医政股")
    await handler.act(case_id, "start_investigation")
    held = await handler.act(case_id, "hold", kind="appraisal", reason="委托医疗损害鉴定")
    assert held["status"] == "on_hold" and held["hold_reason"] == "appraisal"
    assert "propose" not in held["allowed_actions"]
    await handler.act(case_id, "resume", reason="鉴定意见书已送达")
    await handler.act(case_id, "record_investigation", type="expert_consultation",
                      subject="市医学会鉴定意见", summary="医方存在次要责任")
    await handler.act(case_id, "propose", text="医方承担30%责任，赔偿2.1万元",
                      compensation="21000")
    await supervisor.act(case_id, "approve_proposal")
    await handler.act(case_id, "answer", mode="written", text="调解协议书已签署")
    await clerk.act(case_id, "follow_up", satisfied=True)
    closed = await handler.act(case_id, "close", disposition="mediated")
    assert (closed["status"], closed["disposition"]) == ("closed", "mediated")
    assert [e["to_status"] for e in closed["timeline"] if e["type"] in ("hold", "resume")] == \
        ["on_hold", "investigating"]

    in_court = await clerk.case((await clerk.submit({
        **body, "complainant": {"name": "吴十", "phone": "13200000007"},
        "content": "申请行政调解：对医院赔偿方案不满，已向法院起诉"}))["case_id"])
    await clerk.act(in_court["case_id"], "record_milestone", milestone="court_accepted")
    barred = await clerk.act(in_court["case_id"], "accept", expect=409)
    assert "第四十条第二款" in str(barred)
    refused = await clerk.act(in_court["case_id"], "refuse", reason="已向人民法院提起诉讼",
                              notice="根据《医疗纠纷预防和处理条例》，已向人民法院提起诉讼的，"
                                     "卫生主管部门不予受理行政调解申请。")
    assert refused["status"] == "refused" and refused["refusal_reason"] == "已向人民法院提起诉讼"
    assert in_court["severity"] == "重大", "a lawsuit makes it major (seed 000)"
    notice = await clerk.case(in_court["case_id"], lambda c: any(
        "refusal_notice delivered" in e["summary"] for e in c["timeline"]) and not c["due_at"])
    assert notice["deadline_rule"] is None, "the decision stops the acceptance clock"


async def test_a_mediation_committee_hears_both_sides_and_closes_as_mediated(
        platform: Platform) -> None:
    clerk = Desk(platform, "demo-mediation", "intake_clerk", "med-clerk")
    anonymous = await clerk.submit({"kind": "complaint", "channel": "visit",
                                    "content": "医疗纠纷申请调解"}, expect=422)
    assert any(e["field"] == "complainant" for e in anonymous["errors"])
    case = await clerk.case((await clerk.submit({
        "kind": "complaint", "channel": "referral", "referred_by": "示范县卫生健康局",
        "content": "医疗纠纷调解申请：产妇分娩过程中新生儿臂丛神经损伤",
        "demands": "赔偿后续治疗费用", "facts": "9月12日分娩，出院诊断臂丛神经损伤",
        "complainant": {"name": "郑十一", "phone": "13100000008", "relation": "家属"},
        "respondent": {"unit": "示范县人民医院"}}))["case_id"])
    assert case["department"] == "调解室" and case["referred_by"] == "示范县卫生健康局"
    case_id = case["case_id"]
    case = await clerk.act(case_id, "accept")
    handler = Desk(platform, "demo-mediation", "handler", case["handler_id"], "调解室")
    await handler.act(case_id, "start_investigation")
    for kind, who in (("interview_complainant", "患方 郑十一"),
                      ("interview_respondent", "医方代表 医务处"),
                      ("expert_consultation", "产科专家咨询")):
        await handler.act(case_id, "record_investigation", type=kind, subject=who,
                          summary="已记录陈述")
    await handler.act(case_id, "propose", text="医方补偿4.5万元，双方签订调解协议")
    await Desk(platform, "demo-mediation", "supervisor", "med-supervisor").act(
        case_id, "approve_proposal")
    await handler.act(case_id, "answer", mode="written", text="人民调解协议书")
    await clerk.act(case_id, "follow_up", satisfied=True)
    closed = await handler.act(case_id, "close", disposition="mediated")
    assert len(closed["records"]) == 3 and closed["disposition"] == "mediated"


async def test_a_telecom_signal_complaint_goes_to_the_radio_network_team(
        platform: Platform) -> None:
    clerk = Desk(platform, "demo-telecom", "intake_clerk", "tel-clerk")
    missing = await clerk.submit({"kind": "complaint", "channel": "phone",
                                  "content": "小区里手机信号差，经常无服务",
                                  "complainant": {"name": "冯十二", "phone": "13000000009"}},
                                 expect=422)
    assert {e["field"] for e in missing["errors"]} >= {"details.service_number", "demands"}
    case = await clerk.case((await clerk.submit({
        "kind": "complaint", "channel": "phone",
        "content": "小区里手机信号差，经常无服务，基站是否故障",
        "demands": "尽快解决覆盖问题", "complainant": {"name": "冯十二", "phone": "13000000009"},
        "details": {"service_number": "13000000009"}}))["case_id"])
    assert (case["category"], case["department"]) == ("信号覆盖", "无线网络优化部")
    assert set(case["matched_keywords"]) >= {"信号差", "无服务", "基站"}


@BOTH
async def test_an_action_retried_with_its_key_is_applied_once(platform: Platform) -> None:
    clerk = hospital(platform)
    case = await clerk.case((await clerk.submit(BILLING))["case_id"])
    url = f"/v1/cases/{case['case_id']}/actions"
    headers = {**clerk.headers, "Idempotency-Key": "note-1"}
    note = {"action": "add_note", "text": "患者下午再来电"}
    answers = [await platform.http.post(url, json=note, headers=headers) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    timeline = (await clerk.case(case["case_id"]))["timeline"]
    assert [e["summary"] for e in timeline if e["type"] == "add_note"] == ["患者下午再来电"]
    other = await platform.http.post(url, json={**note, "text": "另一条"}, headers=headers)
    assert other.status_code == 409
    unknown = await platform.http.post(url, json={"action": "fly"}, headers=clerk.headers)
    assert unknown.status_code == 422


async def test_the_complainant_is_told_the_result_and_answers_the_survey(
        platform: Platform) -> None:
    clerk = hospital(platform)
    submitted = await clerk.submit(BILLING)
    code, number, case_id = (submitted["access_code"], submitted["case_number"],
                             submitted["case_id"])
    assert code, "a real-name complainant gets a key to the portal too"
    handler_id = (await clerk.case(case_id))["handler_id"]
    await clerk.act(case_id, "accept")
    handler = hospital(platform, "handler", handler_id, "财务处")
    await handler.act(case_id, "start_investigation")
    await handler.act(case_id, "propose", text="退还重复收取的CT费用")
    await hospital(platform, "supervisor", "hosp-supervisor").act(case_id, "approve_proposal")
    await handler.act(case_id, "answer", mode="written", text="经核实重复收费，已退还380元")

    def told(case: dict) -> bool:
        sent = " ".join(e["summary"] for e in case["timeline"] if e["type"] == "notified")
        return "result_notice delivered" in sent and "follow_up_survey delivered" in sent

    await clerk.case(case_id, told)
    portal, key = f"/v1/portal/demo-hospital/cases/{number}", {"X-Access-Code": code}
    bad = await platform.http.post(f"{portal}/survey", headers=key,
                                   json={"rating": 9, "solved": True})
    assert bad.status_code == 422
    answered = await platform.http.post(f"{portal}/survey", headers=key,
                                        json={"rating": 4, "solved": True, "note": "满意"})
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "follow_up"
    case = await clerk.case(case_id, lambda c: c["status"] == "follow_up")
    [survey] = case["follow_ups"]
    assert (survey["rating"], survey["solved"], survey["satisfied"], survey["by"]) == \
        (4, True, True, "complainant")
    again = await platform.http.post(f"{portal}/survey", headers=key,
                                     json={"rating": 1, "solved": False})
    assert again.status_code == 409, "one survey per answer"


async def test_the_health_bureau_oversees_the_county_s_hospital_in_figures_only(
        platform: Platform) -> None:
    clerk = hospital(platform)
    submitted = await clerk.submit(BILLING)
    await clerk.case(submitted["case_id"])
    bureau = Desk(platform, "demo-health-bureau", "supervisor", "hb-supervisor")
    answer = await platform.http.get("/v1/oversight", headers=bureau.headers)
    assert answer.status_code == 200, answer.text
    [seen] = answer.json()["institutions"]
    assert (seen["tenant_id"], seen["kind"], seen["received"]) == ("demo-hospital", "hospital", 1)
    assert "王五" not in answer.text and "13700000001" not in answer.text
    refused = await platform.http.get("/v1/oversight",
                                      headers=hospital(platform, "supervisor").headers)
    assert refused.status_code == 403


async def test_a_major_medical_dispute_is_reported_to_the_county_health_authority(
        platform: Platform) -> None:
    clerk = hospital(platform)
    submitted = await clerk.submit({
        "kind": "complaint", "channel": "visit", "content": "手术后患者死亡，家属认为存在医疗过错",
        "complainant": {"name": "孙八", "phone": "13600000008"},
        "circumstances": ["death", "compensation"], "claimed_amount": "500000"})
    case = await clerk.case(submitted["case_id"], lambda c: any(
        e["type"] == "reported" for e in c["timeline"]))
    assert case["severity"] in ("重大", "危机")
    [entry] = [e for e in case["timeline"] if e["type"] == "reported"]
    assert "demo-health-bureau" in entry["summary"] and "第二十八条" in entry["summary"]
    bureau = Desk(platform, "demo-health-bureau", "supervisor", "hb-supervisor")
    for _ in range(200):
        inbox = (await platform.http.get("/v1/notifications", headers=bureau.headers)).json()
        if inbox:
            break
        await asyncio.sleep(0.05)
    [notice] = [n for n in inbox if submitted["case_number"] in n["body"]]
    assert notice["template"] == "major_alert" and "demo-hospital" in notice["body"]
    assert "孙八" not in notice["body"] and "13600000008" not in notice["body"]

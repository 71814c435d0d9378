"""The case page and the transfers page, through the browser: a hospital complaint worked from
acceptance to closing, refusals shown in words, a reporter's identity revealed on the record,
a transfer offered and seen on both sides."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.async_api import Page

from tests.browser.conftest import Web, accessible, shot, sign_in
from tests.support import routed

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
LOCAL = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")        # 2026-12-03 14:05, Beijing time
# a complaint's normal path on its timeline: entry type → (zh-CN, English) words it shows
NORMAL_PATH = {
    "received": ("登记受理，编号 HOSP-", "received as HOSP-"),
    "routed": ("已分派给医务处，承办人 ", "routed to 医务处, handler "),
    "accept": ("已受理，承办人 ", "accepted, handler "),
    "deadline_set": ("设定期限：", "deadline set: "),
    "notified": ("已通过站内通知向投诉人发送受理回执（已送达）",
                 "acknowledgement sent via in-app to the complainant (delivered)"),
    "answer": ("已书面答复投诉人", "answered in writing"),
    "close": ("办结：已解决", "closed: resolved"),
}


async def register(web: Web, body: dict, tenant: str = "demo-hospital",
                   user: str = "hosp-clerk") -> dict:
    headers = web.platform.auth(tenant, "intake_clerk", user)
    answer = await web.platform.http.post("/v1/complaints", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return await web.platform.wait_for_case(answer.json()["case_id"], routed, headers)


async def as_(page: Page, web: Web, user: str, case_id: str) -> None:
    await page.context.clear_cookies()
    await sign_in(page, web, user, then=f"/cases/{case_id}")


async def act(page: Page, action: str, **fields: str | bool) -> None:
    """Open the action's form, fill it in, submit it and wait for the answer."""
    box = page.locator(f"#do-{action}")
    if await box.get_attribute("open") is None:
        await box.locator("summary").click()
    for name, value in fields.items():
        field = page.locator(f"#{action}-{name}")
        tag = await field.evaluate("e => e.tagName + ':' + (e.type || '')")
        if tag.startswith("SELECT"):
            await field.select_option(str(value))
        elif tag.endswith("checkbox"):
            await field.set_checked(bool(value))
        else:
            await field.fill(str(value))
    async with page.expect_navigation():
        await box.locator("button[type=submit]").click()


async def status(page: Page) -> str:
    return (await page.locator("#case-status").inner_text()).strip()


async def test_a_hospital_complaint_is_worked_on_its_page_from_acceptance_to_closing(
        web: Web, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    case = await register(web, {
        "kind": "complaint", "channel": "visit",
        "content": f"手术后伤口感染，医生诊断有误 {HOSTILE}", "demands": "要求赔偿医药费",
        "complainant": {"name": "钱七", "phone": "13700000007", "relation": "本人"}})
    case_id, handler = case["case_id"], case["handler_id"]
    assert case["department"] == "医务处"

    await as_(page, web, "hosp-clerk", case_id)
    assert await status(page) == "待受理"
    assert HOSTILE in await page.locator("#content").inner_text()     # text, not markup
    assert await page.locator("#content img").count() == 0
    assert "医务处" in await page.locator("#department").inner_text()
    assert "hosp-clerk" in await page.locator("main").inner_text()      # 首问
    await act(page, "accept")
    assert "done=accept" in page.url and await status(page) == "已分派"
    assert await page.locator("#do-start_investigation").count() == 0   # not the clerk's

    named = await page.locator("#handler").inner_text()   # by name, from routing's directory
    assert named.startswith("医务处经办人") and f"（{handler}）" in named, named
    actors = await page.locator("#timeline tbody td:nth-child(3)").all_inner_texts()
    assert "系统" in actors and "system" not in actors, actors

    await as_(page, web, handler, case_id)
    await act(page, "start_investigation")
    await act(page, "record_investigation", type="interview_complainant", subject="患者钱七",
              summary="术后第三天出现切口红肿渗液")
    assert "约谈投诉人" in await page.locator("#records").inner_text()
    assert named in await page.locator("#records").inner_text()
    # a public hospital may not settle 30,000 元 or more by itself: refused, nothing changes
    await act(page, "propose", text="赔偿3万元", compensation="30000")
    refused = page.locator("#refused-propose")
    assert "30,000" in await refused.inner_text() and "legal path" in await refused.inner_text()
    assert await status(page) == "调查核实中" and await page.locator("#proposals").count() == 0
    assert await page.locator("#propose-text").input_value() == "赔偿3万元"   # kept to fix
    await shot(page, "case-refused")
    await accessible(page)
    await act(page, "propose", text="减免换药费用并致歉", compensation="800")
    assert await status(page) == "处理意见待审批"
    assert "主管" in await page.locator("#proposals").inner_text()

    await as_(page, web, "hosp-supervisor", case_id)
    await act(page, "approve_proposal", note="同意")
    assert "已批准" in await page.locator("#proposals").inner_text()

    await as_(page, web, handler, case_id)
    # closing before the complainant was followed up is refused by the service, in words
    await act(page, "close", disposition="resolved")
    assert await page.locator("#refused-close").is_visible()
    assert await status(page) == "处理意见已审批"
    await act(page, "answer", mode="written", text="经核实，减免换药费用800元，并向您致歉")
    assert await status(page) == "已答复"

    await as_(page, web, "hosp-clerk", case_id)
    await act(page, "follow_up", satisfied=True, rating="5", solved=True, note="电话回访满意")
    follow_ups = await page.locator("#follow-ups").inner_text()
    assert "满意" in follow_ups and "5/5" in follow_ups

    await as_(page, web, handler, case_id)
    await act(page, "close", disposition="resolved")
    assert await status(page) == "已办结"
    assert await page.locator("#disposition").inner_text() == "已解决"
    timeline = await page.locator("#timeline").inner_text()
    for words in ("受理", "开始调查核实", "提出处理意见", "审批通过", "答复投诉人", "回访", "办结"):
        assert words in timeline
    assert "已答复 → 已回访" in timeline
    deadlines = await page.locator("#deadlines").inner_text()    # how it was counted
    assert "24:00" in deadlines and "个工作日" in deadlines and "医院投诉管理制度" in deadlines
    assert "收到当日不计入" in deadlines and "receipt day" not in deadlines
    assert "依据：seed 000" in deadlines and "working days" not in deadlines
    await act(page, "add_note", text=f"家属情绪激动 {HOSTILE}")
    await timeline_reads(page, case, 0)
    note = page.locator("#timeline tr.entry-add_note")
    assert HOSTILE in await note.inner_text() and await note.locator("img").count() == 0
    await shot(page, "case")
    await accessible(page)
    await page.get_by_role("button", name="English").click()   # the same timeline in English
    await page.wait_for_load_state()
    assert await page.get_attribute("html", "lang") == "en"
    await timeline_reads(page, case, 1)
    assert "receipt day not counted" in await page.locator("#deadlines").inner_text()
    assert not dialogs


async def timeline_reads(page: Page, case: dict, lang: int) -> None:
    """Every entry of the normal path in the page's language (0 zh-CN, 1 en), at Beijing time;
    none in the other language, no moment in UTC."""
    for type_, words in NORMAL_PATH.items():
        rows = page.locator(f"#timeline tr.entry-{type_}")
        assert await rows.count(), type_
        summaries = [await rows.nth(i).locator("td.summary").inner_text()
                     for i in range(await rows.count())]
        assert any(s.startswith(words[lang]) for s in summaries), (type_, summaries)
        assert not any(s.startswith(words[1 - lang]) for s in summaries), (type_, summaries)
    at = await page.locator("#timeline tr.entry-received td").first.inner_text()
    received = datetime.fromisoformat(case["received_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert LOCAL.match(at) and at == f"{received:%Y-%m-%d %H:%M}"
    timeline = await page.locator("#timeline").inner_text()
    assert "+00:00" not in timeline and "T16:00" not in timeline
    if lang == 0:
        for english in ("received via", "routed to", "accepted (", "running, due", "delivered"
                        " via", "closed (", "answered ("):
            assert english not in timeline, english


async def test_a_reporter_is_revealed_on_the_record_and_a_transfer_is_seen_by_both_sides(
        web: Web, page: Page) -> None:
    report = await register(web, {
        "kind": "report", "channel": "web", "content": "某超市销售过期食品",
        "complainant": {"name": "举报人乙", "phone": "13300000006"}},
        tenant="demo-12315", user="cc-clerk")
    await as_(page, web, "cc-supervisor", report["case_id"])
    assert "封存" in await page.locator("#complainant").inner_text()
    assert "举报人乙" not in await page.locator("main").inner_text()
    await act(page, "reveal_identity")                       # no reason: refused in words
    assert await page.locator("#refused-reveal_identity").is_visible()
    await act(page, "reveal_identity", reason="核实举报线索需回电举报人")
    assert "13300000006" in await page.locator("#revealed").inner_text()
    row = page.locator("#timeline tr.entry-reveal_identity")
    assert "核实举报线索需回电举报人" in await row.inner_text()
    assert "cc-supervisor" in await row.inner_text()
    await page.goto(f"{web.url}/cases/{report['case_id']}")   # shown in that answer only
    assert "举报人乙" not in await page.locator("main").inner_text()
    assert await page.locator("#timeline tr.entry-reveal_identity").count() == 1

    dispute = await register(web, {
        "kind": "complaint", "channel": "visit", "content": "手术后神经损伤，要求赔偿",
        "claimed_amount": "50000", "circumstances": ["compensation", "injury"],
        "complainant": {"name": "孙九", "phone": "13700000009"}})
    await as_(page, web, "hosp-supervisor", dispute["case_id"])
    await act(page, "transfer", route="people_mediation::demo-mediation",
              reason_code="large_claim", consent=True, note="双方同意人民调解")
    assert await status(page) == "已转出"
    await page.goto(f"{web.url}/transfers")
    sent = page.locator("#sent")
    assert dispute["case_number"] in await sent.inner_text()
    assert "待接收" in await sent.inner_text() or "已接收" in await sent.inner_text()
    await accessible(page)

    await page.context.clear_cookies()
    await sign_in(page, web, "med-supervisor", then="/transfers")
    for _ in range(100):                                     # intake registers the offer
        if await page.locator("#offers a").count():
            break
        await asyncio.sleep(0.1)
        await page.reload()
    offers = page.locator("#offers")
    assert "示范县人民医院" in await offers.inner_text()          # the sender, by name
    await shot(page, "transfers")
    await accessible(page)
    async with page.expect_navigation():
        await offers.locator("a").first.click()
    assert await page.locator("#do-accept").count() == 1
    assert await page.locator("#do-return_transfer").count() == 1

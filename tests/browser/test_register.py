"""受理登记 in the browser: the tenant's own form, the API's messages next to the fields,
one case for a double submit, the access code shown once, hostile content shown as text."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import Page

from tests.browser.conftest import Web, accessible, shot, sign_in

YESTERDAY = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).strftime("%Y-%m-%dT09:30")
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


async def fill_hospital_complaint(page: Page, content: str) -> None:
    await page.locator("#f-complainant-name").fill("王建国")
    await page.locator("#f-complainant-phone").fill("13800138000")
    await page.get_by_label("与患者/消费者关系").fill("子女")
    await page.locator("#f-content").fill(content)
    await page.locator("#f-demands").fill("要求医院说明情况并赔偿")
    await page.get_by_label("患者姓名").fill("王大山")
    await page.get_by_label("患者性别").select_option("男")
    await page.get_by_label("患者年龄").fill("71")
    await page.get_by_label("住院号").fill("ZY2026-0310")
    await page.get_by_label("被投诉科室/部门").fill("普外科")
    await page.get_by_label("实际收到时间（补登）").fill(YESTERDAY)


async def test_a_clerk_registers_a_hospital_complaint(web: Web, page: Page) -> None:
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    await sign_in(page, web, "hosp-clerk")
    await page.get_by_role("link", name="受理登记").click()
    await page.wait_for_url("**/register")
    # the hospital's own fields, the channel and kind in words
    for label in ("患者姓名", "患者性别", "患者年龄", "门诊号", "住院号"):
        assert await page.get_by_label(label).is_visible()
    assert await page.get_by_label("来访").count() == 0      # channel is a select …
    assert "来访" in await page.locator("#f-channel").inner_text()
    assert await page.get_by_label("投诉", exact=True).is_checked()
    await shot(page, "register")
    await accessible(page)

    # a required field left out: the API's message next to it, what was typed kept
    await page.locator("#f-content").fill("术后伤口感染，值班医生未及时处理")
    await page.get_by_label("患者姓名").fill("王大山")
    await page.get_by_label("患者年龄").fill("200")
    await page.locator("#f-complainant-name").fill("王建国")
    await page.get_by_role("button", name="登记").click()
    await page.wait_for_load_state()
    phone_error = page.locator("#f-complainant-phone-error")
    assert "required" in await phone_error.inner_text()
    assert await page.locator("#f-complainant-phone").get_attribute("aria-invalid") == "true"
    assert await page.locator("#f-details-patient_age-error").inner_text() == \
        "must be a whole number 0–150"                    # intake's own words, as the API's
    assert await page.locator("#f-content").input_value() == "术后伤口感染，值班医生未及时处理"
    assert await page.get_by_label("患者姓名").input_value() == "王大山"
    assert await page.locator("#f-complainant-name").input_value() == "王建国"
    assert await page.locator("#register-errors").is_visible()
    await shot(page, "register-errors")
    await accessible(page)

    # corrected and sent twice (a double submit): one case
    await fill_hospital_complaint(page, HOSTILE)
    key = await page.locator("input[name=idempotency_key]").input_value()
    form = {"csrf": await page.locator("form.register input[name=csrf]").input_value(),
            "idempotency_key": key}
    await page.get_by_role("button", name="登记").click()
    await page.wait_for_selector("#case-number")
    number = await page.locator("#case-number").inner_text()
    code = await page.locator("#access-code").inner_text()
    assert number and len(code) == 12
    assert "仅显示这一次" in await page.locator("#access-code-hint").inner_text()
    content = page.locator("#registered-content")
    assert await content.inner_text() == HOSTILE           # shown as text
    assert await page.locator("#registered-content script, #registered-content img").count() == 0
    assert alerts == []
    await shot(page, "registered")
    await accessible(page)
    case_id = (await page.locator("#case-number").get_attribute("href") or "").rsplit("/", 1)[1]

    # the same form posted again (the browser's back and submit): the first case again
    values = {**form, "kind": "complaint", "channel": "visit", "identity": "real",
              "complainant.name": "王建国", "complainant.phone": "13800138000",
              "complainant.relation": "子女", "content": HOSTILE,
              "demands": "要求医院说明情况并赔偿", "details.patient_name": "王大山",
              "details.patient_sex": "男", "details.patient_age": "71",
              "details.inpatient_number": "ZY2026-0310", "respondent.department": "普外科",
              "received_at": YESTERDAY, "locale": "zh-CN"}
    again = await page.request.post(f"{web.url}/register", form=values)
    assert again.ok
    assert number in await again.text() and "此前已提交过" in await again.text()
    headers = web.platform.auth("demo-hospital", "intake_clerk", "hosp-clerk")
    stored = await web.platform.wait_for_case(case_id, lambda c: bool(c["department"]),
                                              headers)
    assert stored["case_number"] == number and stored["content"] == HOSTILE
    assert stored["details"] == {"patient_name": "王大山", "patient_sex": "男",
                                 "patient_age": "71", "inpatient_number": "ZY2026-0310"}
    assert stored["complainant"]["name"] == "王建国"
    assert stored["received_at"].startswith(YESTERDAY[:10])     # late registration
    listed = (await web.platform.http.get("/v1/cases", params={"q": "要求医院说明情况并赔偿"},
                                          headers=headers)).json()["items"]
    assert [c["case_id"] for c in listed] == [case_id]          # the double submit: one case

async def test_an_anonymous_report_and_a_likely_duplicate(web: Web, page: Page) -> None:
    await sign_in(page, web, "hosp-clerk", then="/register")
    await page.get_by_label("举报", exact=True).check()
    await page.get_by_label("匿名").check()
    assert not await page.locator("#f-complainant-name").is_visible()   # hidden, no JS
    await page.locator("#f-content").fill("药房工作人员私自倒卖药品，收取回扣")
    await page.get_by_label("被投诉科室/部门").fill("药剂科")
    await page.locator("#f-channel").select_option("letter")
    await page.get_by_label("媒体介入").check()
    await page.get_by_role("button", name="登记").click()
    await page.wait_for_selector("#case-number")
    assert "举报" in await page.locator("dl.registered").inner_text()
    assert "匿名" in await page.locator("dl.registered").inner_text()
    assert len(await page.locator("#access-code").inner_text()) == 12
    first = await page.locator("#case-number").inner_text()

    # the same again: registered, and the first shown as a possible duplicate with its score
    await page.get_by_role("link", name="继续登记").click()
    await page.wait_for_url("**/register")
    await page.get_by_label("举报", exact=True).check()
    await page.get_by_label("匿名").check()
    await page.locator("#f-content").fill("药房工作人员私自倒卖药品，收取回扣，要求查处")
    await page.get_by_label("被投诉科室/部门").fill("药剂科")
    await page.get_by_role("button", name="登记").click()
    await page.wait_for_selector("#case-number")
    assert await page.locator("#case-number").inner_text() != first
    row = page.locator("#duplicates tbody tr").first
    assert first in await row.inner_text()
    score = float(await row.locator("td").nth(1).inner_text())
    assert 0 < score <= 1

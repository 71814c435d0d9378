"""工单列表 and 通知: a handler of 医务处 watches a new complaint arrive without reloading; tabs,
counts, filters and their checks; hostile content shown as text; English words; notices."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable

import httpx
from playwright.async_api import Page, expect

from tests.browser.conftest import Web, accessible, shot, sign_in
from tests.support import routed

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
WOUND = {
    "kind": "complaint", "channel": "visit",
    "content": "手术后伤口感染，医生诊断有误，要求说明情况",
    "demands": "要求医院说明诊断依据", "complainant": {"name": "赵六", "phone": "13700000002",
                                                "relation": "本人"},
    "details": {"patient_name": "赵六", "patient_sex": "男", "patient_age": "61"},
}


async def submit(web: Web, body: dict) -> str:
    clerk = web.platform.auth("demo-hospital", "intake_clerk", "hosp-clerk")
    answer = await web.platform.http.post("/v1/complaints", json=body, headers=clerk)
    assert answer.status_code == 201, answer.text
    case_id: str = answer.json()["case_id"]
    await web.platform.wait_for_case(case_id, routed, clerk)
    return case_id


async def count(page: Page, tab: str) -> int:
    return int(await page.locator(f"#tab-{tab} .count").inner_text())


async def test_a_handler_sees_a_new_complaint_arrive_live_and_filters_the_inbox(
        web: Web, page: Page) -> None:
    first = await submit(web, {**WOUND, "content": "手术伤口感染" + HOSTILE})
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    await sign_in(page, web, "hosp-h4a", then="/inbox?tab=my_department")
    await expect(page.locator(f"#case-{first}")).to_be_visible()
    excerpt = page.locator(f"#case-{first} td.excerpt")
    assert HOSTILE in await excerpt.inner_text()           # shown as text, never run
    assert await excerpt.locator("script, img").count() == 0
    assert await count(page, "my_department") == 1
    assert await page.locator("nav.tabs a").count() == 4     # mine, department, first, all
    await expect(page.locator("body[data-live='open']")).to_have_count(1)   # no eval under the CSP

    second = await submit(web, WOUND)                        # while the page stays open
    await expect(page.locator(f"#case-{second}")).to_be_visible(timeout=20_000)
    await expect(page.locator("#tab-my_department .count")).to_have_text("2")
    assert not dialogs
    await shot(page, "inbox")
    await accessible(page)

    await page.get_by_label("关键词（内容、诉求、编号）").fill("手术伤口")   # a filter narrows it
    await page.get_by_role("button", name="筛选", exact=True).click()
    await expect(page.locator(f"#case-{second}")).to_have_count(0)
    await expect(page.locator(f"#case-{first}")).to_be_visible()
    assert "q=" in page.url and "tab=my_department" in page.url
    assert await page.get_by_label("关键词（内容、诉求、编号）").input_value() == "手术伤口"
    await expect(page.locator("#inbox-total")).to_contain_text("1")

    await page.get_by_role("link", name=re.compile("我首问的")).click()   # the clerk took them in
    await expect(page.locator("#tab-first_contact")).to_have_attribute("aria-current", "page")
    assert await count(page, "first_contact") == 0
    assert await count(page, "mine") == 2                   # routing gave both to hosp-h4a
    assert "q=" in page.url                                 # the tabs keep the filters
    await page.goto(f"{web.url}/inbox?tab=all&severity=危机")
    await expect(page.get_by_text("没有符合条件的案件。")).to_be_visible()


async def test_bad_filters_are_named_on_the_page_and_english_words_show(
        web: Web, page: Page) -> None:
    await submit(web, WOUND)            # its own case: the module's platform may be new
    await sign_in(page, web, "hosp-supervisor")
    answer = await page.goto(f"{web.url}/inbox?status=lost&from=2026-13-01&sort=size&"
                             "tab=my_department")
    assert answer is not None and answer.status == 400
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("状态")
    await expect(alert).to_contain_text("请填写日期")
    await expect(alert).to_contain_text("排序")
    assert await page.locator("#f-status").get_attribute("aria-invalid") == "true"
    assert await page.locator("nav.tabs a").count() == 0

    answer = await page.goto(f"{web.url}/inbox?page_token=forged")
    assert answer is not None and answer.status == 400
    await expect(page.get_by_role("alert")).to_contain_text("翻页标记无效")

    await page.goto(f"{web.url}/inbox")
    assert await page.locator("nav.tabs a").count() == 3     # a supervisor has no department
    await page.get_by_role("button", name="English").click()
    await page.wait_for_load_state()
    await expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    await expect(page.locator("td.status").first).to_be_visible()
    statuses = await page.locator("td.status").all_inner_texts()
    assert statuses and all(re.fullmatch(r"[a-z ]+", s) for s in statuses), statuses
    await expect(page.locator("#tab-all")).to_contain_text("All")
    await page.get_by_role("button", name="中文").click()


async def test_notices_come_live_and_link_to_their_cases(web: Web, page: Page) -> None:
    case_id = await submit(web, WOUND)
    await sign_in(page, web, "hosp-h4a", then="/notices")
    notice = page.locator("li.notice-item", has=page.locator(f"a[href='/cases/{case_id}']"))
    assert await notice.count() == 0
    await expect(page.locator("body[data-live='open']")).to_have_count(1)   # no eval under the CSP
    clerk = web.platform.auth("demo-hospital", "intake_clerk", "hosp-clerk")
    accepted = await web.platform.http.post(f"/v1/cases/{case_id}/actions", headers=clerk,
                                            json={"action": "accept"})
    assert accepted.status_code == 200, accepted.text      # 受理: the handler is told
    await expect(notice).to_be_visible(timeout=20_000)      # without reloading
    await expect(notice).to_contain_text("分派通知")
    await shot(page, "notices")
    await accessible(page)
    await page.get_by_role("button", name="English").click()
    await page.wait_for_load_state()
    await expect(notice).to_contain_text("assignment")


async def test_the_event_stream_resumes_after_last_event_id_and_carries_case_ids_only(
        web: Web, page: Page) -> None:
    case_id = await submit(web, WOUND)
    await sign_in(page, web, "hosp-h4a")
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}

    async def events(last: str, enough: Callable[[list[tuple[int, dict]]], bool]
                     ) -> list[tuple[int, dict]]:
        found: list[tuple[int, dict]] = []
        client = httpx.AsyncClient(base_url=web.url, cookies=cookies, timeout=20)
        headers = {"Last-Event-ID": last}
        async with (asyncio.timeout(20), client as http,
                    http.stream("GET", "/inbox/events", headers=headers) as answer):
            assert answer.headers["content-type"].startswith("text/event-stream")
            seq = 0
            async for line in answer.aiter_lines():
                if line.startswith("id: "):
                    seq = int(line[4:])
                elif line.startswith("data: "):
                    found.append((seq, json.loads(line[6:])))
                    if enough(found):
                        break
        return found

    replayed = await events("0", lambda found: found[-1][1]["case_id"] == case_id)
    assert all(set(data) == {"case_id"} for _, data in replayed)    # nothing personal
    sequences = [seq for seq, _ in replayed]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    clerk = web.platform.auth("demo-hospital", "intake_clerk", "hosp-clerk")
    accepted = await web.platform.http.post(f"/v1/cases/{case_id}/actions", headers=clerk,
                                            json={"action": "accept"})
    assert accepted.status_code == 200, accepted.text      # while no page listens
    resumed = await events(str(replayed[-1][0]), lambda found: True)   # the next one only
    assert resumed[0][0] > replayed[-1][0] and resumed[0][1]["case_id"] == case_id

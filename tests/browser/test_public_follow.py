"""The complainant's follow page: case number + access code, the public view, text material,
withdrawal with a confirmation, rating the answer and asking for a re-look; the wrong-code
throttle; hostile content shown as text; the phone layout."""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from playwright.async_api import Page, expect

from tests.browser.conftest import Web, accessible, shot
from tests.browser.test_files import PHOTO

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


async def registered(web: Web, tenant: str, user: str, body: dict) -> dict:
    clerk = web.platform.auth(tenant, "intake_clerk", user)
    answer = await web.platform.http.post("/v1/complaints", json=body, headers=clerk)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    await web.platform.wait_for_case(made["case_id"], lambda c: bool(c["department"]), clerk)
    return {**made, "clerk": clerk}


async def open_case(page: Page, web: Web, tenant: str, number: str, code: str,
                    query: str = "") -> None:
    await page.goto(f"{web.url}/t/{tenant}/follow{query}")
    await page.get_by_label("案件编号" if "en" not in query else "Case number").fill(number)
    await page.get_by_label("查询码" if "en" not in query else "Access code").fill(code)
    await page.get_by_role("button", name="查询" if "en" not in query else "Open the case").click()
    await page.wait_for_load_state()


async def test_an_anonymous_report_is_followed_added_to_withdrawn_and_then_throttled(
        web: Web, page: Page, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    report = await registered(web, "demo-12315", "cc-clerk", {
        "kind": "report", "channel": "web",
        "content": f"某餐馆后厨使用过期食材 {HOSTILE}"})
    number, code = report["case_number"], report["access_code"]
    await web.platform.http.post(f"/v1/cases/{report['case_id']}/actions",
                                 json={"action": "accept"}, headers=report["clerk"])
    base = f"{web.url}/t/demo-12315/follow"

    await page.goto(base)
    await expect(page.get_by_role("heading", level=1)).to_contain_text("查询办理进度")
    await accessible(page)
    forged = await page.request.post(base, form={"case_number": number, "access_code": code})
    assert forged.status == 403                     # no double-submit token: refused

    await open_case(page, web, "demo-12315", number, "WRONGCODE234")
    await expect(page.get_by_role("alert")).to_contain_text("案件编号或查询码不正确")
    assert await page.get_by_label("案件编号").input_value() == number

    await open_case(page, web, "demo-12315", number, code)
    assert page.url == base and code not in page.url
    await expect(page.locator("#follow-status")).to_have_text("已分派")
    assert HOSTILE in await page.locator("#follow-content").inner_text()   # text, not markup
    assert await page.locator("#follow-content img").count() == 0
    cookies = {c["name"]: c for c in await page.context.cookies()}
    opened = cookies["cb_follow"]
    assert opened["httpOnly"] and opened["sameSite"] == "Strict"
    assert 0 < opened["expires"] - time.time() <= 1800
    assert all(code not in c["value"] for c in cookies.values())   # never the code itself

    await page.get_by_label("补充文字材料").fill(f"后厨照片三张，发票一张 {HOSTILE}")
    await page.get_by_role("button", name="提交").click()
    await expect(page.locator("#follow-done")).to_have_text("材料已提交。")
    materials = page.locator("#follow-materials")
    await expect(materials).to_contain_text("您提交")
    assert HOSTILE in await materials.inner_text()
    staff = await web.platform.wait_for_case(report["case_id"], lambda c: bool(c["materials"]),
                                             report["clerk"])
    assert staff["materials"][0]["description"].startswith("后厨照片三张")

    program = tmp_path / "后厨.jpg"                 # a program dressed as a photo: refused
    program.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(2000))
    await page.locator("#follow-file").set_input_files(str(program))
    await page.get_by_role("button", name="提交").click()
    await expect(page.locator("#follow-file")).to_have_attribute("aria-invalid", "true")
    photo = tmp_path / "后厨照片.jpg"               # a photo: kept, and only theirs to fetch
    photo.write_bytes(PHOTO)
    await page.locator("#follow-file").set_input_files(str(photo))
    await page.get_by_role("button", name="提交").click()
    await expect(page.locator("#follow-done")).to_have_text("材料已提交。")
    link = page.get_by_role("link", name="后厨照片.jpg")
    async with page.expect_download() as fetched:
        await link.click()
    assert (await (await fetched.value).path()).read_bytes() == PHOTO
    staff = await web.platform.wait_for_case(report["case_id"],
                                             lambda c: len(c["materials"]) == 2, report["clerk"])
    assert [f["sha256"] for f in staff["materials"][1]["files"]] == [
        hashlib.sha256(PHOTO).hexdigest()]              # one file: the program left nothing
    await expect(page.locator("#follow-steps")).to_contain_text("补充材料")
    await shot(page, "public-follow")
    await accessible(page)
    await page.set_viewport_size({"width": 390, "height": 844})
    await shot(page, "public-follow-mobile")
    await accessible(page)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
    await page.set_viewport_size({"width": 1366, "height": 768})

    await page.get_by_role("button", name="撤回…").click()     # the confirmation step
    await expect(page.get_by_role("heading", level=1)).to_have_text("确认撤回")
    await page.get_by_role("link", name="不撤回，返回").click()
    await expect(page.locator("#follow-status")).to_have_text("已分派")
    await page.get_by_role("button", name="撤回…").click()
    await page.get_by_label("撤回原因").fill("已与商家协商解决")
    await page.get_by_role("button", name="确认撤回").click()
    await expect(page.locator("#follow-done")).to_have_text("已撤回。")
    await expect(page.locator("#follow-status")).to_have_text("已办结")
    assert await page.get_by_label("补充文字材料").count() == 0    # nothing more to add

    await page.get_by_role("button", name="退出查询").click()
    for _ in range(4):                                # 1 wrong before, 4 now: 5 in all
        await open_case(page, web, "demo-12315", number, "WRONGCODE234")
        await expect(page.get_by_role("alert")).to_contain_text("案件编号或查询码不正确")
    answer = await page.request.post(base, form={
        "case_number": number, "access_code": code,
        "csrf": await page.locator("input[name=csrf]").first.get_attribute("value") or ""})
    assert answer.status == 429 and 0 < int(answer.headers["retry-after"]) <= 900
    await open_case(page, web, "demo-12315", number, code)     # even the right code waits
    await expect(page.get_by_role("alert")).to_contain_text("错误次数过多")
    await accessible(page)
    assert dialogs == []


async def staff_answer(web: Web, case_id: str, text: str, first: bool) -> None:
    clerk = web.platform.auth("demo-hospital", "intake_clerk", "hosp-clerk")
    case = await web.platform.wait_for_case(case_id, lambda c: bool(c["handler_id"]), clerk)
    handler = web.platform.auth("demo-hospital", "handler", case["handler_id"],
                                case["department"])
    supervisor = web.platform.auth("demo-hospital", "supervisor", "hosp-supervisor")
    steps = [(handler, {"action": "start_investigation"})] if first else []
    steps += [(handler, {"action": "propose", "text": f"处理意见：{text}"}),
              (supervisor, {"action": "approve_proposal", "note": "同意"}),
              (handler, {"action": "answer", "mode": "written", "text": text})]
    for headers, body in steps:
        done = await web.platform.http.post(f"/v1/cases/{case_id}/actions", json=body,
                                            headers=headers)
        assert done.status_code == 200, done.text


async def test_a_named_complainant_sees_the_answer_asks_for_a_re_look_then_is_satisfied(
        web: Web, page: Page) -> None:
    complaint = await registered(web, "demo-hospital", "hosp-clerk", {
        "kind": "complaint", "channel": "web",
        "content": "出院结算时收费处多收了检查费用，一项CT重复收费，要求退费",
        "demands": "退还多收的费用",
        "complainant": {"name": "王五", "phone": "13700000001", "relation": "本人"},
        "details": {"patient_name": "王五", "patient_sex": "男", "patient_age": "56",
                    "inpatient_number": "ZY2026-0815"}})
    number, code = complaint["case_number"], complaint["access_code"]
    accepted = await web.platform.http.post(f"/v1/cases/{complaint['case_id']}/actions",
                                            json={"action": "accept"},
                                            headers=complaint["clerk"])
    assert accepted.status_code == 200, accepted.text
    await web.platform.wait_for_case(complaint["case_id"], lambda c: bool(c["due_at"]),
                                     complaint["clerk"])

    await open_case(page, web, "demo-hospital", number, code, query="?lang=en")
    assert await page.get_attribute("html", "lang") == "en"
    await expect(page.locator("#follow-status")).to_have_text("assigned")
    await expect(page.locator("#follow-deadline")).to_have_text(            # the one now
        re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
    await staff_answer(web, complaint["case_id"], "经核实收费无误，不予退费", first=True)
    await page.goto(f"{web.url}/t/demo-hospital/follow?lang=zh-CN")
    await expect(page.locator("#follow-status")).to_have_text("已答复")
    body = await page.locator("main").inner_text()
    assert "经核实收费无误，不予退费" in body
    assert "王五" not in body and "13700000001" not in body      # no party's data
    handler = (await web.platform.wait_for_case(
        complaint["case_id"], lambda c: True, complaint["clerk"]))["handler_id"]
    assert handler not in body                                     # nor a handler's name
    assert await page.get_by_role("heading", name="申请重新处理").count() == 0

    await page.get_by_label("2 · 不满意").check()
    await page.get_by_label("未解决").check()
    await page.get_by_label("意见（可选）").fill("CT 确实做了两次收费")
    await page.get_by_role("button", name="提交").first.click()
    await expect(page.locator("#follow-done")).to_have_text("感谢您的评价。")
    await expect(page.locator("#follow-status")).to_have_text("已回访")
    await accessible(page)
    await page.get_by_label("需要重新处理的问题").fill("请核对11月3日的CT收费明细")
    await page.get_by_role("button", name="申请重新处理").click()
    await expect(page.locator("#follow-done")).to_contain_text("已申请重新处理")
    await expect(page.locator("#follow-status")).to_have_text("调查核实中")
    await expect(page.locator("#follow-steps")).to_contain_text("重新处理")
    staff = await web.platform.wait_for_case(complaint["case_id"], lambda c: True,
                                             complaint["clerk"])
    reopened = [e for e in staff["timeline"] if e["type"] == "reopen"]
    assert staff["round"] == 2
    assert (reopened[0]["actor"], reopened[0]["reason"]) == \
        ("complainant", "请核对11月3日的CT收费明细")

    await staff_answer(web, complaint["case_id"], "复核确认重复收费，已退还380元", first=False)
    await page.reload()
    await expect(page.get_by_role("heading", name="第 2 轮答复")).to_be_visible()
    await page.get_by_label("5 · 非常满意").check()
    await page.get_by_label("已解决").check()
    await page.get_by_role("button", name="提交").first.click()
    await expect(page.locator("#follow-done")).to_have_text("感谢您的评价。")
    assert await page.get_by_role("heading", name="申请重新处理").count() == 0
    assert await page.get_by_role("heading", name="评价答复").count() == 0
    staff = await web.platform.wait_for_case(complaint["case_id"], lambda c: True,
                                             complaint["clerk"])
    assert staff["follow_ups"][-1]["rating"] == 5 and staff["follow_ups"][-1]["satisfied"]

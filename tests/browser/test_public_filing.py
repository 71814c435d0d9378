"""网上投诉举报 in the browser: a person files an anonymous report on the 12315 centre's page
(the proof of work runs in Chromium), keeps the code and opens the case with it; hostile
content comes back as text; the page in English, on a phone's width, and without JavaScript."""

from __future__ import annotations

import asyncio
import re

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import Web, accessible, shot

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
CENTRE = "demo-12315"
CONTENT = f"某某超市销售过期酸奶，生产日期被涂改。{HOSTILE}"


async def solved(page: Page) -> None:
    await expect(page.locator("form.public-file[data-solved='true']")).to_have_count(
        1, timeout=30_000)                         # a locator: the CSP allows no eval
    assert await page.locator("#public-submit").is_enabled()
    assert len(await page.locator("#f-nonce").input_value()) > 0


async def test_a_person_files_an_anonymous_report_and_keeps_the_code(
        web: Web, page: Page, browser: Browser) -> None:
    app = web.platform.app
    app.state.settings = app.state.settings.model_copy(update={"public_pow_bits": 12})
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    await page.goto(f"{web.url}/t/{CENTRE}/file?kind=report")
    assert await page.locator("header.top nav").count() == 0        # no staff navigation
    assert await page.get_by_label("举报").is_checked()
    assert await page.get_by_label("匿名").is_checked()
    status = page.locator("#pow-status")
    await solved(page)
    assert "安全校验已完成" in await status.inner_text()
    await shot(page, "public-file")
    await accessible(page)

    # without the consent: refused in words next to the box, what was typed kept
    await page.locator("#f-content").fill(CONTENT)
    await page.get_by_label("被投诉单位").fill("某某超市")
    await page.get_by_role("button", name="提交").click()
    await page.wait_for_selector("#f-consent-error")
    assert "勾选" in await page.locator("#f-consent-error").inner_text()
    assert await page.locator("#f-content").input_value() == CONTENT
    assert await page.get_by_label("匿名").is_checked()

    # with it, once the new check is done
    await solved(page)
    await page.get_by_label("我已阅读并同意上述个人信息处理说明").check()
    await page.get_by_role("button", name="提交").click()
    await page.wait_for_selector("#access-code")
    number = await page.locator("#case-number").inner_text()
    code = await page.locator("#access-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]+-\d{4}-\d{6}", number)
    assert len(code) == 12
    assert "只显示这一次" in await page.locator("#access-code-hint").inner_text()
    assert await page.locator("#filed-content").inner_text() == CONTENT      # as text
    assert await page.locator("#filed-content script, #filed-content img").count() == 0
    assert await page.locator("#follow-link").get_attribute("href") == f"/t/{CENTRE}/follow"
    assert await page.get_by_role("button", name="打印回执").is_visible()
    assert alerts == []
    await shot(page, "public-filed")
    await accessible(page)

    # the code the person kept opens the case (the follow page is another's: the API here)
    for _ in range(200):
        opened = await web.platform.http.get(f"/v1/portal/{CENTRE}/cases/{number}",
                                             headers={"X-Access-Code": code})
        if opened.status_code == 200:
            break
        await asyncio.sleep(0.05)
    assert opened.status_code == 200, opened.text
    assert opened.json()["channel"] == "web" and opened.json()["anonymous"]
    await page.locator("#follow-link").click()                       # and on the follow page
    await page.get_by_label("案件编号").fill(number)
    await page.get_by_label("查询码").fill(code)
    await page.get_by_role("button", name="查询").click()
    await page.wait_for_load_state()
    assert number in await page.locator("main").inner_text()
    assert await page.locator("main script:not([src]), main img[src=x]").count() == 0
    assert alerts == []

    # on a phone: one column, nothing wider than the screen
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{web.url}/t/{CENTRE}/file")
    await solved(page)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await shot(page, "public-file-mobile")
    await accessible(page)


async def test_in_english_and_without_javascript(web: Web, browser: Browser) -> None:
    context = await browser.new_context(java_script_enabled=False, locale="en-GB",
                                        viewport={"width": 1366, "height": 768})
    try:
        page = await context.new_page()
        await page.goto(f"{web.url}/t/demo-hospital/file?lang=en")
        assert (await page.locator("h1").inner_text()).startswith("File a complaint")
        await page.goto(f"{web.url}/t/demo-hospital/file")          # the cookie keeps it
        assert (await page.locator("h1").inner_text()).startswith("File a complaint")
        await page.locator("#f-complainant-name").fill("赵六")
        await page.locator("#f-complainant-phone").fill("13912345678")
        await page.locator("#f-content").fill("急诊候诊三小时无人过问")
        await page.get_by_label("I have read and agree to the above").check()
        await page.get_by_role("button", name="Submit").click()
        await page.wait_for_selector("#public-errors")
        assert "turn JavaScript on" in await page.locator("#f-challenge-error").inner_text()
        assert await page.locator("#f-content").input_value() == "急诊候诊三小时无人过问"
        assert await page.get_by_label("I have read and agree to the above").is_checked()
    finally:
        await context.close()

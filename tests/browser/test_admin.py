"""系统管理 and 时限台账 in a browser: an administrator edits a category's keywords and sees the
routing service's classification follow; a bad calendar year is refused with the escalation
service's words next to the field; a handler is turned away; a supervisor reads the ledger."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.browser.conftest import Web, accessible, shot, sign_in

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


async def preview(page: Page, text: str) -> None:
    box = page.get_by_label("输入一段来件内容，查看会被分到哪一类")
    await box.fill("")
    await box.press_sequentially(text)        # real key presses: htmx listens for keyup


async def test_an_admin_edits_keywords_and_the_preview_follows(web: Web, page: Page) -> None:
    await sign_in(page, web, "hosp-admin", then="/admin")
    await expect(page.get_by_role("heading", level=1)).to_have_text("系统管理")
    await shot(page, "admin")
    await accessible(page)

    await page.get_by_role("link", name="分类与关键词").first.click()
    await page.wait_for_url("**/admin/categories")
    row = page.locator("#categories tr", has=page.get_by_role("rowheader", name="医疗收费"))
    await expect(row).to_contain_text("财务处")
    await preview(page, "住院押金多收了，要求退费")
    await expect(page.locator("#classified")).to_contain_text("医疗收费")
    await expect(page.locator("#classify-result")).to_contain_text("退费")
    await shot(page, "admin-categories")
    await accessible(page)
    await preview(page, "陪诊费一天要五百元")     # no keyword of any category yet
    await expect(page.locator("#classified")).to_have_text("没有命中任何分类的关键词。")

    await page.get_by_role("link", name="编辑 医疗收费").click()
    keywords = page.get_by_label("关键词", exact=True)
    await expect(keywords).to_have_value("收费\n费用\n多收\n乱收费\n价格\n发票\n退费")
    await keywords.fill(await keywords.input_value() + "\n陪诊费、" + HOSTILE)
    await page.get_by_role("button", name="保存").click()
    await page.wait_for_url("**/admin/categories?saved=*")
    await expect(page.get_by_role("status")).to_contain_text("已保存")
    await expect(row.locator("td.keywords")).to_contain_text("陪诊费")
    shown_as_text = "<script>alert(1)</script><img"
    await expect(row.locator("td.keywords")).to_contain_text(shown_as_text)
    assert await page.locator("#categories img").count() == 0
    await preview(page, "陪诊费一天要五百元")
    await expect(page.locator("#classified")).to_contain_text("医疗收费")
    await expect(page.locator("#classify-result")).to_contain_text("陪诊费")

    # the service's refusal, next to the field: a department the hospital does not have
    await page.get_by_label("分类名称").fill("餐饮服务")
    await page.get_by_label("承办部门").fill("食堂")
    await page.get_by_label("关键词", exact=True).fill("饭菜")
    await page.get_by_role("button", name="保存").click()
    await expect(page.locator("#cat-department-error")).to_contain_text("食堂")
    assert await page.get_by_label("承办部门").get_attribute("aria-invalid") == "true"


async def test_a_bad_calendar_year_and_a_loosened_deadline_are_refused_in_words(
        web: Web, page: Page) -> None:
    await sign_in(page, web, "hosp-admin", then="/admin/calendar")
    await page.get_by_label("年份").fill("2031")
    await page.get_by_label("放假日期").fill("2031-13-01 元旦\n2030-10-01 国庆节")
    await page.get_by_label("调休上班日期").fill("2031-01-06 元旦")   # a Monday
    await page.get_by_role("button", name="载入").click()
    await expect(page.get_by_role("alert")).to_contain_text("the 2031 schedule is refused")
    holidays = page.locator("#holidays-error")
    await expect(holidays).to_contain_text("第 1 行: not an ISO date: '2031-13-01'")
    await expect(holidays).to_contain_text("第 2 行: 2030-10-01 is not in 2031")
    assert await page.get_by_label("放假日期").get_attribute("aria-invalid") == "true"
    await expect(page.get_by_label("放假日期")).to_have_value(
        "2031-13-01 元旦\n2030-10-01 国庆节")                     # what was typed is kept
    await accessible(page)

    await page.get_by_label("放假日期").fill("2031-01-01 元旦")
    await page.get_by_role("button", name="载入").click()
    await expect(page.locator("#workdays-error")).to_contain_text("Saturday or Sunday")
    await page.get_by_label("调休上班日期").fill("")
    await page.get_by_role("button", name="载入").click()
    await expect(page.get_by_role("status")).to_contain_text("2031")
    await expect(page.locator("#years")).to_contain_text("hosp-admin")

    await page.goto(f"{web.url}/admin/policy")
    clock = page.locator("#clock-rescue_records")
    amount = clock.get_by_role("textbox").first
    limit = int(await amount.input_value())
    await amount.fill(str(limit + 5))                 # loosening a legal deadline
    await clock.get_by_role("button", name="保存").click()
    await expect(page.locator("#amount-rescue_records-error")).to_contain_text("never lengthen")
    await amount.fill(str(limit - 1))                 # tightening it is allowed
    await clock.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("status")).to_contain_text("已保存")
    await expect(page.locator("#amount-rescue_records")).to_have_value(str(limit - 1))
    await accessible(page)


async def test_a_handler_is_turned_away_and_a_supervisor_reads_the_ledger(
        web: Web, page: Page) -> None:
    await sign_in(page, web, "hosp-h4a", then="/inbox")
    assert await page.get_by_role("link", name="系统管理").count() == 0
    answer = await page.goto(f"{web.url}/admin/categories")
    assert answer is not None and answer.status == 403
    await expect(page.get_by_role("alert")).to_have_text("只有管理员可以进入系统管理。")
    forged = await page.request.post(f"{web.url}/admin/categories", form={
        "name": "x", "department": "医务处", "keywords": "y"})
    assert forged.status == 403                      # no CSRF token
    answer = await page.goto(f"{web.url}/ledger")
    assert answer is not None and answer.status == 403

    await page.context.clear_cookies()
    await sign_in(page, web, "hosp-supervisor", then="/ledger")
    await expect(page.get_by_role("heading", level=1)).to_have_text("时限台账")
    await expect(page.locator("#ledger-empty")).to_be_visible()
    await shot(page, "ledger")
    await accessible(page)
    await page.goto(f"{web.url}/ledger?from_date=2026-13-01")
    await expect(page.locator("#from_date-error")).to_have_text("YYYY-MM-DD")


async def test_routing_templates_webhooks_and_dead_deliveries(web: Web, page: Page) -> None:
    await sign_in(page, web, "hosp-admin", then="/admin/routing")
    spare = page.get_by_label("第 1 行 承办部门")
    typed = await spare.input_value()
    assert typed                                         # the seeded table is shown
    await spare.fill("不存在的科室")
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("alert")).to_contain_text("the routing table is not valid")
    await expect(page.locator("#routing-table")).to_contain_text("'不存在的科室' is not a "
                                                                 "department")
    await accessible(page)
    await page.get_by_label("第 1 行 承办部门").fill(typed)
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("status")).to_contain_text("已保存")

    await page.goto(f"{web.url}/admin/templates")
    await page.locator("#templates a", has_text="受理回执").first.click()
    body = page.get_by_label("正文")
    await expect(body).not_to_be_empty()
    await body.fill("{{ case_number ")                   # does not render: refused
    await page.get_by_role("button", name="保存").click()
    await expect(page.get_by_role("alert")).to_contain_text("does not render")
    await expect(body).to_have_value("{{ case_number ")
    await accessible(page)

    await page.goto(f"{web.url}/admin/webhooks")
    await page.get_by_label("标识").fill("oa-system")
    await page.get_by_label("地址").fill("https://oa.hospital.invalid/casebridge")
    await page.get_by_label("密钥").fill("short")
    await page.get_by_role("button", name="保存").click()
    await expect(page.locator("#hook-secret-error")).to_contain_text("16 characters")
    url = page.get_by_label("地址")
    await expect(page.locator("#hook-url-error")).to_contain_text("does not resolve")  # .invalid
    await expect(url).to_have_value("https://oa.hospital.invalid/casebridge")
    await url.fill("https://93.184.215.14/casebridge")            # a public address
    shared = "s3cret-shared-with-the-oa-only"
    await page.get_by_label("密钥").fill(shared)
    await page.get_by_label("超期通知").check()
    await page.get_by_role("button", name="保存").click()
    await expect(page.locator("#endpoints")).to_contain_text("oa-system")
    await expect(page.locator("#endpoints")).to_contain_text("超期通知")
    assert shared not in await page.content()            # never shown again
    await accessible(page)

    await page.goto(f"{web.url}/admin/deliveries")
    await expect(page.get_by_role("heading", level=1)).to_have_text("发送失败的通知")
    await accessible(page)

"""Signing in, the language switch, signing out, and what every page sends with it."""

from __future__ import annotations

from playwright.async_api import Page

from tests.browser.conftest import Web, accessible, shot, sign_in


async def test_a_clerk_signs_in_switches_to_english_and_signs_out(web: Web, page: Page) -> None:
    await page.goto(f"{web.url}/inbox")
    assert "/signin" in page.url                        # no session: to the sign-in page
    await shot(page, "signin")
    await accessible(page)
    await sign_in(page, web, "hosp-clerk")
    assert await page.get_attribute("html", "lang") == "zh-CN"
    await page.get_by_role("button", name="English").click()
    await page.wait_for_load_state()
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.get_by_role("button", name="Sign out").is_visible()
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/signin")
    await page.goto(f"{web.url}/inbox")
    assert "/signin" in page.url                        # the session is gone


async def test_pages_refuse_framing_inline_script_and_forms_without_the_token(
        web: Web, page: Page) -> None:
    answer = await page.goto(f"{web.url}/signin")
    assert answer is not None
    headers = answer.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    await sign_in(page, web, "hosp-clerk")
    cookie = next(c for c in await page.context.cookies() if c["name"] == "cb_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    forged = await page.request.post(f"{web.url}/language", form={"lang": "en"})
    assert forged.status == 403                          # no CSRF token: refused
    assert await page.get_attribute("html", "lang") == "zh-CN"

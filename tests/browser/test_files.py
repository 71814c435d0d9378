"""Files on the case page, through the browser: a clerk attaches a photo to the add_material
form, sees its name, type, size and SHA-256 under the materials and downloads the very bytes;
a program renamed .jpg is refused next to the file input and nothing is added."""

from __future__ import annotations

import hashlib
from pathlib import Path

from playwright.async_api import Page

from tests.browser.conftest import Web, accessible, shot, sign_in
from tests.browser.test_case_page import HOSTILE, register

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + \
    bytes(range(256)) * 20 + b"\xff\xd9"


async def test_staff_attach_a_photo_on_the_case_page_and_download_it(
        web: Web, page: Page, tmp_path: Path) -> None:
    case = await register(web, {
        "kind": "complaint", "channel": "visit",
        "content": f"收费处重复收取CT检查费 {HOSTILE}", "demands": "退还多收的费用",
        "complainant": {"name": "孙八", "phone": "13700000008", "relation": "本人"}})
    case_id = case["case_id"]
    await sign_in(page, web, "hosp-clerk", then=f"/cases/{case_id}")
    box = page.locator("#do-add_material")

    # a program named like a photo: refused in words beside the file input, nothing kept
    program = tmp_path / "发票.jpg"
    program.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(2000))
    await box.locator("summary").click()
    await page.locator("#add_material-file").set_input_files(str(program))
    async with page.expect_navigation():
        await box.locator("button[type=submit]").click()
    error = page.locator("#add_material-file-err")
    assert "application/x-executable" in await error.inner_text()
    assert await page.locator("#add_material-file").get_attribute("aria-invalid") == "true"
    assert await page.locator("ul.files").count() == 0

    photo = tmp_path / "发票照片.jpg"
    photo.write_bytes(PHOTO)
    await page.locator("#add_material-description").fill(f"收费票据 {HOSTILE}")
    await page.locator("#add_material-file").set_input_files(str(photo))
    async with page.expect_navigation():
        await box.locator("button[type=submit]").click()
    sha = hashlib.sha256(PHOTO).hexdigest()
    listed = page.locator("ul.files li")
    assert await listed.count() == 1
    text = await listed.inner_text()
    assert "发票照片.jpg" in text and "image/jpeg" in text and str(len(PHOTO)) in text
    assert sha in text
    assert HOSTILE in await page.locator("#materials-h + ul").inner_text()   # text, not markup
    async with page.expect_download() as info:
        await listed.locator("a").click()
    download = await info.value
    assert download.suggested_filename == "发票照片.jpg"
    saved = tmp_path / "saved.jpg"
    await download.save_as(saved)
    assert saved.read_bytes() == PHOTO      # noqa: ASYNC240 (a few KiB, after the download)
    assert sha in await page.locator("body").inner_text()
    await shot(page, "case-files")
    await accessible(page)

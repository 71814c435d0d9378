"""Pages in a real headless Chromium (Debian's, driven by Playwright) against every service
in this process, the gateway served over a real socket.

Each module gets one platform on SQLite (the default of `make run`); each test its own
browser context (1366×768, zh-CN, Asia/Shanghai). `shot()` keeps a screenshot under
var/screenshots/ for the README; `accessible()` runs axe-core (WCAG 2.1 A and AA rules) and
fails on any serious or critical violation.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from casebridge_platform.devstack import free_port
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from conftest import a_database, own_settings
from tests.integration.conftest import Platform, started

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Web:
    """The running platform and the gateway's address."""

    platform: Platform
    url: str


@pytest.fixture(scope="module")
async def web(request: pytest.FixtureRequest, nats_url: str, spans: InMemorySpanExporter,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Web]:
    tmp_path = tmp_path_factory.mktemp("web")
    async with (a_database(request, "sqlite") as database,
                own_settings(database, nats_url, tmp_path) as settings,
                started(settings, tmp_path) as platform):
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(platform.app, host="127.0.0.1", port=port,
                                               lifespan="off", log_level="warning"))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            assert not serving.done(), "the gateway did not start"
            await asyncio.sleep(0.05)
        try:
            yield Web(platform, f"http://127.0.0.1:{port}")
        finally:
            server.should_exit = True
            await serving


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                    args=["--no-sandbox"])
        yield launched
        await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    made = await browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                     timezone_id="Asia/Shanghai")
    made.set_default_timeout(15_000)
    yield made
    await made.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


async def sign_in(page: Page, web: Web, user: str, *, then: str = "/inbox") -> None:
    """Through the demo sign-in page, as a person of the seed."""
    await page.goto(f"{web.url}/signin?next={then}")
    await page.click(f"#as-{user}")
    await page.wait_for_url(f"{web.url}{then}*")


async def shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def accessible(page: Page) -> None:
    """No serious or critical WCAG 2.1 AA violation on the page as it is now."""
    if not await page.evaluate("typeof axe !== 'undefined'"):
        await page.evaluate(AXE.read_text("utf-8"))   # evaluated, so the page's CSP holds
    result = await page.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    bad = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5]}
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)

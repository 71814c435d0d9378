"""The gateway's limits: request rates per caller and per address shared by every replica
(429 with Retry-After), list page sizes, query text length, JSON nesting depth, array
lengths, and a request body that trickles (slowloris) cut off with 408. Each refusal is a
problem+json and stores nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from casebridge_platform.config import Settings
from gateway.app import create_app
from gateway.guard import json_depth
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from conftest import own_settings
from tests.fuzzing import fingerprint, served, settled
from tests.integration.conftest import Platform, started

# one platform per database for the module: its tests stay on one worker
pytestmark = pytest.mark.xdist_group("guards")

PER_CALLER, PER_ADDRESS = 6, 10


@pytest.fixture(scope="module")
async def platform(nats_url: str, spans: InMemorySpanExporter,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    """On SQLite: the limits are the gateway's and NATS's, whatever the database."""
    tmp_path = tmp_path_factory.mktemp("guards")
    async with (own_settings("sqlite", nats_url, tmp_path) as settings,
                started(settings, tmp_path, rate_caller_per_minute=PER_CALLER,
                        rate_address_per_minute=PER_ADDRESS, body_idle_timeout_s=1.0)
                as running):
        yield running


def client(app: object, address: str) -> httpx.AsyncClient:
    """A client of the app as seen from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


def is_problem(answer: httpx.Response, status: int) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    return answer.json()


async def test_a_caller_over_its_rate_is_told_when_to_retry_on_every_replica(
        platform: Platform) -> None:
    """Two gateway replicas (two apps on one NATS) count one caller's requests together."""
    settings: Settings = platform.settings
    second = create_app(settings.model_copy())
    headers = platform.auth("demo-hospital", "admin", "hosp-admin")
    async with second.router.lifespan_context(second):
        replicas = [client(platform.app, f"198.51.100.{n}") for n in (1, 2)] + \
            [client(second, f"198.51.100.{n}") for n in (3, 4)]
        answers = [await replicas[n % 4].get("/v1/categories", headers=headers)
                   for n in range(PER_CALLER + 2)]
        for replica in replicas:
            await replica.aclose()
    assert [a.status_code for a in answers] == [200] * PER_CALLER + [429, 429]
    refused = answers[-1]
    is_problem(refused, 429)
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    other = platform.auth("demo-hospital", "supervisor", "hosp-supervisor")
    async with client(platform.app, "198.51.100.5") as fresh:   # another caller: not held
        assert (await fresh.get("/v1/categories", headers=other)).status_code == 200


async def test_an_address_over_its_rate_is_held_whoever_it_claims_to_be(
        platform: Platform) -> None:
    async with client(platform.app, "203.0.113.9") as http:
        statuses = [(await http.get("/v1/cases", headers=platform.auth(user=f"u{n}"))
                     ).status_code for n in range(PER_ADDRESS + 1)]
        anonymous = await http.get("/v1/cases")
    assert statuses == [200] * PER_ADDRESS + [429]
    is_problem(anonymous, 429)
    assert "retry-after" in anonymous.headers


@pytest.mark.parametrize(("path", "field"), [
    ("/v1/cases?page_size=201", "page_size"),
    ("/v1/cases?q=" + "投" * 201, "q"),
    ("/v1/notifications?limit=201", "limit"),
    ("/v1/deliveries?limit=1001", "limit"),
])
async def test_list_pages_and_query_text_are_bounded(platform: Platform, path: str,
                                                     field: str) -> None:
    async with client(platform.app, f"192.0.2.{len(path) % 250}") as http:
        answer = await http.get(path, headers=platform.auth(
            "demo-hospital", "admin", f"lister-{len(path)}"))
    body = is_problem(answer, 422)
    assert [e["field"] for e in body["errors"]] == [field]


async def test_deep_json_is_refused_before_it_is_parsed(platform: Platform) -> None:
    before = await settled(platform)
    deep = "[" * 33 + "]" * 33
    async with client(platform.app, "192.0.2.201") as http:
        staff = await http.post("/v1/classify", content=deep, headers={
            **platform.auth(user="deep"), "Content-Type": "application/json"})
        # the public filing parsed its body itself and died of RecursionError (500)
        public = await http.post("/v1/public/demo-hospital/complaints",
                                 content="{\"a\":" * 5000 + "1" + "}" * 5000,
                                 headers={"Content-Type": "application/json"})
    assert "32 levels" in is_problem(staff, 400)["detail"]
    is_problem(public, 400)
    assert await fingerprint(platform) == before


def test_depth_is_counted_outside_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth(b'"\\"[[["') == 0 and json_depth(b"") == 0


async def test_arrays_are_bounded(platform: Platform) -> None:
    admin = platform.auth("demo-hospital", "admin", "arrays-admin")
    async with client(platform.app, "192.0.2.202") as http:
        keywords = await http.put("/v1/categories/数组", headers=admin, json={
            "department": "医务处", "keywords": [f"词{n}" for n in range(201)]})
        table = await http.put("/v1/routing-table", headers=admin, json={
            "routes": [{"department": "医务处"}] * 1001})
    assert [e["field"] for e in is_problem(keywords, 422)["errors"]] == ["keywords"]
    assert [e["field"] for e in is_problem(table, 422)["errors"]] == ["routes"]


async def test_a_trickling_body_is_cut_off(platform: Platform) -> None:
    """Over a real socket: the headers promise 200 bytes, 10 come, then nothing."""
    async with served(platform.app) as base:
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        token = platform.auth(user="trickler")["Authorization"]
        writer.write(f"POST /v1/classify HTTP/1.1\r\nHost: gateway\r\nAuthorization: {token}\r\n"
                     "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n"
                     '{"content"'.encode())
        await writer.drain()
        began = asyncio.get_running_loop().time()
        async with asyncio.timeout(10):
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            body = json.loads(await reader.readexactly(length))
        waited = asyncio.get_running_loop().time() - began
        writer.close()
    assert head.startswith(b"HTTP/1.1 408"), head
    assert body["status"] == 408 and 0.9 <= waited < 5

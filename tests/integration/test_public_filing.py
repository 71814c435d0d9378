"""Filing without an account: the public API, its proof of work and its limits (shared by all
gateway replicas), on SQLite and PostgreSQL. Every refusal is a clear problem and stores
nothing; the tests that file come last."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from gateway.limits import Limit, limits_of
from gateway.routes.public import DAY, leading_zero_bits
from intake.adapters.tables import submissions

from tests.integration.conftest import Platform
from tests.support import routed

HOSPITAL, CENTRE = "demo-hospital", "demo-12315"
ADDRESSES = (f"203.0.113.{i}" for i in itertools.count(1))
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture
def platform(shared_platform: Platform) -> Iterator[Platform]:
    """A trusted proxy in front (each test its own address) and a light proof of work."""
    original = shared_platform.app.state.settings
    shared_platform.app.state.settings = original.model_copy(update={
        "public_behind_proxy": True, "public_pow_bits": 10})
    yield shared_platform
    shared_platform.app.state.settings = original


def solve(challenge: str, bits: int) -> str:
    for nonce in itertools.count():
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) >= bits:
            return str(nonce)
    raise AssertionError("unreachable")


async def worked(platform: Platform, tenant: str, ip: str) -> dict[str, str]:
    answer = await platform.http.get(f"/v1/public/{tenant}/challenge",
                                     headers={"X-Forwarded-For": ip})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    given = answer.json()
    return {"challenge": given["challenge"], "nonce": solve(given["challenge"], given["bits"])}


def report(**more: object) -> dict:
    return {"kind": "report", "content": f"某超市销售过期食品，生产日期被涂改。{HOSTILE}",
            "respondent": {"unit": "某某超市"}, "consent": True, **more}


def hospital(**more: object) -> dict:
    return {"kind": "complaint", "content": "急诊候诊三小时无人过问，护士态度恶劣",
            "complainant": {"name": "赵六", "phone": "13912345678"},
            "respondent": {"department": "急诊科"}, "consent": True, **more}


async def file(platform: Platform, tenant: str, body: dict, ip: str):
    return await platform.http.post(f"/v1/public/{tenant}/complaints", json=body,
                                    headers={"X-Forwarded-For": f"10.0.0.9, {ip}"})


async def stored(platform: Platform) -> int:
    async with platform.runtimes["intake"].uow() as uow:
        await uow.all_tenants()
        query = sa.select(sa.func.count()).select_from(submissions)
        return (await uow.conn.execute(query)).scalar()


def refused(answer, status: int, fields: list[str]) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert sorted(e["field"] for e in problem.get("errors", [])) == fields
    assert problem["detail"]
    return problem


async def test_the_proof_of_work_is_required_checked_and_taken_once(platform: Platform) -> None:
    ip = next(ADDRESSES)
    refused(await file(platform, CENTRE, report(), ip), 422, ["challenge", "nonce"])
    work = await worked(platform, CENTRE, ip)
    wrong = str(int(work["nonce"]) + 1)
    while leading_zero_bits(hashlib.sha256(f"{work['challenge']}:{wrong}".encode()).digest()) \
            >= 10:
        wrong = str(int(wrong) + 1)
    refused(await file(platform, CENTRE, report(**{**work, "nonce": wrong}), ip), 400, ["nonce"])
    forged = work["challenge"][:-3] + ("AAA" if not work["challenge"].endswith("AAA") else "BBB")
    refused(await file(platform, CENTRE, report(**{**work, "challenge": forged}), ip), 400,
            ["challenge"])
    other = await worked(platform, HOSPITAL, ip)                    # another institution's
    refused(await file(platform, CENTRE, report(**other), ip), 400, ["challenge"])
    # a valid one is taken once, even when intake then refuses the filing
    answer = await file(platform, CENTRE, report(**work, kind="praise"), ip)
    refused(answer, 422, ["kind"])                                  # not taken: shape first
    taken = await file(platform, HOSPITAL, hospital(**other, complainant=None,
                                                    kind="complaint", details={"x": "1"}), ip)
    refused(taken, 422, ["details.x"])                              # intake's refusal
    again = await file(platform, HOSPITAL, hospital(**other), ip)
    assert "already used" in refused(again, 400, ["challenge"])["errors"][0]["message"]
    assert await stored(platform) == 0


async def test_consent_is_required(platform: Platform) -> None:
    ip = next(ADDRESSES)
    work = await worked(platform, CENTRE, ip)
    refused(await file(platform, CENTRE, report(**work, consent=False), ip), 422, ["consent"])
    body = report(**work)
    del body["consent"]
    refused(await file(platform, CENTRE, body, ip), 422, ["consent"])
    assert await stored(platform) == 0


async def test_each_address_files_a_limited_number_of_times(platform: Platform) -> None:
    settings = platform.app.state.settings
    platform.app.state.settings = settings.model_copy(update={"public_ip_limit": 2})
    ip = next(ADDRESSES)
    for _ in range(2):
        refused(await file(platform, CENTRE, report(consent=False), ip), 422,
                ["challenge", "nonce"])
    work = await worked(platform, CENTRE, ip)
    answer = await file(platform, CENTRE, report(**work), ip)
    refused(answer, 429, [])
    assert 0 < int(answer.headers["retry-after"]) <= 3600
    elsewhere = await file(platform, CENTRE, report(**work, consent=False), next(ADDRESSES))
    refused(elsewhere, 422, ["consent"])                            # another address may
    # without a trusted proxy, X-Forwarded-For is anyone's to write: the peer is counted
    platform.app.state.settings = settings.model_copy(update={
        "public_ip_limit": 2, "public_behind_proxy": False})
    for _ in range(2):
        refused(await file(platform, CENTRE, report(), next(ADDRESSES)), 422,
                ["challenge", "nonce"])
    refused(await file(platform, CENTRE, report(), next(ADDRESSES)), 429, [])
    assert await stored(platform) == 0


async def test_each_phone_files_a_limited_number_of_times_a_day(platform: Platform) -> None:
    ip = next(ADDRESSES)
    full = platform.app.state.settings.public_phone_limit
    for _ in range(full):       # as if filed before, through any replica
        await limits_of(platform.app).hit(Limit("public-phone", full, DAY),
                                          f"{HOSPITAL}:13800001111")
    work = await worked(platform, HOSPITAL, ip)
    answer = await file(platform, HOSPITAL, hospital(**work, complainant={
        "name": "赵六", "phone": "+86 138-0000-1111"}), ip)
    assert "phone" in refused(answer, 429, [])["detail"]
    assert int(answer.headers["retry-after"]) <= DAY
    assert await stored(platform) == 0


async def test_an_oversize_filing_is_refused_before_it_is_read(platform: Platform) -> None:
    ip = next(ADDRESSES)
    work = await worked(platform, CENTRE, ip)
    answer = await file(platform, CENTRE, report(**work, facts="长" * 12_000), ip)
    assert "larger than" in refused(answer, 413, [])["detail"]
    answer = await file(platform, "no-such-tenant", report(**work), ip)
    refused(answer, 404, [])
    assert await stored(platform) == 0


async def test_an_anonymous_report_is_filed_and_its_code_given_once(platform: Platform) -> None:
    ip = next(ADDRESSES)
    work = await worked(platform, CENTRE, ip)
    answer = await file(platform, CENTRE, report(**work), ip)
    assert answer.status_code == 201, answer.text
    assert answer.headers["cache-control"] == "no-store"
    got = answer.json()
    assert got["kind"] == "report" and got["anonymous"] and len(got["access_code"]) >= 8
    assert got["follow"] == f"/t/{CENTRE}/follow"
    number, code = got["case_number"], got["access_code"]
    async with platform.runtimes["intake"].uow() as uow:          # only a hash of the code
        await uow.all_tenants()
        row = (await uow.conn.execute(sa.select(submissions).where(
            submissions.c.case_number == number))).one()
    assert row.channel == "web" and code not in str(tuple(row))
    for _ in range(200):                                           # once the case is opened
        portal = await platform.http.get(f"/v1/portal/{CENTRE}/cases/{number}",
                                         headers={"X-Access-Code": code})
        if portal.status_code == 200:
            break
        await asyncio.sleep(0.05)
    assert portal.status_code == 200 and HOSTILE in portal.json()["content"]
    replay = await file(platform, CENTRE, report(**work), ip)      # the same work again
    refused(replay, 400, ["challenge"])
    assert await stored(platform) == 1


async def test_a_real_name_hospital_complaint_is_routed_like_any_other(
        platform: Platform) -> None:
    ip = next(ADDRESSES)
    work = await worked(platform, HOSPITAL, ip)
    answer = await file(platform, HOSPITAL, hospital(**work, details={"patient_name": "赵六"}),
                        ip)
    assert answer.status_code == 201, answer.text
    assert not answer.json()["anonymous"]
    staff = platform.auth(HOSPITAL, "supervisor", "hosp-supervisor")
    for _ in range(200):                       # the case service opens it asynchronously
        found = (await platform.http.get("/v1/cases", headers=staff, params={
            "q": answer.json()["case_number"]})).json()["items"]
        if found:
            break
        await asyncio.sleep(0.05)
    [case] = found
    case = await platform.wait_for_case(case["case_id"], routed, staff)
    assert case["channel"] == "web" and case["department"]
    assert case["complainant"]["name"] == "赵六"

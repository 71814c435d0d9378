"""Bad input gets a specific application/problem+json 4xx and stores nothing."""

from __future__ import annotations

import time

import jwt
import pytest
import sqlalchemy as sa
from intake.adapters.tables import submissions

from tests.integration.conftest import Platform

VALID = {"kind": "complaint", "channel": "web", "content": "候诊时间太长，导医不理人",
         "complainant": {"name": "李四", "phone": "13900000000"}}


@pytest.fixture
def platform(shared_platform: Platform) -> Platform:
    """Every test here is refused and must leave nothing behind: they share a platform, and
    each checks that nothing at all was stored, by it or by any before it."""
    return shared_platform


def fields(answer) -> list[str]:
    assert answer.headers["content-type"] == "application/problem+json", answer.text
    return sorted(e["field"] for e in answer.json().get("errors", []))


async def stored(platform: Platform) -> int:
    async with platform.runtimes["intake"].uow() as uow:  # every tenant's rows
        await uow.all_tenants()
        query = sa.select(sa.func.count()).select_from(submissions)
        return (await uow.conn.execute(query)).scalar()


async def nothing_happened(platform: Platform) -> None:
    assert await stored(platform) == 0
    info = await platform.runtimes["intake"].js.stream_info(platform.settings.stream)
    assert info.state.messages == 0
    listed = await platform.http.get("/v1/cases", headers=platform.auth())
    assert listed.json()["items"] == []


@pytest.mark.parametrize(("body", "status", "at_fault"), [
    ("{not json", 400, ["body"]),
    ({}, 422, ["channel", "content", "kind"]),
    ({**VALID, "kind": "praise"}, 422, ["kind"]),
    ({**VALID, "content": 42}, 422, ["content"]),
    ({**VALID, "content": ""}, 422, ["content"]),
    ({**VALID, "complainant": {"name": "李四", "phone": "call me"}}, 422, ["complainant.phone"]),
    ({**VALID, "complainant": {"phone": "13900000000"}}, 422, ["complainant.name"]),
    ({**VALID, "respondent": "护理部"}, 422, ["respondent"]),
    ({**VALID, "surprise": True}, 422, ["surprise"]),
    ({**VALID, "category": "天气"}, 422, ["category"]),
])
async def test_invalid_bodies_name_the_fields_at_fault(platform: Platform, body: object,
                                                       status: int, at_fault: list[str]) -> None:
    kwargs = {"content": body, "headers": {**platform.auth(), "Content-Type": "application/json"}} \
        if isinstance(body, str) else {"json": body, "headers": platform.auth()}
    answer = await platform.http.post("/v1/complaints", **kwargs)
    assert answer.status_code == status, answer.text
    assert fields(answer) == at_fault
    assert answer.json()["status"] == status
    await nothing_happened(platform)


async def test_tokens_that_must_not_pass(platform: Platform) -> None:
    now = int(time.time())
    claims = {"iss": "casebridge-local", "aud": "casebridge", "sub": "x", "tenant": "demo-hospital",
              "roles": ["intake_clerk"], "iat": now, "exp": now + 60}
    def bearer(tenant: str = "demo-hospital", role: str = "intake_clerk", ttl_s: int = 60) -> str:
        return "Bearer " + platform.token(tenant_id=tenant, user_id="x", roles=[role],
                                          department=None, ttl_s=ttl_s)

    cases = {
        "missing": (None, 401),
        "not a bearer": ("Basic dXNlcjpwYXNz", 401),
        "forged": (f"Bearer {jwt.encode(claims, 'not-the-key-' * 4, algorithm='HS256')}", 401),
        "expired": (bearer(ttl_s=-10), 401),
        "unknown tenant": (bearer(tenant="no-such-hospital"), 403),
        "unknown role": (bearer(role="superuser"), 403),
    }
    for name, (authorization, status) in cases.items():
        headers = {"Authorization": authorization} if authorization else {}
        answer = await platform.http.post("/v1/complaints", json=VALID, headers=headers)
        assert answer.status_code == status, (name, answer.text)
        assert answer.headers["content-type"] == "application/problem+json", name
    await nothing_happened(platform)


async def test_a_body_that_is_not_json_is_refused(platform: Platform) -> None:
    answer = await platform.http.post("/v1/complaints", content=b"kind=complaint",
                                      headers={**platform.auth(),
                                               "Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 415
    assert answer.headers["content-type"] == "application/problem+json"
    await nothing_happened(platform)


async def test_an_oversize_body_is_refused(platform: Platform) -> None:
    body = {**VALID, "content": "太" * (platform.settings.max_body_bytes // 2)}
    answer = await platform.http.post("/v1/complaints", json=body, headers=platform.auth())
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    await nothing_happened(platform)


async def test_a_bad_idempotency_key_or_case_id_is_refused(platform: Platform) -> None:
    answer = await platform.http.post("/v1/complaints", json=VALID,
                                      headers={**platform.auth(), "Idempotency-Key": "x" * 300})
    assert answer.status_code == 422
    answer = await platform.http.get("/v1/cases/not-a-uuid", headers=platform.auth())
    assert answer.status_code == 422 and fields(answer) == ["case_id"]
    await nothing_happened(platform)


async def test_without_a_token_nothing_about_the_body_is_said(platform: Platform) -> None:
    answer = await platform.http.post("/v1/complaints", json={"kind": "praise"})
    assert answer.status_code == 401 and "errors" not in answer.json()
    await nothing_happened(platform)

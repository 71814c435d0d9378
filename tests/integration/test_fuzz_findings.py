"""What the generated requests found, each kept as a test of its own (on both databases)."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Platform

# one platform per database for the module: its tests stay on one worker
pytestmark = pytest.mark.xdist_group("fuzz_findings")


@pytest.fixture
def platform(shared_platform: Platform) -> Platform:
    return shared_platform


def admin(platform: Platform) -> dict[str, str]:
    return platform.auth("demo-hospital", "admin", "hosp-admin")


async def test_a_policy_change_naming_many_unknown_clocks_is_a_422(platform: Platform) -> None:
    """The refusal named every clock: its status outgrew gRPC's metadata limit and the
    gateway answered 500 (RESOURCE_EXHAUSTED with details that did not match)."""
    clocks = [{"name": f"没有这个时限-{n:03d}-" + "长" * 40, "amount": 1} for n in range(100)]
    answer = await platform.http.patch("/v1/deadline-policy", json={"clocks": clocks},
                                       headers=admin(platform))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    errors = answer.json()["errors"]
    assert errors[0]["field"].startswith("clocks") and errors[-1]["field"] == "…"
    policy = await platform.http.get("/v1/deadline-policy", headers=admin(platform))
    assert all(not c["name"].startswith("没有这个时限") for c in policy.json()["clocks"])


async def test_a_lone_surrogate_in_a_body_is_a_400_and_stores_nothing(
        platform: Platform) -> None:
    """`"\\ud800"` is valid JSON but not text: protobuf could not encode it and the gateway
    answered 500 (PUT /v1/webhooks/{id} with such a template name)."""
    body = ('{"url": "https://hooks.example.org/x", "secret": "0123456789abcdefg", '
            '"templates": ["\\ud800x"]}')
    answer = await platform.http.put("/v1/webhooks/lone", content=body, headers={
        **admin(platform), "Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    hooks = await platform.http.get("/v1/webhooks", headers=admin(platform))
    assert "lone" not in {h["endpoint_id"] for h in hooks.json()}
    paired = body.replace("\\ud800x", "\\ud83d\\ude00")          # a pair is an emoji: fine
    answer = await platform.http.put("/v1/webhooks/lone", content=paired, headers={
        **admin(platform), "Content-Type": "application/json"})
    assert answer.status_code != 400, answer.text
    await platform.http.delete("/v1/webhooks/lone", headers=admin(platform))


@pytest.mark.parametrize("query", [
    "/v1/deadline-ledger?to_date=1.8233059425027915e-56",
    "/v1/oversight?from_date=0",
    "/v1/cases?received_from=1700000000",
])
async def test_dates_are_iso_8601_not_numbers(platform: Platform, query: str) -> None:
    """A number was taken as seconds since 1970 (to_date=1e-56: 1970-01-01)."""
    answer = await platform.http.get(query, headers=admin(platform))
    assert answer.status_code == 422, answer.text
    assert "ISO 8601" in answer.json()["errors"][0]["message"]

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


@pytest.mark.parametrize("url", ["https://hooks.example.org:99999/x",
                                 "https://" + "a" * 64 + ".example.org/x"])
async def test_a_webhook_url_with_an_impossible_port_or_host_is_a_422(
        platform: Platform, url: str) -> None:
    """The port (ValueError) and a host label too long for IDNA (UnicodeError) escaped the
    address check: 500."""
    answer = await platform.http.put("/v1/webhooks/odd", headers=admin(platform), json={
        "url": url, "secret": "0123456789abcdefg"})
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["url"]
    hooks = await platform.http.get("/v1/webhooks", headers=admin(platform))
    assert "odd" not in {h["endpoint_id"] for h in hooks.json()}

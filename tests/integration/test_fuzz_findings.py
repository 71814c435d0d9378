"""What the generated requests found, each kept as a test of its own (on both databases)."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Platform


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

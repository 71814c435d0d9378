"""What the end-to-end tests and the benchmark both ask of a running gateway."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

SEED = Path(__file__).resolve().parents[1] / "deploy/seed/demo-tenants.json"
# the gateway's request rate limits off: a test or a benchmark sending as fast as it can is
# not an abuser (tests/integration/test_guards.py tests the limits)
UNLIMITED = {"CASEBRIDGE_RATE_CALLER_PER_MINUTE": "0", "CASEBRIDGE_RATE_ADDRESS_PER_MINUTE": "0"}


def daytime_seed(directory: Path, tenants: tuple[str, ...] = ()) -> Path:
    """The demo seed with off-hours routing switched off: a test's complaint goes to the
    responsible department whatever the hour it runs at (off-hours routing has its own tests
    with fixed times). `tenants`: only these (a deployment of some institutions)."""
    data = json.loads(SEED.read_text("utf-8"))
    if tenants:
        data["tenants"] = [t for t in data["tenants"] if t["id"] in tenants]
    for tenant in data["tenants"]:
        tenant["off_hours_routing"] = False
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "daytime-seed.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def routed(case: dict) -> bool:
    """Opened by the case service and routed: a responsible department proposed."""
    return case.get("department") is not None


def complete(case: dict) -> bool:
    """Accepted and assigned, its deadline clock armed, its acknowledgement recorded."""
    return case.get("status") == "assigned" and bool(case["due_at"]) and case["acknowledged"]


async def all_cases(http: httpx.AsyncClient) -> list[dict]:
    """Every case of the caller's tenant, following the pages."""
    found: list[dict] = []
    token: str | None = None
    while True:
        params = {"page_size": 200, **({"page_token": token} if token else {})}
        answer = await http.get("/v1/cases", params=params)
        assert answer.status_code == 200, f"listing the cases: {answer.status_code} {answer.text}"
        page = answer.json()
        found += page["items"]
        token = page["next_page_token"]
        if not token:
            return found

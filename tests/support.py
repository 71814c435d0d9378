"""What the end-to-end tests and the benchmark both ask of a running gateway."""

from __future__ import annotations

import httpx


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
        page = (await http.get("/v1/cases", params=params)).json()
        found += page["items"]
        token = page["next_page_token"]
        if not token:
            return found

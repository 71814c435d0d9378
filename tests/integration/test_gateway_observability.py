"""The gateway's readiness follows NATS (its own nats-server, killed and started again) and
its requests are counted by route template, never by raw path."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import httpx
import pytest
from casebridge_platform import testing
from casebridge_platform.devstack import ROOT
from gateway.app import create_app
from gateway.settings import GatewaySettings
from prometheus_client import REGISTRY


def requests(route: str, status: str) -> float:
    return REGISTRY.get_sample_value("casebridge_http_requests_total", {
        "route": route, "method": "GET", "status": status}) or 0.0


async def test_readyz_fails_while_nats_is_away_and_requests_count_by_route(
        own_nats: testing.NatsProcess, tmp_path: Path) -> None:
    settings = GatewaySettings(nats_url=own_nats.url, var_dir=tmp_path / "var",
                               principal_key=secrets.token_urlsafe(32),
                               seed_file=ROOT / "deploy/seed/demo-tenants.json",
                               token_key_file=tmp_path / "token.key")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            assert (await http.get("/readyz")).status_code == 200
            own_nats.kill()
            assert (await http.get("/readyz")).status_code == 503
            assert (await http.get("/healthz")).status_code == 200     # alive all the same
            own_nats.start()
            for _ in range(50):
                if (await http.get("/readyz")).status_code == 200:
                    break
                await asyncio.sleep(0.2)
            else:
                pytest.fail("/readyz did not recover with NATS")

            before = requests("/v1/cases/{case_id}", "401")
            unmatched = requests("unmatched", "404")
            timed = REGISTRY.get_sample_value(
                "casebridge_http_request_duration_seconds_count",
                {"route": "/v1/cases/{case_id}", "method": "GET"}) or 0.0
            for case_id in ("0001", "0002", "0003"):
                assert (await http.get(f"/v1/cases/{case_id}")).status_code == 401
            assert (await http.get("/no/such/page")).status_code == 404
            assert requests("/v1/cases/{case_id}", "401") == before + 3
            assert requests("unmatched", "404") == unmatched + 1
            assert REGISTRY.get_sample_value(
                "casebridge_http_request_duration_seconds_count",
                {"route": "/v1/cases/{case_id}", "method": "GET"}) == timed + 3

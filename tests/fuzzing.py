"""Generated requests (schemathesis, from the gateway's own OpenAPI) against a running platform.

The gateway is served over real HTTP (uvicorn, in the test's event loop) and schemathesis
sends from a worker thread, so the services keep running on the loop meanwhile. Each
operation is driven in two modes, as each of several callers (staff of different tenant
kinds and roles, a regulator, nobody), half the time on a real case of the caller's tenant
(or, on the portal, with a real case number and access code):

- negative: requests that break the schema must be refused with a 4xx problem, and the
  whole platform (every table of every service, the event stream) must be the same after
  the phase as before it: a rejected request stores nothing;
- positive: requests within the schema.

Every answer must be no 5xx, a documented status, of the documented media type and schema,
and every error an application/problem+json `Problem`. The failures are counted by kind.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import hypothesis
import hypothesis.strategies as st
import requests
import schemathesis
import sqlalchemy as sa
import uvicorn
from casebridge_platform.devstack import free_port
from fastapi import FastAPI
from gateway.problems import Problem
from pydantic import ValidationError
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.conftest import Platform

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
# who calls: tenant, role, user, department (None: nobody, no token)
CALLERS: dict[str, tuple[str, str, str, str | None] | None] = {
    "hospital admin": ("demo-hospital", "admin", "hosp-admin", None),
    "hospital handler": ("demo-hospital", "handler", "hosp-h4a", "医务处"),
    "hospital clerk": ("demo-hospital", "intake_clerk", "hosp-clerk", None),
    "12315 supervisor": ("demo-12315", "supervisor", "cc-supervisor", None),
    "health bureau leader": ("demo-health-bureau", "leader", "hb-leader", "局领导"),
    "nobody": None,
}
SKIPPED = {"stream_notifications"}        # an endless text/event-stream: not for a fuzzer
SEEDED = {"demo-hospital": {"kind": "complaint", "channel": "phone",
                            "content": "护士输液时态度恶劣，打针多次不成功",
                            "complainant": {"name": "张三", "phone": "13800000000"}},
          "demo-12315": {"kind": "complaint", "channel": "phone",
                         "content": "购买的电饭煲使用一周后漏电",
                         "demands": "退货退款", "facts": "购买一周后插电即漏电",
                         "complainant": {"name": "王五", "phone": "13700000000",
                                         "address": "山东省临沂市某路1号"},
                         "respondent": {"unit": "某电器商行"},
                         "details": {"business_name": "某电器商行"}}}


@dataclasses.dataclass
class Seeded:
    """A real case per tenant: its id, number and access code."""

    cases: dict[str, tuple[str, str, str]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Report:
    cases: int = 0
    by_mode: Counter[str] = dataclasses.field(default_factory=Counter)
    statuses: Counter[int] = dataclasses.field(default_factory=Counter)
    failures: Counter[str] = dataclasses.field(default_factory=Counter)
    examples: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0
    timing: Counter[str] = dataclasses.field(default_factory=Counter)

    def fail(self, kind: str, where: str, message: str) -> None:
        self.failures[kind] += 1
        found = self.examples.setdefault(kind, [])
        if len(found) < 5:
            found.append(f"{where}: {message[:600]}")

    def as_json(self) -> dict[str, Any]:
        return {"cases": self.cases, "by_mode": dict(self.by_mode),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "failures": dict(self.failures), "failure_examples": self.examples,
                "seconds": round(self.seconds, 1),
                "timing": {k: round(v, 1) for k, v in self.timing.items()}}


class _Quiet(uvicorn.Server):
    def install_signal_handlers(self) -> None:     # the test runner keeps its own
        pass


@contextlib.asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """The gateway (already started) over real HTTP on a free port: its base URL."""
    port = free_port()
    server = _Quiet(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off",
                                   log_level="error", timeout_keep_alive=30))
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:   # noqa: ASYNC110 (uvicorn offers a flag, no event)
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


async def fingerprint(platform: Platform) -> dict[str, int]:
    """How many rows each table of each service holds, and the event stream's messages."""
    found: dict[str, int] = {}
    for name, runtime in platform.runtimes.items():
        async with runtime.uow() as uow:
            await uow.all_tenants()
            tables = await uow.conn.run_sync(lambda c: sa.inspect(c).get_table_names())
            for table in tables:
                query = sa.select(sa.func.count()).select_from(sa.table(table))
                found[f"{name}.{table}"] = (await uow.conn.execute(query)).scalar_one()
    info = await platform.runtimes["intake"].js.stream_info(platform.settings.stream)
    found["stream"] = info.state.messages
    return found


async def settled(platform: Platform, timeout: float = 30) -> dict[str, int]:
    """The fingerprint once nothing moves any more (the pipeline has done its work)."""
    deadline = time.monotonic() + timeout
    last = await fingerprint(platform)
    while True:
        await asyncio.sleep(0.5)
        now = await fingerprint(platform)
        if now == last or time.monotonic() > deadline:
            return now
        last = now


async def seed(platform: Platform) -> Seeded:
    """One registered, routed case in each seeded tenant."""
    seeded = Seeded()
    for tenant, body in SEEDED.items():
        user = {"demo-hospital": "hosp-clerk", "demo-12315": "cc-clerk"}[tenant]
        headers = platform.auth(tenant, "intake_clerk", user)
        answer = await platform.http.post("/v1/complaints", json=body, headers=headers)
        assert answer.status_code == 201, answer.text
        case = answer.json()
        await platform.wait_for_case(case["case_id"], lambda c: c["department"] is not None,
                                     headers)
        seeded.cases[tenant] = (case["case_id"], case["case_number"], case["access_code"])
    return seeded


def _auth(platform: Platform, caller: str) -> dict[str, str]:
    who = CALLERS[caller]
    if who is None:
        return {}
    tenant, role, user, department = who
    return platform.auth(tenant, role, user, department)


def _on_a_real_case(case: Any, caller: str, seeded: Seeded) -> None:
    """Point the generated request at a case that exists (the caller's tenant's, or for
    nobody the hospital's through the portal with its code)."""
    who = CALLERS[caller]
    tenant = who[0] if who and who[0] in seeded.cases else "demo-hospital"
    case_id, number, code = seeded.cases[tenant]
    params = case.path_parameters or {}
    if "case_id" in params:
        params["case_id"] = case_id
    if "case_number" in params:
        params.update(tenant_id=tenant, case_number=number)
        case.headers = {**(case.headers or {}), "X-Access-Code": code}
    elif "tenant_id" in params:
        params["tenant_id"] = tenant


def _headers_negated(case: Any) -> bool:
    """A negative case about its headers (e.g. without the Authorization it requires): sent as
    generated, without the caller's token."""
    meta = case.meta
    header = meta.components.get(ParameterLocation.HEADER) if meta else None
    return header is not None and header.mode is GenerationMode.NEGATIVE


def _is_problem(response: Any) -> str | None:
    """Why an error answer is not a Problem (None: it is one)."""
    media = (response.headers.get("content-type") or [""])[0]
    if media != "application/problem+json":
        return f"content-type {media!r}"
    try:
        body = response.json()
        Problem.model_validate(body)
    except (ValueError, ValidationError) as exc:
        return str(exc)[:300]
    if body["status"] != response.status_code:
        return f"status {body['status']} in a {response.status_code} answer"
    return None


def _judge(report: Report, case: Any, response: Any, mode: GenerationMode,
           headers: dict[str, str]) -> None:
    where = f"{case.operation.label} [{mode.value}]"
    report.statuses[response.status_code] += 1
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])
    try:
        case.validate_response(response, checks=checks, headers=headers)
    except FailureGroup as group:
        for failure in group.exceptions:
            report.fail(type(failure).__name__, where,
                        f"{response.status_code} {failure.title}: {failure.message}\n"
                        f"{case.as_curl_command(headers=headers)}")
    except AssertionError as exc:      # a check that asserts instead of failing
        report.fail("assertion", where, str(exc))
    if response.status_code >= 400 and (why := _is_problem(response)):
        report.fail("not_problem_json", where, f"{response.status_code}: {why}")


def _drive(platform: Platform, operation: Any, mode: GenerationMode, base_url: str,
           seeded: Seeded, examples: int, report: Report, seed_value: int) -> None:
    """Hypothesis over one operation in one mode (in a worker thread)."""
    session = requests.Session()

    @hypothesis.settings(max_examples=examples, deadline=None, database=None,
                         derandomize=False, phases=[hypothesis.Phase.explicit,
                                                    hypothesis.Phase.generate],
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.seed(seed_value)
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode),
                      caller=st.sampled_from(sorted(CALLERS)), real=st.booleans())
    def one(case: Any, caller: str, real: bool) -> None:
        headers = {} if _headers_negated(case) else _auth(platform, caller)
        if real and mode is GenerationMode.POSITIVE:
            _on_a_real_case(case, caller, seeded)
        report.cases += 1
        report.by_mode[mode.value] += 1
        began = time.perf_counter()
        try:
            response = case.call(base_url=base_url, session=session, headers=headers,
                                 timeout=30)
        except requests.RequestException as exc:
            report.fail("transport", f"{operation.label} [{mode.value}]", repr(exc))
            return
        called = time.perf_counter()
        _judge(report, case, response, mode, headers)
        report.timing["call"] += called - began
        report.timing["judge"] += time.perf_counter() - called

    try:
        one()
    finally:
        session.close()


# a refusal is any documented 4xx: 413 for a body over the cap is one too
# and a parameter nobody asked for is ignored, as HTTP APIs do, not refused
CONFIG = {"checks": {"negative_data_rejection": {"expected-statuses": [
    400, 401, 403, 404, 409, 413, 415, 422, 429]}},
    "generation": {"allow-extra-parameters": False}}


def operations(app: FastAPI) -> list[Any]:
    schema = schemathesis.openapi.from_dict(app.openapi(),
                                            config=SchemathesisConfig.from_dict(CONFIG))
    found = [result.ok() for result in schema.get_all_operations()]
    only = os.environ.get("CASEBRIDGE_FUZZ_ONLY")          # one operation id, to reproduce
    return [op for op in found if op.definition.raw.get("operationId") not in SKIPPED
            and (not only or op.definition.raw.get("operationId") == only)]


async def fuzz(platform: Platform, *, examples: int, seed_value: int = 17,
               progress: Callable[[str], None] | None = None) -> Report:
    """Every operation, negative then positive, `examples` generated cases each per mode."""
    report, started = Report(), time.monotonic()
    seeded = await seed(platform)
    ops = operations(platform.app)
    async with served(platform.app) as base_url:
        for mode in (GenerationMode.NEGATIVE, GenerationMode.POSITIVE):
            before = await settled(platform)
            accepted = report.statuses.copy()
            for op in ops:
                await asyncio.to_thread(_drive, platform, op, mode, base_url, seeded,
                                        examples, report, seed_value)
                if progress:
                    progress(f"{mode.value} {op.label}: {report.cases} cases")
            if mode is GenerationMode.NEGATIVE:
                after = await settled(platform)
                changed = {k: (before.get(k), v) for k, v in after.items()
                           if before.get(k) != v}
                accepted_now = sum(n for s, n in (report.statuses - accepted).items()
                                   if s < 400)
                if changed and not accepted_now:
                    report.fail("stored_by_rejected", "negative phase",
                                json.dumps(changed, ensure_ascii=False))
    report.seconds = time.monotonic() - started
    return report

"""The authorisation table (tests/authorisation.py, printed in the README) against the running
platform, on SQLite and PostgreSQL: every endpoint for every role of every tenant kind, a user
of another tenant, a regulator outside the jurisdiction, an anonymous caller and a
complainant holding another case's access code. Refusals (401, 403, 404) change nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from conftest import a_database, own_settings
from tests import authorisation as table
from tests.fuzzing import fingerprint, settled
from tests.integration.conftest import Platform, started
from tests.support import daytime_seed

# one platform per database for the module: its tests stay on one worker
pytestmark = pytest.mark.xdist_group("authorisation")

ROOT = Path(__file__).resolve().parents[2]
FAR = "far-health-bureau"          # a health bureau of another province: not the hospital's
UPLOAD = {"file": ("note.txt", b"not a type any institution takes", "text/plain")}


def seed_with_a_far_regulator(directory: Path) -> Path:
    path = daytime_seed(directory)
    data = json.loads(path.read_text("utf-8"))
    bureau = copy.deepcopy(next(t for t in data["tenants"] if t["id"] == "demo-health-bureau"))
    bureau.update(id=FAR, name="远方省卫生健康委员会", case_number_prefix="FAR",
                  division="440000-440100-440106")
    for person in bureau["staff"]:
        person["id"] = "far-" + person["id"]
    data["tenants"].append(bureau)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def platform(request: pytest.FixtureRequest, nats_url: str,
                   spans: InMemorySpanExporter,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    tmp_path = tmp_path_factory.mktemp("authz")
    seed = seed_with_a_far_regulator(tmp_path / "seed")
    async with (a_database(request, request.param) as database,
                own_settings(database, nats_url, tmp_path) as settings,
                started(settings, tmp_path, seed=seed) as running):
        yield running


def tenants(platform: Platform) -> dict[str, dict]:
    return platform.app.state.directory.tenants


def person(platform: Platform, tenant: str, role: str, *, not_in: str | None = None
           ) -> dict[str, str] | None:
    """A bearer for the tenant's first person with the role (a handler: of another
    department than `not_in`); None when the tenant has nobody with it."""
    for p in tenants(platform)[tenant]["staff"]:
        if role in p["roles"] and not (not_in and p.get("department") == not_in):
            return platform.auth(tenant, role, p["id"], p.get("department"))
    return None


async def register(platform: Platform, content: str) -> dict:
    headers = platform.auth()
    answer = await platform.http.post("/v1/complaints", headers=headers, json={
        "kind": "complaint", "channel": "phone", "content": content,
        "complainant": {"name": "张三", "phone": "13800000000"}})
    assert answer.status_code == 201, answer.text
    case = answer.json()
    routed = await platform.wait_for_case(case["case_id"], lambda c: c["department"] is not None,
                                          platform.auth("demo-hospital", "admin", "hosp-admin"))
    return {**case, "department": routed["department"]}


async def send(platform: Platform, row: table.Row, headers: dict[str, str], case: dict,
               code: str = "") -> httpx.Response:
    path = row.path.replace(table.CASE, case["case_id"]).replace(
        "{tenant}", "demo-hospital").replace("{number}", case["case_number"])
    if code:
        headers = {**headers, "X-Access-Code": code}
    if row.operation in ("upload_case_files", "portal_upload_files"):
        return await platform.http.post(path, headers=headers, files=UPLOAD)
    return await platform.http.request(row.method, path, headers=headers,
                                       json=row.body if row.body is not None else None)


def judge(row: table.Row, expected: str, answer: httpx.Response, case: dict, who: str) -> None:
    where = (row.operation, who, answer.status_code, answer.text[:300])
    assert answer.status_code < 500, where
    if expected == "ok":
        assert answer.status_code not in (401, 403), where
        if row.scoped:
            assert answer.status_code != 404 or row.operation in (
                "download_case_file", "extend_deadline"), where    # these name no such thing
    elif expected == "own":                  # their own tenant's: never this one's case
        assert answer.status_code not in (401, 403), where
        assert case["case_number"] not in answer.text and case["case_id"] not in answer.text, \
            where
    elif expected == "404/429":
        assert answer.status_code in (404, 429), where
    else:
        assert answer.status_code == int(expected), where
    if answer.status_code >= 400:
        assert answer.headers["content-type"] == "application/problem+json", where


async def test_the_table(platform: Platform) -> None:
    case = await register(platform, "护士输液时态度恶劣，打针多次不成功")
    other = await register(platform, "收费处多收了挂号费")
    specials = {"other tenant": platform.auth("demo-company", "admin", "corp-admin"),
                "regulator elsewhere": platform.auth(FAR, "supervisor", "far-hb-supervisor"),
                "anonymous": {}, "other case's code": {}}
    hospital = {role: person(platform, "demo-hospital", role, not_in=case["department"])
                for role in table.ROLES}
    refused: list[tuple[table.Row, str, dict[str, str]]] = []
    allowed: list[tuple[table.Row, str, dict[str, str]]] = []
    for row in table.ENDPOINTS:
        for column in table.COLUMNS:
            expected = table.cell(row, column)
            if expected == "—":
                continue
            headers = specials.get(column) if column in specials else hospital[column]
            assert headers is not None, column
            (allowed if expected == "ok" else refused).append((row, column, headers))
    before = await settled(platform)
    for row, column, headers in refused:
        code = other["access_code"] if column == "other case's code" else ""
        answer = await send(platform, row, headers, case, code)
        judge(row, table.cell(row, column), answer, case, column)
    assert await fingerprint(platform) == before          # every refusal changed nothing
    for row, column, headers in allowed:
        judge(row, "ok", await send(platform, row, headers, case), case, column)


async def test_every_role_of_every_tenant_kind(platform: Platform) -> None:
    """The tenant-wide endpoints for each role of each tenant (the case-scoped ones are in
    test_the_table; another tenant's case is 404 whoever asks). On SQLite only: which kind
    may do what does not depend on the database (test_the_table runs on both)."""
    if platform.settings.database != "sqlite":
        pytest.skip("the same on PostgreSQL: test_the_table covers its tenant isolation")
    nothing = {"case_id": "00000000-0000-4000-8000-000000000000", "case_number": "X-0000-0"}
    for tenant, data in tenants(platform).items():
        for role in table.ROLES:
            headers = person(platform, tenant, role)
            if headers is None:
                continue
            for row in table.ENDPOINTS:
                if row.portal or row.scoped:
                    continue
                expected = table.cell(row, role, data["kind"])
                answer = await send(platform, row, headers, nothing)
                judge(row, expected, answer, nothing, f"{tenant} {role}")


async def test_the_actions_each_role_may_take(platform: Platform) -> None:
    """On a case just received: an action without its required reason is refused with 422
    for a role that may take it, 403 for one that may not, and nothing changes either way;
    the actions the API offers each role are the table's."""
    case = await register(platform, "导医态度冷漠，不告诉我在哪里挂号")
    other = await register(platform, "停车场收费太贵")
    bodies = {"refuse": {"notice": "告知"}, "refer": {"competent_body": "某局", "mode": "tell"},
              "reclassify": {"category": "服务态度"}, "withdraw": {},
              "merge": {"into_case_id": other["case_id"]}}
    roles = table.action_roles()
    admin = platform.auth("demo-hospital", "admin", "hosp-admin")
    seen = (await platform.http.get(f"/v1/cases/{case['case_id']}", headers=admin)).json()
    for role in table.ROLES:
        headers = person(platform, "demo-hospital", role, not_in=case["department"])
        assert headers is not None
        for action, body in bodies.items():
            answer = await platform.http.post(f"/v1/cases/{case['case_id']}/actions",
                                              headers=headers, json={"action": action, **body})
            if role == "handler":
                expected = 404                # not their department's case: not seen at all
            else:
                expected = 422 if role in roles[action] else 403
            assert answer.status_code == expected, (role, action, answer.text)
        offered = (await platform.http.get(f"/v1/cases/{case['case_id']}",
                                           headers=headers))
        if role != "handler":
            assert all(role in roles[a] for a in offered.json()["allowed_actions"]), role
    after = (await platform.http.get(f"/v1/cases/{case['case_id']}", headers=admin)).json()
    assert (after["status"], len(after["timeline"])) == (seen["status"], len(seen["timeline"]))


async def test_the_notice_stream_needs_a_token(platform: Platform) -> None:
    answer = await platform.http.get("/v1/notifications/stream")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"


def test_the_readme_prints_the_table() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert table.markdown() in readme, "README is stale: python -m tests.authorisation"

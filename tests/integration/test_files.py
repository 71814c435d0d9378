"""Evidence files through the gateway, on SQLite and PostgreSQL, on the local store and on a
real S3-compatible server (moto's, run here as a process): staff and complainant uploads and
downloads, who may fetch what, each bad file refused with nothing left behind, the timeline's
record, and encryption at rest for a tenant that asks for it (the demo hospital)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from casebridge_platform.devstack import free_port
from gateway.files.store import Local

from conftest import a_database, own_settings
from tests.integration.conftest import Platform, started
from tests.support import routed

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + \
    bytes(range(256)) * 40 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(3000)
COMPLAINT = {"kind": "complaint", "channel": "visit",
             "content": "出院结算时收费处多收了检查费用，一项CT重复收费，要求退费",
             "demands": "退还多收的费用",
             "complainant": {"name": "王五", "phone": "13700000001", "relation": "本人"},
             "details": {"patient_name": "王五", "patient_sex": "男", "patient_age": "56",
                         "inpatient_number": "ZY2026-0815"}}
ACCESS = "access_key_for_tests"
SECRET = "secret_key_for_tests"  # noqa: S105 (moto takes any)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server as a subprocess on a free port."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                "-p", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(url, timeout=0.5)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


# each store and each database once (the store does not care which database is behind it)
@pytest.fixture(scope="module", params=[("sqlite", "local"), ("postgresql", "s3")],
                ids=lambda p: f"{p[0]}-{p[1]}")
async def files_platform(request: pytest.FixtureRequest, nats_url: str,
                         tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    database, store = request.param
    tmp_path = tmp_path_factory.mktemp("files")
    extra: dict[str, object] = {"files_dir": tmp_path / "files"}
    if store == "s3":                       # a bucket per platform: each has its own key
        endpoint, bucket = request.getfixturevalue("s3_endpoint"), f"files-{database}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                     aws_access_key_id=ACCESS, aws_secret_access_key=SECRET
                     ).create_bucket(Bucket=bucket)
        extra |= {"files_store": "s3", "files_s3_endpoint": endpoint,
                  "files_s3_bucket": bucket, "files_s3_access_key": ACCESS,
                  "files_s3_secret_key": SECRET}
    async with (a_database(request, database) as url,
                own_settings(url, nats_url, tmp_path) as settings,
                started(settings, tmp_path, **extra) as running):
        yield running


async def stored(platform: Platform, tenant: str, sha: str) -> bytes | None:
    """The bytes as the store holds them (sealed or not), or None."""
    backend = platform.app.state.files.backend
    key = f"{tenant}/{sha}"
    if not await backend.exists(key):
        return None
    return b"".join([chunk async for chunk in backend.read(key)])


def leftovers(platform: Platform) -> list[str]:
    """Temporary files still in the store's incoming folder."""
    return os.listdir(platform.app.state.files.temp)


def everything(platform: Platform) -> set[str]:
    """Every file the store holds, by key."""
    backend = platform.app.state.files.backend
    if isinstance(backend, Local):
        return {f"{p.parent.parent.name}/{p.name}" for p in Path(backend.root).glob("*/*/*")
                if ".incoming" not in p.parts}
    listed = backend.client.list_objects_v2(Bucket=backend.bucket)
    return {o["Key"] for o in listed.get("Contents", [])}


async def a_case(platform: Platform, tenant: str = "demo-hospital",
                 user: str = "hosp-clerk") -> tuple[dict, dict[str, str]]:
    headers = platform.auth(tenant, "intake_clerk", user)
    body = COMPLAINT if tenant == "demo-hospital" else {
        "kind": "complaint", "channel": "phone", "content": "买的电水壶用了三天就漏电，要求退货",
        "demands": "退货退款", "complainant": {"name": "赵六", "phone": "13700000002"}}
    answer = await platform.http.post("/v1/complaints", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    case = await platform.wait_for_case(answer.json()["case_id"], routed, headers)
    return {**case, **answer.json()}, headers


def form(*files: tuple[str, bytes], description: str | None = None) -> dict:
    data = {"description": description} if description is not None else {}
    return {"files": [("file", (name, content, "image/jpeg")) for name, content in files],
            "data": data}


async def test_staff_upload_download_and_who_may_fetch(files_platform: Platform) -> None:
    platform = files_platform
    case, clerk = await a_case(platform)
    url = f"/v1/cases/{case['case_id']}/files"
    answer = await platform.http.post(url, headers=clerk, **form(
        ("发票 照片.jpg", JPEG), ("scan.png", PNG), description="收费票据照片"))
    assert answer.status_code == 201, answer.text
    material = answer.json()["materials"][-1]
    sha = hashlib.sha256(JPEG).hexdigest()
    assert material["description"] == "收费票据照片" and material["added_by"] == "hosp-clerk"
    assert material["files"][0] == {"sha256": sha, "size": len(JPEG),
                                    "media_type": "image/jpeg", "name": "发票 照片.jpg"}
    assert material["files"][1]["media_type"] == "image/png"
    entry = answer.json()["timeline"][-1]
    assert entry["type"] == "add_material" and sha in entry["summary"] \
        and f"{len(JPEG)} bytes" in entry["summary"] and "image/jpeg" in entry["summary"]
    assert entry["actor"] == "hosp-clerk" and entry["at"]

    got = await platform.http.get(f"{url}/{sha}", headers=clerk)
    assert got.status_code == 200 and got.content == JPEG
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["content-disposition"] == \
        "attachment; filename*=UTF-8''%E5%8F%91%E7%A5%A8%20%E7%85%A7%E7%89%87.jpg"
    assert got.headers["x-content-type-options"] == "nosniff"

    # the hospital seals its files at rest: the store holds other bytes than were sent
    held = await stored(platform, "demo-hospital", sha)
    assert held is not None and held != JPEG and JPEG[32:2000] not in held

    # another tenant's staff, a handler who may not see the case, a file not on the case
    other = platform.auth("demo-company", "intake_clerk", "co-clerk")
    assert (await platform.http.get(f"{url}/{sha}", headers=other)).status_code == 404
    stranger = platform.auth("demo-hospital", "handler", "hosp-h4a", "医务处")
    assert (await platform.http.get(f"{url}/{sha}", headers=stranger)).status_code == 404
    assert (await platform.http.post(url, headers=stranger, **form(("x.jpg", JPEG)))
            ).status_code == 404
    unknown = hashlib.sha256(b"elsewhere").hexdigest()
    assert (await platform.http.get(f"{url}/{unknown}", headers=clerk)).status_code == 404

    # a tenant without encryption keeps the bytes as they came
    company_case, company = await a_case(platform, "demo-company", "co-clerk")
    curl = f"/v1/cases/{company_case['case_id']}/files"
    assert (await platform.http.post(curl, headers=company, **form(("p.png", PNG)))
            ).status_code == 201
    png_sha = hashlib.sha256(PNG).hexdigest()
    assert await stored(platform, "demo-company", png_sha) == PNG
    # the same content on the hospital's case is not the company's file to fetch
    assert (await platform.http.get(f"{url}/{png_sha}", headers=other)).status_code == 404
    assert leftovers(platform) == []


def bomb() -> bytes:
    """A docx-shaped zip whose document unpacks to 200 MiB of zeros (a few hundred KiB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(200):
                entry.write(bytes(1024 * 1024))
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "hello")
    return out.getvalue()


async def test_bad_files_are_refused_and_leave_nothing(files_platform: Platform) -> None:
    platform = files_platform
    case, clerk = await a_case(platform)
    url = f"/v1/cases/{case['case_id']}/files"
    before = everything(platform)
    elf = b"\x7fELF\x02\x01\x01" + os.urandom(4000)
    big = b"\xff\xd8\xff\xe0" + bytes(21 * 1024 * 1024)
    for files, status, words in (
            ((("empty.jpg", b""),), 422, "empty"),
            ((("huge.jpg", big),), 413, "larger than"),
            ((("photo.jpg", elf),), 415, "application/x-executable"),
            ((("archive.zip", plain_zip()),), 415, "application/zip"),
            ((("report.docx", bomb()),), 422, "archive"),
            ((("../../etc/passwd.jpg", JPEG),), 422, "path"),
            ((("a/b.jpg", JPEG),), 422, "path"),
            ((("a\\b.jpg", JPEG),), 422, "path"),
            ((("ok.jpg", JPEG), ("photo.jpg", elf)), 415, "not accepted")):
        answer = await platform.http.post(url, headers=clerk, **form(*files))
        assert answer.status_code == status, (files[0][0], answer.text)
        assert words in answer.json()["detail"], answer.text
    # not multipart, or no file at all
    assert (await platform.http.post(url, headers=clerk, json={"x": 1})).status_code == 415
    assert (await platform.http.post(url, headers=clerk, files={"description": (None, "x")})
            ).status_code == 422

    # a body cut off half-way (the last boundary never comes), and a client that fails
    cut = (b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n"
           b"Content-Type: image/jpeg\r\n\r\n" + JPEG)
    answer = await platform.http.post(url, headers={
        **clerk, "Content-Type": "multipart/form-data; boundary=XyZ"}, content=cut)
    assert answer.status_code == 400 and "interrupted" in answer.json()["detail"]

    async def failing() -> AsyncIterator[bytes]:
        yield cut
        raise ConnectionResetError("the client went away")

    try:            # the ASGI transport tells the app the client left (http.disconnect)
        answer = await platform.http.post(url, headers={
            **clerk, "Content-Type": "multipart/form-data; boundary=XyZ"}, content=failing())
        assert answer.status_code == 400, answer.text
    except ConnectionResetError:
        pass

    assert everything(platform) == before
    assert leftovers(platform) == []
    after = (await platform.http.get(f"/v1/cases/{case['case_id']}", headers=clerk)).json()
    assert after["materials"] == []
    assert not any(e["type"] == "add_material" for e in after["timeline"])

    # the other bodies keep their 64 KiB cap and JSON rule
    assert (await platform.http.post(f"/v1/cases/{case['case_id']}/actions", headers=clerk,
                                     files={"file": ("a.jpg", JPEG)})).status_code == 415


async def test_the_complainant_adds_and_fetches_only_their_own_files(
        files_platform: Platform) -> None:
    platform = files_platform
    case, clerk = await a_case(platform)
    portal = f"/v1/portal/demo-hospital/cases/{case['case_number']}"
    code = {"X-Access-Code": case["access_code"]}
    photo = JPEG + b"complainant"
    answer = await platform.http.post(f"{portal}/files", headers=code,
                                      **form(("收据.jpg", photo), description="收据"))
    assert answer.status_code == 201, answer.text
    sha = hashlib.sha256(photo).hexdigest()
    mine = answer.json()["materials"][-1]
    assert mine["added_by"] == "complainant" and mine["files"][0]["sha256"] == sha
    got = await platform.http.get(f"{portal}/files/{sha}", headers=code)
    assert got.status_code == 200 and got.content == photo
    assert got.headers["content-disposition"].startswith("attachment;")

    # staff see it on the case and may fetch it
    staff = await platform.http.get(f"/v1/cases/{case['case_id']}/files/{sha}", headers=clerk)
    assert staff.status_code == 200 and staff.content == photo

    # a file staff added is not the complainant's to fetch from the portal
    staffs = PNG + b"staff"
    assert (await platform.http.post(f"/v1/cases/{case['case_id']}/files", headers=clerk,
                                     **form(("内部.png", staffs)))).status_code == 201
    staff_sha = hashlib.sha256(staffs).hexdigest()
    assert (await platform.http.get(f"{portal}/files/{staff_sha}", headers=code)
            ).status_code == 404
    seen = (await platform.http.get(portal, headers=code)).json()
    assert [f["sha256"] for m in seen["materials"] for f in m["files"]] == [sha]
    # a wrong code opens nothing; the complainant's bad file is refused as staff's is
    wrong = {"X-Access-Code": "WRONGCODE234"}
    assert (await platform.http.get(f"{portal}/files/{sha}", headers=wrong)).status_code == 404
    assert (await platform.http.post(f"{portal}/files", headers=wrong, **form(("x.jpg", JPEG)))
            ).status_code == 404
    assert (await platform.http.post(f"{portal}/files", headers=code,
                                     **form(("x.jpg", b"\x7fELF" + bytes(100))))
            ).status_code == 415
    assert leftovers(platform) == []

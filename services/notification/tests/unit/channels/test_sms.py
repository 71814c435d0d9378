"""SMS against a local server speaking Alibaba Cloud's SendSms shape: it checks the signature
with the shared secret and answers OK with a BizId, or one of the documented error codes."""

from __future__ import annotations

import base64
import hmac
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import httpx
import pytest
from casebridge_platform.devstack import free_port
from notification.adapters.channels import Message, Permanent, Retryable
from notification.adapters.channels.sms import AliyunSms, SmsChannel, percent_encode, rpc_signature
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

KEY_ID, SECRET = "LTAI-test-key", "test-secret"
OK_PHONE = "13800000000"
ANSWERS = {   # phone number → (HTTP status, Code) the fake gives
    "13800000001": (200, "isv.BUSINESS_LIMIT_CONTROL"),
    "13800000002": (200, "isv.DAY_LIMIT_CONTROL"),
    "13800000003": (400, "Throttling.User"),
    "13800000004": (500, "InternalError"),
    "12345": (200, "isv.MOBILE_NUMBER_ILLEGAL"),
    "13800000005": (200, "isv.TEMPLATE_MISSING_PARAMETERS"),
    "13800000006": (200, "isv.AMOUNT_NOT_ENOUGH"),
}


def expected_signature(form: dict[str, str], secret: str) -> str:
    """The server's own computation, from the documented steps (not the adapter's code)."""
    canonical = urlencode(sorted((k, v) for k, v in form.items() if k != "Signature"),
                          quote_via=quote)
    string_to_sign = "POST&%2F&" + quote(canonical, safe="")
    digest = hmac.new((secret + "&").encode(), string_to_sign.encode(), "sha1").digest()
    return base64.b64encode(digest).decode()


@dataclass
class FakeDysmsapi:
    accepted: list[dict[str, str]] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/", self.handle, methods=["POST"])])

    async def handle(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("ascii"), strict_parsing=True))
        refusal = self.refusal(form)
        if refusal:
            return JSONResponse({"Code": refusal, "Message": refusal,
                                 "RequestId": str(uuid.uuid4())}, status_code=400)
        self.nonces.add(form["SignatureNonce"])
        phone = form["PhoneNumbers"]
        if phone == "13800000503":
            return PlainTextResponse("Service Unavailable", status_code=503)
        status, code = ANSWERS.get(phone, (200, "OK"))
        if code != "OK":
            return JSONResponse({"Code": code, "Message": "不行", "RequestId": "r"},
                                status_code=status)
        self.accepted.append(form)
        return JSONResponse({"Code": "OK", "Message": "OK", "RequestId": "r",
                             "BizId": f"{len(self.accepted)}^0"})

    def refusal(self, form: dict[str, str]) -> str | None:
        sent = datetime.strptime(form.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ")
        if abs(datetime.now(UTC) - sent.replace(tzinfo=UTC)) > timedelta(minutes=15):
            return "InvalidTimeStamp.Expired"
        if form.get("SignatureNonce") in self.nonces:
            return "SignatureNonceUsed"
        if form.get("AccessKeyId") != KEY_ID:
            return "InvalidAccessKeyId.NotFound"
        if not hmac.compare_digest(form.get("Signature", ""), expected_signature(form, SECRET)):
            return "SignatureDoesNotMatch"
        wanted = {"Action": "SendSms", "Version": "2017-05-25", "Format": "JSON",
                  "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0"}
        if any(form.get(k) != v for k, v in wanted.items()):
            return "MissingParameter"
        return None


@pytest.fixture(scope="module")
async def dysmsapi(serve: Callable[[Starlette], Any]) -> AsyncIterator[tuple[FakeDysmsapi, str]]:
    fake = FakeDysmsapi()
    async with serve(fake.app()) as url:
        yield fake, f"{url}/"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as c:
        yield c


def aliyun(url: str, client: httpx.AsyncClient, secret: str = SECRET) -> AliyunSms:
    return AliyunSms(KEY_ID, secret, "某某市人民医院", "SMS_000001", endpoint=url, client=client)


def text(to: str, **data: Any) -> Message:
    return Message(delivery_id=f"dlv-{uuid.uuid4().hex[:8]}", to=to, subject="受理回执",
                   body="张三您好，您关于李医生的投诉已受理。", event_type="acknowledgement",
                   data=data)


def test_the_signature_matches_the_documented_examples() -> None:
    send_sms = {   # the SendSms example of the SMS API reference (signed as GET)
        "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
        "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466", "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007", "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25"}
    assert rpc_signature(send_sms, "testSecret", method="GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    describe_regions = {   # the example of the RPC signature document
        "AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}
    assert rpc_signature(describe_regions, "testsecret", method="GET") == (
        "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")


def test_percent_encoding_follows_the_aliyun_rules() -> None:
    assert percent_encode("a b*c~d-e_f.g/h+i=j&k") == "a%20b%2Ac~d-e_f.g%2Fh%2Bi%3Dj%26k"
    assert percent_encode("案") == "%E6%A1%88"


async def test_a_text_carries_only_the_template_parameters(
        dysmsapi: tuple[FakeDysmsapi, str], client: httpx.AsyncClient) -> None:
    fake, url = dysmsapi
    channel = SmsChannel(aliyun(url, client), template_params=("case_number", "code"))
    sent = text(OK_PHONE, case_number="CC-2026-000001", code=4821, name="张三", phone="139")

    biz_id = await channel.send(sent)

    form = fake.accepted[-1]
    assert biz_id == f"{len(fake.accepted)}^0"
    assert form["PhoneNumbers"] == OK_PHONE and form["OutId"] == sent.delivery_id
    assert form["SignName"] == "某某市人民医院" and form["TemplateCode"] == "SMS_000001"
    assert json.loads(form["TemplateParam"]) == {"case_number": "CC-2026-000001", "code": "4821"}
    assert not any("张三" in value or "李医生" in value for value in form.values())


async def test_every_attempt_draws_a_new_nonce(
        dysmsapi: tuple[FakeDysmsapi, str], client: httpx.AsyncClient) -> None:
    fake, url = dysmsapi
    channel = SmsChannel(aliyun(url, client))
    same = text(OK_PHONE, case_number="CC-2026-000002")
    await channel.send(same)
    await channel.send(same)   # a retry of the same delivery is signed afresh
    assert fake.accepted[-1]["SignatureNonce"] != fake.accepted[-2]["SignatureNonce"]
    assert fake.accepted[-1]["OutId"] == fake.accepted[-2]["OutId"] == same.delivery_id


@pytest.mark.parametrize(("phone", "outcome", "code"), [
    ("13800000001", Retryable, "isv.BUSINESS_LIMIT_CONTROL"),
    ("13800000002", Retryable, "isv.DAY_LIMIT_CONTROL"),
    ("13800000003", Retryable, "Throttling.User"),
    ("13800000004", Retryable, "InternalError"),
    ("13800000503", Retryable, "503"),
    ("12345", Permanent, "isv.MOBILE_NUMBER_ILLEGAL"),
    ("13800000005", Permanent, "isv.TEMPLATE_MISSING_PARAMETERS"),
    ("13800000006", Permanent, "isv.AMOUNT_NOT_ENOUGH"),
])
async def test_error_codes_map_to_retryable_or_permanent(
        dysmsapi: tuple[FakeDysmsapi, str], client: httpx.AsyncClient, phone: str,
        outcome: type[Exception], code: str) -> None:
    _, url = dysmsapi
    with pytest.raises(outcome, match=code):
        await SmsChannel(aliyun(url, client)).send(text(phone, case_number="CC-2026-000003"))


async def test_a_wrong_secret_is_rejected_by_the_server(
        dysmsapi: tuple[FakeDysmsapi, str], client: httpx.AsyncClient) -> None:
    _, url = dysmsapi
    channel = SmsChannel(aliyun(url, client, "not-the-secret"))
    with pytest.raises(Permanent, match="SignatureDoesNotMatch"):
        await channel.send(text(OK_PHONE, case_number="CC-2026-000004"))


async def test_a_missing_template_parameter_is_refused_before_sending(
        dysmsapi: tuple[FakeDysmsapi, str], client: httpx.AsyncClient) -> None:
    fake, url = dysmsapi
    before = len(fake.accepted)
    channel = SmsChannel(aliyun(url, client), template_params=("case_number", "code"))
    with pytest.raises(Permanent, match="code"):
        await channel.send(text(OK_PHONE, case_number="CC-2026-000005"))
    with pytest.raises(Permanent, match="phone"):
        await channel.send(text("  ", case_number="CC-2026-000005", code="1"))
    assert len(fake.accepted) == before


async def test_an_unreachable_endpoint_is_retryable(client: httpx.AsyncClient) -> None:
    provider = aliyun(f"http://127.0.0.1:{free_port()}/", client)
    with pytest.raises(Retryable):
        await SmsChannel(provider).send(text(OK_PHONE, case_number="CC-2026-000006"))

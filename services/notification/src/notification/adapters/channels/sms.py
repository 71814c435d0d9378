"""SMS through a provider's approved template: only the template's variables leave the service.

A text message carries no free text: `message.data` holds the template parameters (a case
number, a query code), never the complainant's name, complaint or other personal data.
"""

from __future__ import annotations

import base64
import hmac
import json
import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from notification.adapters.channels import Message, Permanent, Retryable


class SmsProvider(Protocol):
    async def send(self, *, phone: str, params: Mapping[str, str], out_id: str) -> str:
        """Send one templated text; the provider's id for it (raises Retryable/Permanent)."""
        ...


class SmsChannel:
    """Sends `message.data` as the parameters of one provider template to `message.to`.

    `template_params` names the template's variables: only those keys are sent, and a
    message missing one is refused before it reaches the provider.
    """

    name = "sms"

    def __init__(self, provider: SmsProvider, *,
                 template_params: Collection[str] | None = None) -> None:
        self._provider = provider
        self._keys = None if template_params is None else tuple(template_params)

    async def send(self, message: Message) -> str:
        phone = "".join(message.to.split())
        if not phone:
            raise Permanent("no phone number")
        return await self._provider.send(phone=phone, params=self._params(message.data),
                                         out_id=message.delivery_id)

    def _params(self, data: Mapping[str, Any]) -> dict[str, str]:
        if self._keys is None:
            return {k: str(v) for k, v in data.items()}
        missing = [k for k in self._keys if k not in data]
        if missing:
            raise Permanent(f"template parameters missing: {', '.join(missing)}")
        return {k: str(data[k]) for k in self._keys}   # the provider takes strings only


# Alibaba Cloud (阿里云短信) SendSms, API version 2017-05-25, RPC signature version 1.0.

RETRYABLE_CODES = frozenset({
    "isv.BUSINESS_LIMIT_CONTROL",   # 业务限流: per-number rate limits (1/min, 5/h, 10/day…)
    "isv.DAY_LIMIT_CONTROL",        # the account's daily cap, set in the console: resets
    "isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "InternalError", "ServiceUnavailable",
    "SignatureNonceUsed",           # a nonce collision: the next attempt draws a new one
})


def percent_encode(value: str) -> str:
    """RFC 3986 as Alibaba Cloud wants it: only A-Z a-z 0-9 - _ . ~ stay, space is %20."""
    return quote(value, safe="")


def rpc_signature(params: Mapping[str, str], secret: str, *, method: str = "POST") -> str:
    """Signature for RPC (signature version 1.0): base64 HMAC-SHA1 of the canonical string."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}"
                         for k, v in sorted(params.items()) if k != "Signature")
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    mac = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), "sha1")
    return base64.b64encode(mac.digest()).decode("ascii")


def classify(code: str, message: str) -> Retryable | Permanent:
    """Rate limits and provider faults may pass; a bad number, template or key will not."""
    text = f"aliyun {code}: {message}"
    if code in RETRYABLE_CODES or code.startswith("Throttling"):
        return Retryable(text)
    return Permanent(text)


class AliyunSms:
    """Alibaba Cloud SMS: SendSms with one approved signature (签名) and template (模板).

    The request is a form POST (the RPC API takes GET or POST alike): the phone number then
    stays out of URLs, and so out of access and client logs.
    """

    def __init__(self, access_key_id: str, access_key_secret: str, sign_name: str,
                 template_code: str, *, endpoint: str = "https://dysmsapi.aliyuncs.com/",
                 client: httpx.AsyncClient | None = None, timeout: float = 10,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._key_id, self._secret = access_key_id, access_key_secret
        self.sign_name, self.template_code, self.endpoint = sign_name, template_code, endpoint
        self._owns_client = client is None
        self._client = httpx.AsyncClient() if client is None else client
        self._timeout = httpx.Timeout(timeout)
        self._now = now

    async def aclose(self) -> None:
        """Close the HTTP client if this provider made it."""
        if self._owns_client:
            await self._client.aclose()

    async def send(self, *, phone: str, params: Mapping[str, str], out_id: str) -> str:
        """SendSms; the BizId Alibaba Cloud gives the accepted message."""
        form = self.signed(self.request(phone=phone, params=params, out_id=out_id))
        body = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in form.items())
        try:
            response = await self._client.post(
                self.endpoint, content=body.encode("ascii"), timeout=self._timeout,
                headers={"Content-Type": "application/x-www-form-urlencoded"})
        except httpx.TransportError as e:
            raise Retryable(f"aliyun: {type(e).__name__} {e}") from e
        return _outcome(response)

    def request(self, *, phone: str, params: Mapping[str, str], out_id: str) -> dict[str, str]:
        """The SendSms parameters, common ones included, before signing."""
        return {
            "Action": "SendSms", "Version": "2017-05-25", "Format": "JSON",
            "AccessKeyId": self._key_id, "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0", "SignatureNonce": uuid.uuid4().hex,
            "Timestamp": self._now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "PhoneNumbers": phone, "SignName": self.sign_name,
            "TemplateCode": self.template_code, "OutId": out_id,
            "TemplateParam": json.dumps(dict(params), ensure_ascii=False,
                                        separators=(",", ":")),
        }

    def signed(self, params: Mapping[str, str]) -> dict[str, str]:
        return {**params, "Signature": rpc_signature(params, self._secret)}


def _outcome(response: httpx.Response) -> str:
    """BizId on Code "OK"; otherwise the error, by its code or else by the HTTP status."""
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if isinstance(answer, dict) and "Code" in answer:
        if answer["Code"] == "OK":
            return str(answer.get("BizId", ""))
        raise classify(str(answer["Code"]), str(answer.get("Message", "")))
    status = response.status_code
    if status == 429 or status >= 500:
        raise Retryable(f"aliyun answered HTTP {status}")
    raise Permanent(f"aliyun answered HTTP {status} without a result code")

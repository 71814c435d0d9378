"""Filing without a staff account: the public API (and the rules the public page shares).

A person files a complaint or a report through the `web` channel on the tenant kind's form,
real-name or anonymous where intake allows it. The gateway calls intake as the tenant's
`public` principal, which intake lets read the form and submit through `web` only.

Abuse control, every counter shared by all gateway replicas (gateway.limits, NATS KV):
- a body size limit (413);
- per-IP filings per hour (429 + Retry-After); the address is the peer's, or the last
  X-Forwarded-For hop when `public_behind_proxy` says a trusted proxy appends it;
- a proof of work that needs no third party: `GET …/challenge` gives a challenge signed with
  a key derived from the principal key (random, expiry, difficulty); the client finds a
  `nonce` such that SHA-256("<challenge>:<nonce>") starts with `bits` zero bits; the server
  checks it and takes each challenge once (400 naming `challenge` or `nonce`);
- per-phone filings per day (429 + Retry-After).
The personal-information consent (《个人信息保护法》第十三、十四条) is required (422 naming
`consent`); its version is recorded as the receiving principal of the submission.

The answer carries the case number and the access code, once: intake keeps only its hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from casebridge.intake.v1 import intake_pb2
from casebridge_platform.auth import Principal
from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

from gateway import problems, views
from gateway import schemas as s
from gateway.consent import CONSENT_TEXT, CONSENT_VERSION
from gateway.deps import Call
from gateway.limits import Exceeded, Limit, limits_of

router = APIRouter(prefix="/v1/public/{tenant_id}", tags=["public"])
Tenant = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
PUBLIC_ROLE = "public"
HOUR, DAY = 3600, 86400
NONCE = re.compile(r"^[0-9]{1,20}$")


class PublicComplaint(s.Strict):
    """A complaint or report filed by the person themselves (channel `web`); omit
    `complainant` to file anonymously where the tenant allows it (a report always may)."""

    model_config = s.example({
        "kind": "complaint", "content": "候诊时间太长，导医不理人",
        "complainant": {"name": "李四", "phone": "13900000000"}, "consent": True,
        "challenge": "<from GET /v1/public/{tenant_id}/challenge>", "nonce": "48213"})


    kind: Literal["complaint", "report"]
    content: s.Text
    complainant: s.Complainant | None = None
    respondent: s.Respondent | None = None
    demands: str | None = Field(None, max_length=5_000)
    facts: str | None = Field(None, max_length=20_000)
    incident_time: str | None = Field(None, max_length=40)
    incident_place: str | None = Field(None, max_length=300)
    claimed_amount: s.Yuan | None = None
    details: dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=500)]] \
        = Field(default_factory=dict, max_length=30)
    locale: Literal["zh-CN", "en"] = "zh-CN"
    consent: bool = Field(description=f"the person agrees to this ({CONSENT_VERSION}): "
                          f"{CONSENT_TEXT}")
    challenge: str = Field(min_length=1, max_length=300,
                           description="from GET /v1/public/{tenant_id}/challenge")
    nonce: str = Field(min_length=1, max_length=20,
                       description="decimal: SHA-256(challenge:nonce) starts with `bits` zeros")


class PublicFiled(BaseModel):
    case_number: str
    kind: Literal["complaint", "report"]
    anonymous: bool
    received_at: datetime
    access_code: str = Field(description="shown only in this answer: with the case number it "
                             "opens the case; casebridge keeps only its hash")
    follow: str = Field(description="the page where the case can be followed")


class Challenge(BaseModel):
    challenge: str
    bits: int
    expires_at: datetime
    algorithm: str = "sha256(challenge + ':' + nonce) has `bits` leading zero bits"


class Refused(Exception):
    """A public filing refused: the status, why, the fields at fault, when to retry."""

    def __init__(self, status: int, detail: str, fields: dict[str, str] | None = None,
                 retry_after: int | None = None, code: str = "") -> None:
        super().__init__(detail)
        self.status, self.detail, self.code = status, detail, code   # code: the page's words
        self.fields, self.retry_after = fields or {}, retry_after

    def problem(self) -> JSONResponse:
        return problems.problem(
            self.status, self.detail,
            errors=[{"field": f, "message": m} for f, m in self.fields.items()],
            headers={"Retry-After": str(self.retry_after)} if self.retry_after else None)


@dataclass(frozen=True)
class Once(Limit):
    """A limit of one per key for as long as the bucket keeps it (two windows), whatever the
    window: a challenge is taken once, however near a window's end."""

    def key(self, who: str, now: float) -> str:
        return "once." + hashlib.sha256(f"{self.name}:{who}".encode()).hexdigest()[:32]


# ---- who, and how much --------------------------------------------------------------------

def client_ip(request: Request) -> str:
    """The peer's address; behind a trusted proxy, the last hop it appended."""
    if request.app.state.settings.public_behind_proxy:
        hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",")]
        if hops and hops[-1]:
            return hops[-1]
    return request.client.host if request.client else "unknown"


def known_tenant(request: Request, tenant_id: str) -> None:
    if tenant_id not in request.app.state.directory.tenants:
        raise Refused(404, "no such institution", code="tenant")


async def _hit(request: Request, limit: Limit, who: str, detail: str, code: str) -> None:
    try:
        await limits_of(request.app).hit(limit, who)
    except Exceeded as exc:
        raise Refused(429, detail, retry_after=exc.retry_after, code=code) from exc


async def count_ip(request: Request) -> None:
    """One filing attempt from this address (refused ones count too)."""
    settings = request.app.state.settings
    await _hit(request, Limit("public-ip", settings.public_ip_limit, HOUR), client_ip(request),
               "too many filings from this address; try again later", "ip")


def too_large(request: Request, size: int | None = None) -> None:
    limit = request.app.state.settings.public_max_body_bytes
    declared = request.headers.get("content-length", "")
    if (size if size is not None else int(declared) if declared.isdigit() else 0) > limit:
        raise Refused(413, f"the filing is larger than {limit} bytes; shorten the text",
                      code="size")


# ---- proof of work ------------------------------------------------------------------------

def _key(request: Request) -> bytes:
    return hmac.new(request.app.state.principal_key, b"casebridge public challenge",
                    hashlib.sha256).digest()


def _mac(key: bytes, body: str) -> str:
    digest = hmac.new(key, body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_challenge(request: Request, tenant_id: str) -> Challenge:
    settings = request.app.state.settings
    expires = int(time.time()) + settings.public_challenge_ttl_s
    body = f"{tenant_id}.{secrets.token_urlsafe(16)}.{expires}.{settings.public_pow_bits}"
    return Challenge(challenge=f"{body}.{_mac(_key(request), body)}",
                     bits=settings.public_pow_bits,
                     expires_at=datetime.fromtimestamp(expires, UTC))


def leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return 256 - value.bit_length()


def verify_work(request: Request, tenant_id: str, challenge: str, nonce: str) -> str:
    """The challenge's id, once its signature, tenant, expiry and the work check out."""
    parts = challenge.split(".")
    if len(parts) != 5 or not hmac.compare_digest(
            _mac(_key(request), ".".join(parts[:4])), parts[4]):
        raise Refused(400, "the security check is not one this server gave; reload the page",
                      {"challenge": "not issued by this server"}, code="pow_bad")
    issued_for, ident, expires, bits = parts[:4]
    if issued_for != tenant_id:
        raise Refused(400, "the security check was given for another institution",
                      {"challenge": "for another institution"}, code="pow_bad")
    if int(expires) < time.time():
        raise Refused(400, "the security check has expired; reload the page and file again",
                      {"challenge": "expired"}, code="pow_expired")
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if not NONCE.match(nonce) or leading_zero_bits(digest) < int(bits):
        raise Refused(400, "the security check was not completed (it needs JavaScript)",
                      {"nonce": f"SHA-256 of challenge:nonce needs {bits} leading zero bits"},
                      code="pow_needed")
    return ident


# ---- filing -------------------------------------------------------------------------------

def public_principal(tenant_id: str) -> Principal:
    """The tenant's public form; the consent's version is recorded as the receiver."""
    return Principal(tenant_id=tenant_id, user_id=f"web:consent-{CONSENT_VERSION}",
                     roles=(PUBLIC_ROLE,))


def public_call(request: Request, tenant_id: str) -> Call:
    state = request.app.state
    return Call(public_principal(tenant_id), state.services, state.principal_key,
                state.settings.grpc_timeout_s)


async def form_of(request: Request, tenant_id: str) -> intake_pb2.Form:
    call = public_call(request, tenant_id)
    form: intake_pb2.Form = await call.svc.intake.GetForm(intake_pb2.GetFormRequest(),
                                                         **call.options)
    return form


def phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return digits[-11:] if len(digits) >= 11 else digits


async def file(request: Request, tenant_id: str,
               body: PublicComplaint) -> intake_pb2.SubmitComplaintResponse:
    """Consent, the work, the challenge once, the phone's limit; then intake decides (its
    refusals come back as gRPC errors). The caller has counted the address already."""
    if not body.consent:
        raise Refused(422, "the consent to the processing of personal information is required",
                      {"consent": "required: tick the box to agree"}, code="consent")
    ident = verify_work(request, tenant_id, body.challenge, body.nonce)
    settings = request.app.state.settings
    try:
        await limits_of(request.app).hit(
            Once("public-challenge", 1, settings.public_challenge_ttl_s), ident)
    except Exceeded as exc:
        raise Refused(400, "this security check was already used; reload the page to file "
                      "again", {"challenge": "already used"}, code="pow_used") from exc
    if body.complainant and body.complainant.phone:
        await _hit(request, Limit("public-phone", settings.public_phone_limit, DAY),
                   f"{tenant_id}:{phone_key(body.complainant.phone)}",
                   "too many filings with this phone number today; try again tomorrow",
                   "phone")
    create = s.ComplaintCreate.model_validate({
        **body.model_dump(exclude={"consent", "challenge", "nonce"}, exclude_none=True),
        "channel": "web"})
    call = public_call(request, tenant_id)
    answer: intake_pb2.SubmitComplaintResponse = await call.svc.intake.SubmitComplaint(
        views.submit_request(create, f"public:{ident}"), **call.options)
    return answer


def filed(tenant_id: str, answer: intake_pb2.SubmitComplaintResponse) -> PublicFiled:
    case = views.accepted(answer)
    return PublicFiled(case_number=case.case_number, kind=case.kind,
                       anonymous=case.anonymous, received_at=case.received_at,
                       access_code=case.access_code or "", follow=f"/t/{tenant_id}/follow")


def validation_fields(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for e in exc.errors():
        fields.setdefault(".".join(str(p) for p in e.get("loc", ())) or "body", str(e["msg"]))
    return fields


NO_STORE = {"Cache-Control": "no-store"}


def _request_schema() -> dict[str, Any]:
    """PublicComplaint for the OpenAPI document: read by hand (every attempt is counted before
    it is parsed), its parts the components the staff API already names."""
    schema = PublicComplaint.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return schema


@router.get("/challenge", operation_id="public_challenge", response_model=Challenge,
            summary="A proof-of-work challenge for one public filing")
async def challenge(request: Request, tenant_id: Tenant) -> Response:
    try:
        known_tenant(request, tenant_id)
    except Refused as refused:
        return refused.problem()
    return JSONResponse(new_challenge(request, tenant_id).model_dump(mode="json"),
                        headers=NO_STORE)


@router.post("/complaints", operation_id="file_public_complaint",
             status_code=201, response_model=PublicFiled,
             openapi_extra={"requestBody": {"content": {"application/json": {
                 "schema": _request_schema()}}, "required": True}},
             summary="File a complaint or report without an account (channel web)")
async def submit(request: Request, tenant_id: Tenant) -> Response:
    """Answers with the case number and the access code, once. Refusals: 413 (size), 429
    with Retry-After (this address, this phone), 400 naming `challenge`/`nonce` (the proof of
    work: missing, wrong, expired or used), 422 naming the fields (consent included)."""
    try:
        known_tenant(request, tenant_id)
        too_large(request)
        await count_ip(request)
        raw = await request.body()
        too_large(request, len(raw))
        try:
            data: Any = json.loads(raw)
        except ValueError as exc:
            raise Refused(400, "the request body is not valid JSON", {"body": str(exc)}) \
                from exc
        try:
            body = PublicComplaint.model_validate(data)
        except ValidationError as exc:
            raise Refused(422, "the request has invalid or missing fields",
                          validation_fields(exc)) from exc
        answer = await file(request, tenant_id, body)
    except Refused as refused:
        return refused.problem()
    return JSONResponse(filed(tenant_id, answer).model_dump(mode="json"), status_code=201,
                        headers={**NO_STORE, "Location": f"/t/{tenant_id}/follow"})

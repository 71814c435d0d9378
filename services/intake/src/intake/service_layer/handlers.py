"""Intake's commands: submit a complaint, read it back, look it up by access code."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from casebridge.common.v1 import common_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.db import dialect_insert, insert_ignore
from casebridge_platform.errors import Conflict, InvalidArgument, NotFound
from casebridge_platform.messaging.envelope import timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from intake.adapters.tables import counters, idempotency, submissions, tenants
from intake.domain import model

SHANGHAI = ZoneInfo("Asia/Shanghai")
KIND_NAMES = {intake_pb2.KIND_COMPLAINT: "complaint", intake_pb2.KIND_REPORT: "report"}
KIND_VALUES = {v: k for k, v in KIND_NAMES.items()}


def request_hash(request: intake_pb2.SubmitComplaintRequest) -> str:
    body = intake_pb2.SubmitComplaintRequest()
    body.CopyFrom(request)
    body.idempotency_key = ""
    return hashlib.sha256(body.SerializeToString(deterministic=True)).hexdigest()


def draft_of(request: intake_pb2.SubmitComplaintRequest) -> model.Draft:
    anonymous = not request.HasField("complainant")
    return model.Draft(
        kind=KIND_NAMES.get(request.kind, ""), channel=request.channel, content=request.content,
        complainant_name=request.complainant.name, complainant_phone=request.complainant.phone,
        anonymous=anonymous, respondent_department=request.respondent.department,
        respondent_person=request.respondent.person, category=request.category,
        demands=request.demands)


async def submit(uow: UnitOfWork, *, principal: Principal,
                 request: intake_pb2.SubmitComplaintRequest) -> intake_pb2.SubmitComplaintResponse:
    """Validate, number and store a submission and announce it, in one transaction."""
    tenant = await _tenant(uow, principal.tenant_id)
    digest = request_hash(request) if request.idempotency_key else ""
    if request.idempotency_key:
        replay = await _replay(uow, principal.tenant_id, request.idempotency_key, digest)
        if replay is not None:
            return replay
    draft = draft_of(request)
    errors = model.validate(draft, frozenset(tenant.categories))
    if errors:
        raise InvalidArgument("the submission is not valid", errors)
    now = datetime.now(UTC)
    number = model.case_number(tenant.case_number_prefix, now.astimezone(SHANGHAI).year,
                               await _next_sequence(uow, tenant.tenant_id, now))
    access_code = model.new_access_code() if draft.anonymous else ""
    row = _row(draft, tenant_id=tenant.tenant_id, case_number=number, received_by=principal.user_id,
               received_at=now, access_code=access_code)
    await uow.conn.execute(submissions.insert().values(**row))
    submission = to_proto(row)
    response = intake_pb2.SubmitComplaintResponse(submission=submission, access_code=access_code)
    if request.idempotency_key:
        await uow.conn.execute(idempotency.insert().values(
            tenant_id=tenant.tenant_id, key=request.idempotency_key, request_hash=digest,
            response=response.SerializeToString(), created_at=now))
    uow.emit("intake.received", tenant.tenant_id,
             intake_pb2.ComplaintReceived(submission=submission, tenant_kind=tenant.kind),
             correlation_id=row["case_id"])
    return response


async def _tenant(uow: UnitOfWork, tenant_id: str) -> sa.Row:
    tenant = (await uow.conn.execute(
        sa.select(tenants).where(tenants.c.tenant_id == tenant_id))).first()
    if tenant is None:
        raise NotFound(f"unknown tenant {tenant_id!r}")
    return tenant


async def _replay(uow: UnitOfWork, tenant_id: str, key: str,
                  digest: str) -> intake_pb2.SubmitComplaintResponse | None:
    """The first answer given for this key, or None; a different body under the key is refused."""
    seen = (await uow.conn.execute(sa.select(idempotency).where(
        idempotency.c.tenant_id == tenant_id, idempotency.c.key == key))).first()
    if seen is None:
        return None
    if seen.request_hash != digest:
        raise Conflict("this Idempotency-Key was already used for a different submission")
    response = intake_pb2.SubmitComplaintResponse.FromString(seen.response)
    response.replayed = True
    return response


async def _next_sequence(uow: UnitOfWork, tenant_id: str, now: datetime) -> int:
    """The tenant's next number this year (Asia/Shanghai), in one upsert."""
    insert = dialect_insert(counters, uow.dialect).values(
        tenant_id=tenant_id, year=now.astimezone(SHANGHAI).year, last=1)
    return (await uow.conn.execute(insert.on_conflict_do_update(
        index_elements=[counters.c.tenant_id, counters.c.year],
        set_={"last": counters.c.last + 1}).returning(counters.c.last))).scalar_one()


def _row(draft: model.Draft, *, tenant_id: str, case_number: str, received_by: str,
         received_at: datetime, access_code: str) -> dict:
    return {
        "case_id": str(uuid.uuid4()), "tenant_id": tenant_id, "case_number": case_number,
        "kind": draft.kind, "channel": draft.channel, "content": draft.content,
        "demands": draft.demands, "anonymous": draft.anonymous,
        "complainant_name": draft.complainant_name.strip(),
        "complainant_phone": draft.complainant_phone.strip(),
        "respondent_department": draft.respondent_department,
        "respondent_person": draft.respondent_person, "category": draft.category,
        "received_by": received_by, "received_at": received_at,
        "access_code_hash":
            model.hash_access_code(case_number, access_code) if access_code else None,
    }


def to_proto(row: dict | sa.Row) -> intake_pb2.Submission:
    r = row if isinstance(row, dict) else row._mapping
    submission = intake_pb2.Submission(
        case_id=r["case_id"], case_number=r["case_number"], tenant_id=r["tenant_id"],
        kind=KIND_VALUES[r["kind"]], channel=r["channel"], content=r["content"],
        anonymous=r["anonymous"], category=r["category"], demands=r["demands"],
        respondent=common_pb2.Respondent(department=r["respondent_department"],
                                         person=r["respondent_person"]),
        received_by=r["received_by"], received_at=timestamp(r["received_at"]))
    if not r["anonymous"]:
        submission.complainant.CopyFrom(common_pb2.Party(name=r["complainant_name"],
                                                         phone=r["complainant_phone"]))
    return submission


async def get(uow: UnitOfWork, *, principal: Principal, case_id: str) -> intake_pb2.Submission:
    row = (await uow.conn.execute(sa.select(submissions).where(
        submissions.c.tenant_id == principal.tenant_id, submissions.c.case_id == case_id))).first()
    if row is None:
        raise NotFound("no such submission")
    return to_proto(row)


async def lookup_by_access_code(uow: UnitOfWork, *, principal: Principal, case_number: str,
                                access_code: str) -> intake_pb2.Submission:
    """An anonymous complainant's way in: the case number and the secret code, nothing else."""
    row = (await uow.conn.execute(sa.select(submissions).where(
        submissions.c.tenant_id == principal.tenant_id,
        submissions.c.case_number == case_number,
        submissions.c.access_code_hash == model.hash_access_code(case_number, access_code),
    ))).first()
    if row is None:
        raise NotFound("no case with that number and access code")
    return to_proto(row)


async def purge_idempotency_keys(uow: UnitOfWork, *, older_than: timedelta) -> int:
    """Forget keys past their retention: a retry after that is a new submission."""
    cutoff = datetime.now(UTC) - older_than
    result = await uow.conn.execute(idempotency.delete().where(idempotency.c.created_at < cutoff))
    return result.rowcount


async def seed(uow: UnitOfWork, data: dict) -> None:
    """Load the tenants of a seed file (idempotent: existing tenants are updated)."""
    for t in data["tenants"]:
        values = {"kind": t["kind"], "name": t["name"],
                  "case_number_prefix": t["case_number_prefix"],
                  "categories": [c["name"] for c in t["categories"]]}
        await uow.conn.execute(insert_ignore(tenants, uow.dialect).values(
            tenant_id=t["id"], **values))
        await uow.conn.execute(tenants.update().where(tenants.c.tenant_id == t["id"])
                               .values(**values))

"""Intake's commands: submit a complaint, read it back, look it up by access code."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.db import dialect_insert
from casebridge_platform.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from casebridge_platform.messaging.envelope import Event
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer

from intake.adapters.records import (
    draft_of,
    draft_of_package,
    fingerprint_of,
    form_to_proto,
    match_to_json,
    row_of,
    seal_identity,
    to_proto,
)
from intake.adapters.tables import counters, idempotency, submissions, tenants
from intake.domain import duplicates, forms, model

SUBMITTERS = ("intake_clerk", "handler", "supervisor", "admin")   # who may submit and read
# The gateway's public form (no staff account): may read the tenant's form and submit through
# the `web` channel, as the complainant writes it; never read a submission back.
PUBLIC = "public"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Enough recent look-alikes to find the repeats, few enough to compare in Python cheaply.
DUPLICATE_CANDIDATE_ROWS = 100


def authorise_submit(principal: Principal, request: intake_pb2.SubmitComplaintRequest) -> None:
    """Staff may submit through any channel; the public form only through `web`, received
    now (no late registration) and not as a referral."""
    if set(SUBMITTERS) & set(principal.roles):
        return
    if PUBLIC not in principal.roles:
        principal.require(*SUBMITTERS)
    if request.channel != "web":
        raise PermissionDenied("the public form submits through the web channel only")
    if request.HasField("received_at") or request.referred_by:
        raise PermissionDenied("the public form cannot backdate a submission or name a "
                               "referrer")


def request_hash(request: intake_pb2.SubmitComplaintRequest) -> str:
    """The whole request but its key: every field, details included (map keys in order)."""
    body = intake_pb2.SubmitComplaintRequest()
    body.CopyFrom(request)
    body.idempotency_key = ""
    return hashlib.sha256(body.SerializeToString(deterministic=True)).hexdigest()


async def submit(uow: UnitOfWork, *, principal: Principal,
                 request: intake_pb2.SubmitComplaintRequest,
                 sealer: Sealer | None = None) -> intake_pb2.SubmitComplaintResponse:
    """Validate, number and store a submission and announce it, in one transaction."""
    tenant = await _tenant(uow, principal.tenant_id)
    digest = request_hash(request) if request.idempotency_key else ""
    if request.idempotency_key:
        replay = await _replay(uow, principal.tenant_id, request.idempotency_key, digest)
        if replay is not None:
            return replay
    now = datetime.now(UTC)
    form = form_of(tenant)
    draft = draft_of(request)
    errors = model.validate(draft, form, frozenset(tenant.categories), now=now)
    if errors:
        raise InvalidArgument("the submission is not valid", errors)
    row = await _store(uow, model.accepted(draft), tenant=tenant, form=form,
                       received_by=principal.user_id, now=now, sealer=sealer)
    submission = to_proto(row)
    submission.locale = request.locale or "zh-CN"   # for the notices; not stored here
    access_code = row.pop("access_code")
    response = intake_pb2.SubmitComplaintResponse(submission=submission, access_code=access_code)
    if request.idempotency_key:
        await uow.conn.execute(idempotency.insert().values(
            tenant_id=tenant.tenant_id, key=request.idempotency_key, request_hash=digest,
            response=response.SerializeToString(), created_at=now))
    uow.emit("intake.received", tenant.tenant_id,
             intake_pb2.ComplaintReceived(submission=submission, tenant_kind=tenant.kind),
             correlation_id=row["case_id"])
    return response


async def _store(uow: UnitOfWork, draft: model.Draft, *, tenant: sa.Row, form: forms.Form,
                 received_by: str, now: datetime, sealer: Sealer | None,
                 case_id: str = "") -> dict:
    """Number the draft, flag its possible duplicates and insert it; the row, with the
    anonymous complainant's access code (shown once, stored only as a hash)."""
    number = model.case_number(tenant.case_number_prefix, now.astimezone(SHANGHAI).year,
                               await _next_sequence(uow, tenant.tenant_id, now))
    access_code = model.new_access_code()   # every complainant may follow the case in the portal
    row = row_of(draft, case_id=case_id or str(uuid.uuid4()), tenant_id=tenant.tenant_id,
                 case_number=number, received_by=received_by,
                 received_at=draft.received_at or now,
                 access_code_hash=model.hash_access_code(number, access_code)
                 if access_code else None)
    found = await _possible_duplicates(
        uow, row, since=now - timedelta(days=form.duplicate_window_days))
    row["possible_duplicates"] = [match_to_json(m) for m in found]
    if draft.kind == "report" and not draft.anonymous:
        if sealer is None:
            raise RuntimeError("a real-name report needs the identity sealer")
        row.update(seal_identity(row, sealer))
    await uow.conn.execute(submissions.insert().values(**row))
    return {**row, "access_code": access_code}


def form_of(tenant: sa.Row) -> forms.Form:
    """The tenant's form; a tenant seeded before forms existed gets the lenient default."""
    return forms.form_of(tenant.kind, tenant.form) if tenant.form else forms.Form(tenant.kind)


async def _possible_duplicates(uow: UnitOfWork, row: dict,
                               since: datetime) -> list[duplicates.Match]:
    """Earlier submissions of the tenant since `since` that may say the same thing again.

    Only rows sharing the phone, the name or a respondent are fetched (indexed columns), the
    most recent first and at most DUPLICATE_CANDIDATE_ROWS; the content is compared in
    Python. The query runs in the submitting transaction, so earlier submissions of the same
    group commit are seen too; one committed concurrently by another replica is not, and
    that pair is then flagged by neither.
    """
    new = fingerprint_of(row)
    shared = [column == value for column, value in (
        (submissions.c.phone_key, duplicates.phone_key(new.phone)),
        (submissions.c.complainant_name, new.name),
        (submissions.c.respondent_unit, new.respondent_unit),
        (submissions.c.respondent_department, new.respondent_department),
        (submissions.c.respondent_person, new.respondent_person)) if value]
    if not shared:
        return []
    c = submissions.c
    earlier = (await uow.conn.execute(
        sa.select(c.case_id, c.case_number, c.content, c.anonymous, c.complainant_phone,
                  c.complainant_name, c.respondent_unit, c.respondent_department,
                  c.respondent_person).where(
            submissions.c.tenant_id == row["tenant_id"], submissions.c.received_at >= since,
            sa.or_(*shared))
        .order_by(submissions.c.received_at.desc()).limit(DUPLICATE_CANDIDATE_ROWS))).all()
    return duplicates.rank(new, [fingerprint_of(r) for r in earlier])


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


async def get(uow: UnitOfWork, *, principal: Principal, case_id: str) -> intake_pb2.Submission:
    principal.require(*SUBMITTERS)
    row = (await uow.conn.execute(sa.select(submissions).where(
        submissions.c.tenant_id == principal.tenant_id, submissions.c.case_id == case_id))).first()
    if row is None:
        raise NotFound("no such submission")
    return to_proto(row)


async def get_form(uow: UnitOfWork, *, principal: Principal) -> intake_pb2.Form:
    """The caller's tenant's intake form, for whoever may register a submission."""
    principal.require(*SUBMITTERS, PUBLIC)
    return form_to_proto(form_of(await _tenant(uow, principal.tenant_id)))


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


async def on_categories_changed(uow: UnitOfWork, event: Event) -> None:
    """Routing added, renamed or removed categories: accept exactly its current names.

    An older list arriving late (a redelivery after a newer one) does not overwrite it.
    """
    changed = event.payload(routing_pb2.CategoriesChanged)
    await uow.conn.execute(tenants.update().where(
        tenants.c.tenant_id == event.tenant_id,
        sa.or_(tenants.c.categories_at.is_(None), tenants.c.categories_at < event.occurred_at),
    ).values(categories=list(changed.categories), categories_at=event.occurred_at))


async def on_transfer_offered(uow: UnitOfWork, event: Event, *, sealer: Sealer) -> None:
    """transfer.offered → the case another institution sent here is registered (登记), under
    the id the case service gave it, as received along the path; its acceptance is the
    receiving staff's decision. The sender's package is not a form: nothing is required of it
    but a summary, and what the sender withheld (a contact, a reporter) stays out."""
    offered = event.payload(case_pb2.TransferOffered)
    known = (await uow.conn.execute(sa.select(submissions.c.case_id).where(
        submissions.c.tenant_id == event.tenant_id,
        submissions.c.case_id == offered.case_id))).first()
    if known is not None:
        return
    tenant = await _tenant(uow, event.tenant_id)
    draft = model.accepted(draft_of_package(json.loads(offered.package_json or "{}"), offered))
    row = await _store(uow, draft, tenant=tenant, form=form_of(tenant),
                       received_by=f"transfer:{offered.from_agency}",
                       now=offered.received_at.ToDatetime(tzinfo=UTC), sealer=sealer,
                       case_id=offered.case_id)
    row.pop("access_code")
    uow.emit("intake.received", tenant.tenant_id,
             intake_pb2.ComplaintReceived(submission=to_proto(row), tenant_kind=tenant.kind),
             correlation_id=row["case_id"], causation_id=event.id)

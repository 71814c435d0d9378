"""Intake's commands: submit a complaint, read it back, look it up by access code."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.db import dialect_insert, one_of, plan_each_time
from casebridge_platform.errors import (
    Conflict,
    DomainError,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from casebridge_platform.messaging.envelope import Event
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer
from opentelemetry import context as otel_context

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
    [outcome] = await submit_many(uow, [Submitted(principal, request)], sealer=sealer)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


@dataclass(frozen=True)
class Submitted:
    """A submission as its caller sent it, with the caller's trace."""

    principal: Principal
    request: intake_pb2.SubmitComplaintRequest
    trace: otel_context.Context | None = None


Outcome = intake_pb2.SubmitComplaintResponse | DomainError


Seen = dict[str, tuple[str, intake_pb2.SubmitComplaintResponse | None]]


async def submit_many(uow: UnitOfWork, items: list[Submitted], *,
                      sealer: Sealer | None = None) -> list[Outcome]:
    """Submissions of one tenant stored together: the tenant, the idempotency keys, the
    numbers and the look-alikes are read with a statement each for all of them, and the
    submissions and keys inserted with one each. Each gets its own answer: a refusal (invalid,
    a key reused for another body) is that caller's, before anything of it is written."""
    tenant = await _tenant(uow, items[0].principal.tenant_id)
    now = datetime.now(UTC)
    keys = [i.request.idempotency_key for i in items if i.request.idempotency_key]
    seen: Seen = {r.key: (r.request_hash,
                          intake_pb2.SubmitComplaintResponse.FromString(r.response))
                  for r in (await uow.conn.execute(sa.select(idempotency).where(
                      idempotency.c.tenant_id == tenant.tenant_id,
                      one_of(idempotency.c.key, keys, uow.dialect))))} if keys else {}
    form = form_of(tenant)
    outcomes, drafts = _triage(items, seen, form, frozenset(tenant.categories), now)
    first = await _next_sequences(uow, tenant.tenant_id, now, len(drafts))
    rows = []
    for offset, (n, digest, draft) in enumerate(drafts):
        access_code = model.new_access_code()
        number = model.case_number(tenant.case_number_prefix, now.astimezone(SHANGHAI).year,
                                   first + offset)
        row = row_of(draft, case_id=str(uuid.uuid4()), tenant_id=tenant.tenant_id,
                     case_number=number, received_by=items[n].principal.user_id,
                     received_at=draft.received_at or now,
                     access_code_hash=model.hash_access_code(number, access_code))
        if draft.kind == "report" and not draft.anonymous:
            if sealer is None:
                raise RuntimeError("a real-name report needs the identity sealer")
            row.update(seal_identity(row, sealer))
        rows.append((n, digest, row, access_code))
    found = await _look_alikes(uow, [r for _, _, r, _ in rows],
                               since=now - timedelta(days=form.duplicate_window_days))
    remembered = []
    for (n, digest, row, access_code), matches in zip(rows, found, strict=True):
        row["possible_duplicates"] = [match_to_json(m) for m in matches]
        outcomes[n] = response = _announce(uow, tenant, row, access_code, items[n])
        if key := items[n].request.idempotency_key:
            seen[key] = (digest, response)
            remembered.append({"tenant_id": tenant.tenant_id, "key": key,
                               "request_hash": digest,
                               "response": response.SerializeToString(), "created_at": now})
    if rows:
        await uow.conn.execute(submissions.insert(), [r for _, _, r, _ in rows])
    if remembered:
        await uow.conn.execute(idempotency.insert(), remembered)
    return [o if o is not None else _replayed(seen, i.request.idempotency_key)
            for o, i in zip(outcomes, items, strict=True)]


def _triage(items: list[Submitted], seen: Seen, form: forms.Form, categories: frozenset[str],
            now: datetime) -> tuple[list[Outcome | None], list[tuple[int, str, model.Draft]]]:
    """Each item's answer if it is a replay or a refusal, and the drafts to store (with their
    place and request hash); an item left without either repeats a key of an earlier one in
    the batch and gets its answer."""
    outcomes: list[Outcome | None] = [None] * len(items)
    drafts = []
    for n, item in enumerate(items):
        key = item.request.idempotency_key
        digest = request_hash(item.request) if key else ""
        if key in seen:
            if seen[key][0] != digest:
                outcomes[n] = Conflict(
                    "this Idempotency-Key was already used for a different submission")
            elif seen[key][1] is not None:
                outcomes[n] = _replayed(seen, key)
            continue
        draft = draft_of(item.request)
        errors = model.validate(draft, form, categories, now=now)
        if errors:
            outcomes[n] = InvalidArgument("the submission is not valid", errors)
            continue
        if key:
            seen[key] = (digest, None)
        drafts.append((n, digest, model.accepted(draft)))
    return outcomes, drafts


def _announce(uow: UnitOfWork, tenant: sa.Row, row: dict, access_code: str,
              item: Submitted) -> intake_pb2.SubmitComplaintResponse:
    """intake.received for the stored row, in its caller's trace; the caller's answer."""
    submission = to_proto(row)
    submission.locale = item.request.locale or "zh-CN"   # for the notices; not stored here
    token = otel_context.attach(item.trace) if item.trace is not None else None
    try:
        uow.emit("intake.received", tenant.tenant_id,
                 intake_pb2.ComplaintReceived(submission=submission, tenant_kind=tenant.kind),
                 correlation_id=row["case_id"])
    finally:
        if token is not None:
            otel_context.detach(token)
    return intake_pb2.SubmitComplaintResponse(submission=submission, access_code=access_code)


def _replayed(seen: Seen, key: str) -> intake_pb2.SubmitComplaintResponse:
    """The first answer given for a key, given again."""
    replayed = intake_pb2.SubmitComplaintResponse()
    first = seen[key][1]
    assert first is not None
    replayed.CopyFrom(first)
    replayed.replayed = True
    return replayed
async def _look_alikes(uow: UnitOfWork, rows: list[dict],
                       since: datetime) -> list[list[duplicates.Match]]:
    """Each new row's possible duplicates among the tenant's submissions since `since` (its
    DUPLICATE_CANDIDATE_ROWS most recent look-alikes: sharing the phone, the name or a
    respondent) and the rows before it in this batch.

    One query for the batch, one statement per set of kinds of key whatever its size
    (expanding IN lists), at
    most DUPLICATE_CANDIDATE_ROWS rows per new row, the most recent first. A row's look-alikes
    in that answer are its most recent ones; only when the answer was cut at its limit and
    holds fewer than a full set for a row is that row asked about alone, so each row sees
    exactly what it would alone. The query runs in the submitting transaction; one committed
    concurrently by another replica is not seen, and that pair is then flagged by neither.
    """
    news = [fingerprint_of(r) for r in rows]
    tenant_id = rows[0]["tenant_id"] if rows else ""
    keys = {column: sorted({v for new in news if (v := value(new))})
            for column, value in _LOOK_ALIKE.items()}
    limit = DUPLICATE_CANDIDATE_ROWS * len(rows)
    if not any(keys.values()):
        return [[] for _ in rows]
    await plan_each_time(uow.conn)   # which index finds them depends on the keys asked
    found = await _candidates(uow, tenant_id, since, keys, limit)
    out: list[list[duplicates.Match]] = []
    for k, new in enumerate(news):
        if not any(value(new) for value in _LOOK_ALIKE.values()):
            out.append([])
            continue
        mine = [old for old in found if _alike(new, old)][:DUPLICATE_CANDIDATE_ROWS]
        if len(found) == limit and len(mine) < DUPLICATE_CANDIDATE_ROWS:
            mine = await _candidates(uow, tenant_id, since, {
                column: [v] if (v := value(new)) else [] for column, value in
                _LOOK_ALIKE.items()}, DUPLICATE_CANDIDATE_ROWS)
        before = [old for old in reversed(news[:k]) if _alike(new, old)]
        out.append(duplicates.rank(new, before + mine))
    return out


_LOOK_ALIKE: dict[sa.Column[str], Callable[[duplicates.Fingerprint], str]] = {
    submissions.c.phone_key: lambda f: duplicates.phone_key(f.phone),
    submissions.c.complainant_name: lambda f: f.name,
    submissions.c.respondent_unit: lambda f: f.respondent_unit,
    submissions.c.respondent_department: lambda f: f.respondent_department,
    submissions.c.respondent_person: lambda f: f.respondent_person,
}


async def _candidates(uow: UnitOfWork, tenant_id: str, since: datetime,
                      keys: dict[sa.Column[str], list[str]],
                      limit: int) -> list[duplicates.Fingerprint]:
    rows = (await uow.conn.execute(candidates_query(tenant_id, since, keys, limit,
                                                    uow.dialect))).all()
    return [fingerprint_of(r) for r in rows]


def candidates_query(tenant_id: str, since: datetime, keys: dict[sa.Column[str], list[str]],
                     limit: int, dialect: str) -> sa.Select[Any]:
    """The tenant's recent submissions sharing one of the keys, the most recent first."""
    c = submissions.c
    return sa.select(c.case_id, c.case_number, c.content, c.anonymous, c.complainant_phone,
                     c.complainant_name, c.respondent_unit, c.respondent_department,
                     c.respondent_person).where(
        c.tenant_id == tenant_id, c.received_at >= since,
        # only the kinds of key some row has: an empty IN arm made SQLite walk the tenant's
        # whole year of submissions instead of one index per kind of key
        sa.or_(*(one_of(column, values, dialect) for column, values in keys.items() if values))
    ).order_by(c.received_at.desc()).limit(limit)


def _alike(new: duplicates.Fingerprint, old: duplicates.Fingerprint) -> bool:
    """Shares a phone, a name or a respondent (what the query selects on)."""
    return bool((new.phone and duplicates.phone_key(new.phone) == duplicates.phone_key(
        old.phone)) or any(getattr(new, f) and getattr(new, f) == getattr(old, f) for f in (
            "name", "respondent_unit", "respondent_department", "respondent_person")))


async def _next_sequences(uow: UnitOfWork, tenant_id: str, now: datetime, count: int) -> int:
    """The first of `count` next numbers of the tenant this year (Asia/Shanghai), in one
    upsert; 0 when none are wanted."""
    if not count:
        return 0
    insert = dialect_insert(counters, uow.dialect).values(
        tenant_id=tenant_id, year=now.astimezone(SHANGHAI).year, last=count)
    last = (await uow.conn.execute(insert.on_conflict_do_update(
        index_elements=[counters.c.tenant_id, counters.c.year],
        set_={"last": counters.c.last + count}).returning(counters.c.last))).scalar_one()
    return int(last) - count + 1


async def _store(uow: UnitOfWork, draft: model.Draft, *, tenant: sa.Row, form: forms.Form,
                 received_by: str, now: datetime, sealer: Sealer | None,
                 case_id: str = "") -> dict:
    """Number the draft, flag its possible duplicates and insert it; the row, with the
    anonymous complainant's access code (shown once, stored only as a hash)."""
    number = model.case_number(tenant.case_number_prefix, now.astimezone(SHANGHAI).year,
                               await _next_sequences(uow, tenant.tenant_id, now, 1))
    access_code = model.new_access_code()   # every complainant may follow the case in the portal
    row = row_of(draft, case_id=case_id or str(uuid.uuid4()), tenant_id=tenant.tenant_id,
                 case_number=number, received_by=received_by,
                 received_at=draft.received_at or now,
                 access_code_hash=model.hash_access_code(number, access_code)
                 if access_code else None)
    [found] = await _look_alikes(uow, [row],
                                 since=now - timedelta(days=form.duplicate_window_days))
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


async def _tenant(uow: UnitOfWork, tenant_id: str) -> sa.Row:
    tenant = (await uow.conn.execute(
        sa.select(tenants).where(tenants.c.tenant_id == tenant_id))).first()
    if tenant is None:
        raise NotFound(f"unknown tenant {tenant_id!r}")
    return tenant


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

"""Reading cases: one with its timeline and work, listings with filters, the portal's view.

Who sees what: the complaint office, supervisors, leaders and admins see the tenant's cases;
a handler sees the cases of their department, those assigned to them, and those they took in
(首问负责制: the first-contact owner keeps seeing a case until it closes). A reporter's
(举报人) identity is shown only to oversight roles and to whoever took the report in.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.db import UTCDateTime, plan_each_time
from casebridge_platform.errors import InvalidArgument, NotFound, PermissionDenied
from casebridge_platform.messaging.envelope import timestamp
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer

from case.adapters import protos, records
from case.adapters.tables import cases, items, timeline
from case.domain import model
from case.domain.case import Case
from case.service_layer import transfer_queries
from case.service_layer.context import actor_of

MAX_PAGE = 200
DUE_SOON = timedelta(hours=24)
WIDE = frozenset({"intake_clerk", "supervisor", "leader", "admin"})
SEES_REPORTERS = frozenset({"supervisor", "leader", "admin"})
SORTS = {"received_at": cases.c.received_at, "due_at": cases.c.due_at,
         "updated_at": cases.c.updated_at}
FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)


def visible_to(principal: Principal) -> sa.ColumnElement[bool]:
    """The cases this caller may read, as a WHERE clause."""
    if WIDE & set(principal.roles):
        return sa.true()
    mine = [cases.c.handler_id == principal.user_id,
            cases.c.first_contact_owner == principal.user_id]
    if principal.department:
        mine.append(cases.c.department == principal.department)
    return sa.or_(*mine)


def may_see(principal: Principal, case: Case) -> bool:
    """visible_to, for a case in hand (tests/unit/test_visibility.py: the two agree)."""
    return bool(WIDE & set(principal.roles)) or principal.user_id in (
        case.handler_id, case.first_contact_owner) or bool(
        principal.department and case.department == principal.department)


def shows_identity(case: Case, principal: Principal) -> bool:
    if case.kind != "report":
        return True
    return bool(SEES_REPORTERS & set(principal.roles)) or case.first_contact_owner == \
        principal.user_id


def to_proto(case: Case, principal: Principal | None = None,
             sealer: Sealer | None = None) -> case_pb2.Case:
    """The case as the contract has it; the reporter hidden where the caller may not see,
    a sealed identity opened only when `sealer` is given (an audited reveal)."""
    message = protos.case_message(case)
    if case.sealed:
        if sealer is None:
            message.identity_withheld = True
        else:
            message.complainant.CopyFrom(common_pb2.Party(**sealer.open(
                case.sealed_identity, bound_to=case.case_id)))
    elif not case.anonymous:
        if principal is None or shows_identity(case, principal):
            message.complainant.CopyFrom(protos.complainant(case))
        else:
            message.identity_withheld = True
    if principal is not None:
        message.allowed_actions.extend(model.allowed_actions(case.lifecycle(),
                                                             actor_of(principal)))
    return message


async def case_row(uow: UnitOfWork, principal: Principal, case_id: str) -> Case:
    case = await records.read(uow, principal.tenant_id, case_id)
    if case is None or not may_see(principal, case):
        raise NotFound("no such case, or not one you may see")
    return case


async def get(uow: UnitOfWork, *, principal: Principal, case_id: str,
              reveal: Sealer | None = None, written: Case | None = None,
              brief: bool = False) -> case_pb2.Case:
    """One case; `reveal` opens a sealed reporter identity (only after a reveal_identity
    action, which put who and why on the timeline). `written`: the case as this transaction
    has just written it (not read again); `brief`: without its timeline, work records and
    transfers."""
    principal.require(*model.STAFF)
    if written is None:
        case = await case_row(uow, principal, case_id)
    elif may_see(principal, written):
        case = written
    else:
        raise NotFound("no such case, or not one you may see")
    answer = to_proto(case, principal, reveal)
    return answer if brief else await _complete(uow, case, answer)


# The work records and the timeline of a case in one statement (one round trip), built once
# with the case's key bound: a work record's kind is its `type`; the work records come first,
# so the compound's `data` column is read as JSON.
_HISTORY = sa.union_all(
    sa.select(sa.literal_column("'work'").label("part"), items.c.seq, items.c.at,
              items.c.kind.label("type"), items.c.actor, items.c.data,
              *(sa.null().label(name) for name in ("summary", "event_id", "from_status",
                                                   "to_status", "reason"))
              ).where(items.c.tenant_id == sa.bindparam("tenant_id"),
                      items.c.case_id == sa.bindparam("case_id")),
    sa.select(sa.literal_column("'timeline'"), timeline.c.seq, timeline.c.at, timeline.c.type,
              timeline.c.actor, sa.null(), timeline.c.summary, timeline.c.event_id,
              timeline.c.from_status, timeline.c.to_status, timeline.c.reason
              ).where(timeline.c.tenant_id == sa.bindparam("tenant_id"),
                      timeline.c.case_id == sa.bindparam("case_id")))


async def _complete(uow: UnitOfWork, row: Case, case: case_pb2.Case,
                    *, public_only: bool = False) -> case_pb2.Case:
    """The timeline and the work records of the case."""
    history = (await uow.conn.execute(
        _HISTORY, {"tenant_id": row.tenant_id, "case_id": row.case_id})).all()
    entries = sorted((h for h in history if h.part == "timeline"), key=lambda h: (h.at, h.seq))
    work = sorted((h for h in history if h.part == "work"), key=lambda h: h.seq)
    case.timeline.extend(case_pb2.TimelineEntry(
        at=timestamp(e.at), type=e.type,
        summary=_public_summary(e.type, e.summary, e.actor) if public_only else e.summary,
        actor="" if public_only else e.actor, event_id=e.event_id, from_status=e.from_status,
        to_status=e.to_status, reason="" if public_only else e.reason)
        for e in entries if not public_only or e.type in PUBLIC_ENTRIES)
    for item in work:
        _add_item(case, item, public_only=public_only)
    if not public_only and transfer_queries.may_have(row, [e.type for e in entries]):
        case.transfers.extend(await transfer_queries.of_case(uow, row.tenant_id, row.case_id))
    return case


def _public_summary(kind: str, summary: str, actor: str) -> str:
    """A public step's summary without the staff member it may name."""
    if kind == "accept":
        return "accepted (受理)"
    if kind == "add_material":
        return "material added by the complainant" if actor == "complainant" \
            else "material added"
    return summary


PUBLIC_ENTRIES = frozenset({"received", "accept", "refuse", "refer", "answer", "close",
                            "reopen", "hold", "resume", "withdraw", "add_material",
                            "transfer", "transfer_outcome", "report_outcome"})


def _add_item(case: case_pb2.Case, item: sa.Row, *, public_only: bool) -> None:
    data, at, kind = dict(item.data), timestamp(item.at), item.type
    if kind == "answer":
        case.answers.append(case_pb2.Answer(round=data["round"], mode=data["mode"],
                                            text=data["text"], answered_at=at,
                                            answered_by="" if public_only else item.actor))
    elif kind == "material":
        by = data["added_by"]
        mine = not public_only or by == "complainant"
        case.materials.append(case_pb2.Material(
            description=data["description"], added_at=at, added_by=by if mine else "",
            # the portal lists only the complainant's own files
            files=[case_pb2.FileRef(**f) for f in data.get("files", ())] if mine else []))
    elif public_only:
        return
    elif kind == "investigation":
        record = case_pb2.InvestigationRecord(
            type=data["type"], subject=data["subject"], summary=data["summary"],
            recorded_by=item.actor, recorded_at=at)
        record.at.FromDatetime(datetime.fromisoformat(data["at"]))
        case.records.append(record)
    elif kind == "proposal":
        proposal = case_pb2.Proposal(
            round=data["round"], text=data["text"], proposed_by=item.actor, proposed_at=at,
            status=data["status"], decided_by=data.get("decided_by", ""),
            decision_note=data.get("decision_note", ""), required_role=data["required_role"])
        if (compensation := protos.money(data.get("compensation_fen"))) is not None:
            proposal.compensation.CopyFrom(compensation)
        case.proposals.append(proposal)
    elif kind == "follow_up":
        case.follow_ups.append(case_pb2.FollowUp(
            round=data["round"], satisfied=data["satisfied"], note=data["note"],
            by=item.actor, at=at, rating=data.get("rating", 0),
            solved=data.get("solved", False)))
    elif kind == "link":
        case.links.append(case_pb2.CaseLink(**data))
    elif kind == "party":
        case.co_complainants.append(common_pb2.Party(**data))


async def portal_view(uow: UnitOfWork, *, principal: Principal,
                      case_id: str) -> case_pb2.Case:
    """What a complainant sees behind the access code: status, dates, the public steps and
    the answer; not who handles it, internal notes, or other parties."""
    principal.require("complainant")
    if principal.user_id != f"access:{case_id}":
        raise PermissionDenied("the access code is for another case")
    row = await records.read(uow, principal.tenant_id, case_id)
    if row is None:
        raise NotFound("no such case")
    case = case_pb2.Case(
        case_id=row.case_id, case_number=row.case_number, kind=row.kind,
        status=row.status.value, channel=row.channel, content=row.content,
        demands=row.demands, anonymous=row.anonymous, received_at=timestamp(row.received_at),
        updated_at=timestamp(row.updated_at), disposition=row.disposition,
        acknowledged=row.acknowledged, refusal_reason=row.refusal_reason,
        competent_body=row.competent_body, round=row.round)
    if row.due_at is not None:
        case.due_at.CopyFrom(timestamp(row.due_at))
    # the lifecycle's own answer for the complainant: add material, withdraw, rate the
    # answer, ask for a re-look after an unsatisfied rating
    case.allowed_actions.extend(model.allowed_actions(row.lifecycle(), actor_of(principal)))
    case.transfers.extend(_public_transfer(t) for t in
                          await transfer_queries.of_case(uow, row.tenant_id, row.case_id)
                          if t.direction == "out")
    return await _complete(uow, row, case, public_only=True)


def _public_transfer(record: case_pb2.TransferRecord) -> case_pb2.TransferRecord:
    """Where the case went and what came of it; not the receiver's case or the package."""
    public = case_pb2.TransferRecord(
        direction=record.direction, path=record.path, path_title=record.path_title,
        peer=record.peer, status=record.status, outcome=record.outcome,
        outcome_text=record.outcome_text)
    public.offered_at.CopyFrom(record.offered_at)
    public.updated_at.CopyFrom(record.updated_at)
    return public


def _cursor(values: list[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def _after(token: str, sort: str) -> tuple[datetime, str]:
    try:
        key, at, case_id = json.loads(base64.urlsafe_b64decode(token.encode()))
        if key != sort:
            raise ValueError(key)
        return datetime.fromisoformat(at), str(case_id)
    except (ValueError, TypeError) as exc:
        raise InvalidArgument("page_token is not valid", {"page_token": "not a token this "
                              "service issued for this sort order"}) from exc


def _filters(request: case_pb2.ListCasesRequest, principal: Principal,
             now: datetime) -> list[sa.ColumnElement[bool]]:
    if request.status and request.status not in set(model.Status):
        raise InvalidArgument("unknown status", {"status": "must be one of " + ", ".join(
            s.value for s in model.Status)})
    where = [cases.c.tenant_id == principal.tenant_id, visible_to(principal)]
    for name in ("status", "department", "handler_id", "severity", "category", "channel",
                 "kind"):
        if value := getattr(request, name):
            where.append(cases.c[name] == value)
    if request.overdue:
        where += [cases.c.due_at < now, cases.c.status.in_([s.value for s in model.OPEN])]
    if request.due_soon:
        where += [cases.c.due_at >= now, cases.c.due_at < now + DUE_SOON,
                  cases.c.status.in_([s.value for s in model.OPEN])]
    if request.HasField("received_from"):
        where.append(cases.c.received_at >= request.received_from.ToDatetime(tzinfo=UTC))
    if request.HasField("received_to"):
        where.append(cases.c.received_at < request.received_to.ToDatetime(tzinfo=UTC))
    if request.text:
        pattern = "%" + request.text.replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        where.append(sa.or_(*(c.like(pattern, escape="\\") for c in
                              (cases.c.content, cases.c.demands, cases.c.case_number))))
    where += _scope(request.scope, principal)
    return where


def _scope(scope: str, principal: Principal) -> list[sa.ColumnElement[bool]]:
    if scope == "mine":
        return [cases.c.handler_id == principal.user_id]
    if scope == "my_department":
        if not principal.department:
            raise InvalidArgument("you belong to no department", {"scope": "my_department "
                                  "needs a department in your token"})
        return [cases.c.department == principal.department]
    if scope == "first_contact":
        return [cases.c.first_contact_owner == principal.user_id]
    if scope:
        raise InvalidArgument("unknown scope", {"scope": "must be mine, my_department or "
                                                "first_contact"})
    return []


async def list_cases(uow: UnitOfWork, *, principal: Principal,
                     request: case_pb2.ListCasesRequest) -> case_pb2.ListCasesResponse:
    """A page of the caller's cases, filtered and sorted (keyset pagination: stable under
    inserts). Cases without a deadline sort after all others by due date."""
    principal.require(*model.STAFF)
    if not 0 <= request.page_size <= MAX_PAGE:
        raise InvalidArgument("page_size out of range", {"page_size": f"must be 1..{MAX_PAGE}"})
    sort = request.sort or "-received_at"
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        raise InvalidArgument("unknown sort", {"sort": "must be received_at, due_at or "
                                               "updated_at, optionally prefixed by -"})
    size = request.page_size or 50
    await plan_each_time(uow.conn)   # a department's page, or a text's, plans by its values
    key = sa.func.coalesce(column, sa.literal(FAR_FUTURE, UTCDateTime)) \
        if column is cases.c.due_at else column
    where = _filters(request, principal, datetime.now(UTC))
    total = (await uow.conn.execute(sa.select(sa.func.count()).select_from(cases).where(
        *where))).scalar_one() if request.count else 0
    if request.page_token:
        at, case_id = _after(request.page_token, sort)
        compare = sa.tuple_(key, cases.c.case_id)
        where.append(compare < (at, case_id) if sort.startswith("-") else
                     compare > (at, case_id))
    order = [key.desc(), cases.c.case_id.desc()] if sort.startswith("-") else \
        [key.asc(), cases.c.case_id.asc()]
    rows = (await uow.conn.execute(
        sa.select(cases).where(*where).order_by(*order).limit(size + 1))).all()
    response = case_pb2.ListCasesResponse(
        cases=[to_proto(records.case_of(r), principal) for r in rows[:size]], total=total)
    if len(rows) > size:
        last = rows[size - 1]
        value = getattr(last, column.name) or FAR_FUTURE
        response.next_page_token = _cursor([sort, value.isoformat(), last.case_id])
    return response

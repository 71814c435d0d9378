"""Acting on a case through the service layer on SQLite and PostgreSQL: a milestone goes on the
timeline and is announced; an unknown one is refused and leaves no trace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from case.adapters.tables import timeline
from case.entrypoints.grpc_api import CaseServicer
from case.service_layer import actions
from casebridge.case.v1 import case_pb2
from casebridge_platform import auth
from casebridge_platform.auth import Principal
from casebridge_platform.errors import InvalidArgument
from casebridge_platform.runtime import Runtime

from .test_events import TENANT, open_case, published

CLERK = Principal(TENANT, "hosp-clerk", ("intake_clerk",))


async def act(runtime: Runtime, request: case_pb2.ActRequest) -> None:
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        await actions.act(uow, principal=CLERK, request=request)
        await uow.commit()


def milestone(case_id: str, name: str, note: str = "", key: str = "") -> case_pb2.ActRequest:
    return case_pb2.ActRequest(case_id=case_id, idempotency_key=key,
                               record_milestone=case_pb2.RecordMilestone(milestone=name,
                                                                         note=note))


async def entries(runtime: Runtime, case_id: str) -> list[sa.Row]:
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        return list((await uow.conn.execute(sa.select(timeline).where(
            timeline.c.case_id == case_id).order_by(timeline.c.seq))).all())


async def test_a_milestone_goes_on_the_timeline_and_is_announced_without_a_status_change(
        runtime: Runtime) -> None:
    case_id = await open_case(runtime, datetime.now(UTC))
    await act(runtime, milestone(case_id, "first_contact", "电话联系患者家属", key="m-1"))
    await act(runtime, milestone(case_id, "first_contact", "电话联系患者家属", key="m-1"))
    await act(runtime, milestone(case_id, "first_contact", key="m-2"))
    recorded = [e for e in await entries(runtime, case_id) if e.type == "record_milestone"]
    assert [e.summary for e in recorded] == [
        "milestone: 首次联系投诉人 (first_contact) — 电话联系患者家属",
        "milestone: 首次联系投诉人 (first_contact)"], "a retry is not recorded twice"
    assert {(e.from_status, e.to_status, e.actor) for e in recorded} == \
        {("received", "received", "hosp-clerk")}
    announced = [e.payload(case_pb2.CaseTransitioned)
                 for e in await published(runtime, "case.transitioned")]
    assert [(t.action, t.milestone, t.to_status) for t in announced] == \
        [("record_milestone", "first_contact", "received")] * 2


@pytest.mark.parametrize("name", ["made_up", "", "首次联系投诉人"])
async def test_an_unknown_milestone_is_refused_and_writes_nothing(
        runtime: Runtime, name: str) -> None:
    case_id = await open_case(runtime, datetime.now(UTC))
    before = await entries(runtime, case_id)
    with pytest.raises(InvalidArgument) as refused:
        await act(runtime, milestone(case_id, name, "备注", key="m-bad"))
    allowed = refused.value.fields["record_milestone.milestone"]
    assert "first_contact" in allowed and "records_sealed" in allowed
    assert await entries(runtime, case_id) == before
    assert await published(runtime, "case.transitioned") == []
    await act(runtime, milestone(case_id, "first_contact", key="m-bad"))  # the key is unused
    assert [e.type for e in await entries(runtime, case_id)] == ["received", "record_milestone"]


async def test_a_death_is_recorded_with_its_time_which_is_announced_for_the_autopsy_clock(
        runtime: Runtime) -> None:
    """《医疗纠纷预防和处理条例》第二十六条: the autopsy is done "在患者死亡后48小时内", so the
    time of death is recorded as it happened (before the complaint, too), never in the future."""
    received = datetime.now(UTC)
    case_id = await open_case(runtime, received)
    died = received - timedelta(hours=20)
    request = milestone(case_id, "death", key="m-death")
    request.record_milestone.happened_at.FromDatetime(died)
    await act(runtime, request)
    (told,) = [e.payload(case_pb2.CaseTransitioned)
               for e in await published(runtime, "case.transitioned")]
    assert told.milestone == "death" and told.milestone_at.ToDatetime(tzinfo=UTC) == died
    later = milestone(case_id, "rescue_ended", key="m-future")
    later.record_milestone.happened_at.FromDatetime(received + timedelta(hours=2))
    with pytest.raises(InvalidArgument) as refused:
        await act(runtime, later)
    assert "record_milestone.happened_at" in refused.value.fields


async def test_an_action_and_its_answer_take_few_statements(runtime: Runtime) -> None:
    """Accepting: the case read and locked once, its row and timeline written, the timeline
    and work records read for the answer (in one statement), the event queued — the answer is
    the case as written (not read again), the tenant's rules are not read (accept does not use
    them), nor the transfers of a case never transferred. Counted on the case service's
    engine."""
    case_id = await open_case(runtime, datetime.now(UTC))
    sent: list[str] = []

    def keep(_c: object, _cur: object, statement: str, *_rest: object) -> None:
        relay = ("UPDATE outbox", "SELECT outbox", "DELETE FROM outbox")   # the relay's
        if not statement.startswith(("BEGIN", *relay)):
            sent.append(statement.split("(")[0].split(" WHERE")[0][:60])

    servicer = CaseServicer(runtime.uow, runtime.settings.sealer())
    caller = Principal(TENANT, "hosp-super", ("supervisor",))
    token = auth.current_principal.set(caller)
    sa.event.listen(runtime.engine.sync_engine, "before_cursor_execute", keep)
    try:
        answer = await servicer.Act(case_pb2.ActRequest(
            case_id=case_id, accept=case_pb2.Accept()), None)
    finally:
        sa.event.remove(runtime.engine.sync_engine, "before_cursor_execute", keep)
        auth.current_principal.reset(token)
    assert answer.status == "accepted" and answer.timeline[-1].type == "accept"
    scoped = 1 if runtime.database.is_postgres else 0   # the tenant's scope, once per connection
    assert len(sent) <= 5 + scoped, sent
    assert not any("tenants" in s for s in sent), sent

    # brief (the staff pages, which show the case afresh): no timeline, records or transfers
    sent.clear()
    token = auth.current_principal.set(caller)
    sa.event.listen(runtime.engine.sync_engine, "before_cursor_execute", keep)
    try:
        note = case_pb2.ActRequest(case_id=case_id, brief=True, idempotency_key="n-1",
                                   add_note=case_pb2.AddNote(text="已电话告知受理"))
        brief = await servicer.Act(note, None)
        note.brief = False        # a retry that wants the whole answer is the same action
        again = await servicer.Act(note, None)
    finally:
        sa.event.remove(runtime.engine.sync_engine, "before_cursor_execute", keep)
        auth.current_principal.reset(token)
    assert brief.status == "accepted" and not brief.timeline and "add_note" in \
        brief.allowed_actions
    assert [e.summary for e in again.timeline if e.type == "add_note"] == ["已电话告知受理"]
    # the history is read once: for the retry's answer only
    assert sum(s.startswith("SELECT 'work' AS part") for s in sent) == 1, sent

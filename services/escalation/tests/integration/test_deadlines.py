"""The escalation service over a real database (SQLite and PostgreSQL), with the shipped policy
packs and the demo seed: clocks from case events, holds, explain, policy changes, loaded
calendar years, rebuilds, extensions, the ladder, the ledger and the regulator."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.calendar import WorkCalendar
from casebridge_platform.devstack import ROOT
from casebridge_platform.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from casebridge_platform.messaging.envelope import Event, make, timestamp
from casebridge_platform.runtime import Runtime
from escalation.adapters.tables import clocks, ledger, timers
from escalation.bootstrap import configure
from escalation.service_layer import admin, handlers, seeding
from escalation.service_layer.timers import fire_due

from .test_timers import announced, replicas  # noqa: F401  (the fixture)

HOSPITAL, CENTRE = "demo-hospital", "demo-12315"
MON = datetime(2026, 11, 2, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai


@pytest.fixture
async def runtime(replicas: list[Runtime]) -> Runtime:  # noqa: F811
    r = replicas[0]
    async with r.uow() as uow:
        await seeding.seed(await uow.all_tenants(),
                            json.loads((ROOT / "deploy/seed/demo-tenants.json").read_text()))
        await uow.commit()
    return r


async def deliver(runtime: Runtime, tenant: str, handler, event_type: str, payload,
                  at: datetime | None = None) -> None:
    env = make(event_type, tenant, payload)
    if at is not None:
        env.occurred_at.CopyFrom(timestamp(at))
    async with runtime.uow() as uow:
        await uow.set_tenant(tenant)
        await handler(uow, Event(env))
        await uow.commit()


async def open_case(runtime: Runtime, tenant: str, received: datetime, *, kind: str = "complaint",
                    severity: str = "一般", anonymous: bool = False,
                    assigned: bool = True) -> str:
    case_id = str(uuid.uuid4())
    number = f"T-{case_id[:8]}"
    await deliver(runtime, tenant, handlers.on_event, "case.opened", case_pb2.CaseOpened(
        case_id=case_id, case_number=number, kind=kind, received_at=timestamp(received),
        anonymous=anonymous, received_by="clerk-1"))
    await deliver(runtime, tenant, handlers.on_event, "routing.decided",
                  routing_pb2.RoutingDecided(case_id=case_id, severity=severity,
                                             department="医务处", handler_id="hosp-h4a"),
                  at=received + timedelta(seconds=1))
    if assigned:
        await move(runtime, tenant, case_id, "received", "assigned",
                   received + timedelta(minutes=5), action="accept")
        await deliver(runtime, tenant, handlers.on_event, "case.assigned",
                      case_pb2.CaseAssigned(case_id=case_id, case_number=number, kind=kind,
                                            department="医务处", handler_id="hosp-h4a",
                                            severity=severity, received_at=timestamp(received)),
                      at=received + timedelta(minutes=5))
    return case_id


async def move(runtime: Runtime, tenant: str, case_id: str, frm: str, to: str, at: datetime,
               action: str = "x", milestone: str = "") -> None:
    await deliver(runtime, tenant, handlers.on_event, "case.transitioned",
                  case_pb2.CaseTransitioned(case_id=case_id, from_status=frm, to_status=to,
                                            action=action, milestone=milestone,
                                            at=timestamp(at)))


async def clocks_of(runtime: Runtime, tenant: str, case_id: str) -> dict[str, sa.Row]:
    async with runtime.uow() as uow:
        await uow.set_tenant(tenant)
        rows = (await uow.conn.execute(clocks.select().where(clocks.c.case_id == case_id)))
        return {r.name: r for r in rows.all()}


async def pending(runtime: Runtime, case_id: str) -> dict[str, datetime]:
    async with runtime.uow() as uow:
        await uow.all_tenants()
        rows = (await uow.conn.execute(timers.select().where(
            timers.c.case_id == case_id, timers.c.fired_at.is_(None)))).all()
    return {r.kind: r.due_at for r in rows}


async def call(runtime: Runtime, fn, tenant: str, *roles: str, **kwargs):
    async with runtime.uow() as uow:
        await uow.set_tenant(tenant)
        answer = await fn(uow, principal=Principal(tenant, "staff-1", roles), **kwargs)
        await uow.commit()
    return answer


async def test_a_12315_acceptance_clock_counts_over_national_day_and_is_explained(
        runtime: Runtime) -> None:
    received = datetime(2026, 9, 30, 7, tzinfo=UTC)  # 15:00 in Shanghai
    case_id = await open_case(runtime, CENTRE, received, assigned=False)
    acceptance = (await clocks_of(runtime, CENTRE, case_id))["acceptance"]
    assert acceptance.due_at == datetime(2026, 10, 15, 16, tzinfo=UTC)
    assert "第十四条" in acceptance.rule
    (why,) = (await call(runtime, handlers.explain_clocks, CENTRE, "handler",
                         case_id=case_id)).clocks
    assert why.counted[0] == "2026-10-08" and len(why.counted) == 7
    assert [d.name for d in why.holidays_skipped] == ["National Day"] * 7
    assert [d.date for d in why.makeup_days_counted] == ["2026-10-10"]
    await move(runtime, CENTRE, case_id, "received", "accepted", received + timedelta(days=2),
               action="accept")
    after = await clocks_of(runtime, CENTRE, case_id)
    assert after["acceptance"].state == "stopped"
    assert after["mediation"].state == "running", "acceptance starts the 45-day mediation"


async def test_a_hold_moves_the_deadline_and_its_timers_by_the_working_time_it_took(
        runtime: Runtime) -> None:
    case_id = await open_case(runtime, HOSPITAL, MON)
    armed = (await clocks_of(runtime, HOSPITAL, case_id))["answer_simple"]
    three_days, _ = WorkCalendar().add_working_days(MON, 3)
    assert armed.due_at == three_days and (await pending(runtime, case_id))["breach"] == three_days
    # on hold from Tuesday 00:00 to Thursday 00:00 Shanghai: two working days
    await move(runtime, HOSPITAL, case_id, "investigating", "on_hold",
               datetime(2026, 11, 2, 16, tzinfo=UTC), action="hold")
    assert (await clocks_of(runtime, HOSPITAL, case_id))["answer_simple"].state == "paused"
    assert await pending(runtime, case_id) == {}
    await move(runtime, HOSPITAL, case_id, "on_hold", "investigating",
               datetime(2026, 11, 4, 16, tzinfo=UTC), action="resume")
    five_days, _ = WorkCalendar().add_working_days(MON, 5)
    four_days, _ = WorkCalendar().add_working_days(MON, 4)
    resumed = (await clocks_of(runtime, HOSPITAL, case_id))["answer_simple"]
    timers_now = await pending(runtime, case_id)
    assert resumed.due_at == five_days == timers_now["breach"]
    assert timers_now["warning"] == four_days, "the warning moves with the hold too"
    assert set(timers_now) == {"warning", "breach", "rung3", "rung4"}
    await move(runtime, HOSPITAL, case_id, "investigating", "closed",
               datetime(2026, 11, 5, 2, tzinfo=UTC), action="close")
    assert (await clocks_of(runtime, HOSPITAL, case_id))["answer_simple"].state == "stopped"
    assert await pending(runtime, case_id) == {}


async def test_a_tightened_policy_recomputes_running_clocks_and_a_loosened_one_is_refused(
        runtime: Runtime) -> None:
    case_id = await open_case(runtime, CENTRE, MON, assigned=False)
    before = (await clocks_of(runtime, CENTRE, case_id))["acceptance"]
    with pytest.raises(InvalidArgument) as refused:
        await call(runtime, admin.put_policy, CENTRE, "admin",
                   request=escalation_pb2.PutPolicyRequest(clocks=[
                       escalation_pb2.ClockOverride(name="acceptance", amount=8)]))
    assert "never lengthen" in refused.value.fields["clocks[0].amount"]
    with pytest.raises(PermissionDenied):
        await call(runtime, admin.put_policy, CENTRE, "supervisor",
                   request=escalation_pb2.PutPolicyRequest(warn_fraction=0.5))
    policy = await call(runtime, admin.put_policy, CENTRE, "admin",
                        request=escalation_pb2.PutPolicyRequest(clocks=[
                            escalation_pb2.ClockOverride(name="acceptance", amount=5)]))
    assert policy.clocks_recomputed >= 1
    assert {c.name: (c.amount, c.limit) for c in policy.clocks}["acceptance"] == (5, 7)
    after = (await clocks_of(runtime, CENTRE, case_id))["acceptance"]
    assert after.started_at == before.started_at
    assert after.due_at == WorkCalendar().add_working_days(MON, 5)[0]
    assert (await pending(runtime, case_id))["breach"] == after.due_at


async def test_a_loaded_year_replaces_the_guess_and_recomputes_the_clocks_in_it(
        runtime: Runtime) -> None:
    received = datetime(2026, 12, 30, 9, tzinfo=UTC)  # Wednesday 17:00 in Shanghai
    case_id = await open_case(runtime, CENTRE, received, assigned=False)
    guessed = (await clocks_of(runtime, CENTRE, case_id))["acceptance"]
    (why,) = (await call(runtime, handlers.explain_clocks, CENTRE, "handler",
                         case_id=case_id)).clocks
    assert why.warnings and "2027" in why.warnings[0]
    with pytest.raises(InvalidArgument) as bad:
        await call(runtime, admin.load_year, CENTRE, "admin",
                   request=escalation_pb2.LoadYearRequest(year=2027, holidays=[
                       escalation_pb2.NamedDay(date="2026-01-01", name="元旦")]))
    assert "holidays[0].date" in bad.value.fields
    loaded = await call(runtime, admin.load_year, CENTRE, "admin",
                        request=escalation_pb2.LoadYearRequest(year=2027, source="test", holidays=[
                            escalation_pb2.NamedDay(date=d, name="元旦")
                            for d in ("2027-01-01", "2027-01-04")]))
    assert loaded.clocks_recomputed >= 1
    moved = (await clocks_of(runtime, CENTRE, case_id))["acceptance"]
    # two working days fewer in the way: due Tue 12 Jan 24:00 instead of Fri 8 Jan 24:00
    assert guessed.due_at == datetime(2027, 1, 8, 16, tzinfo=UTC)
    assert moved.due_at == datetime(2027, 1, 12, 16, tzinfo=UTC)
    (why,) = (await call(runtime, handlers.explain_clocks, CENTRE, "handler",
                         case_id=case_id)).clocks
    assert not why.warnings and [d.date for d in why.holidays_skipped] == [
        "2027-01-01", "2027-01-04"]
    years = await call(runtime, admin.list_years, CENTRE, "handler")
    assert [y.year for y in years.years] == [2027] and 2026 in years.official


async def test_a_loaded_year_is_announced_and_announced_again_at_start(
        runtime: Runtime, replicas: list[Runtime]) -> None:  # noqa: F811
    await call(runtime, admin.load_year, CENTRE, "admin",
               request=escalation_pb2.LoadYearRequest(year=2027, source="国办发明电", holidays=[
                   escalation_pb2.NamedDay(date="2027-01-04", name="元旦"),
                   escalation_pb2.NamedDay(date="2027-01-01", name="元旦")], workdays=[
                   escalation_pb2.NamedDay(date="2027-01-09", name="元旦")]))
    [told] = [e for e in await announced(runtime) if e.type == "escalation.year_loaded"]
    year = told.payload(escalation_pb2.YearLoaded)
    assert told.tenant_id == CENTRE and (year.year, year.source) == (2027, "国办发明电")
    assert [(d.date, d.name) for d in year.holidays] == [("2027-01-01", "元旦"),
                                                          ("2027-01-04", "元旦")]
    assert [d.date for d in year.workdays] == ["2027-01-09"]
    await replicas[1].run_parts(configure(replicas[1]))  # another replica starts
    again = [e for e in await announced(runtime) if e.type == "escalation.year_loaded"]
    assert len(again) == 2 and again[1].tenant_id == CENTRE
    assert again[1].payload(escalation_pb2.YearLoaded) == year


async def test_clocks_rebuilt_from_the_history_equal_the_live_ones(runtime: Runtime) -> None:
    case_id = await open_case(runtime, HOSPITAL, MON)
    await move(runtime, HOSPITAL, case_id, "investigating", "on_hold",
               MON + timedelta(days=1), action="hold")
    await move(runtime, HOSPITAL, case_id, "on_hold", "investigating",
               MON + timedelta(days=2), action="resume")
    live = await clocks_of(runtime, HOSPITAL, case_id)
    unchanged = await call(runtime, admin.rebuild, HOSPITAL, "supervisor", case_id=case_id)
    assert not unchanged.changed
    async with runtime.uow() as uow:  # the stored clocks lost
        await uow.all_tenants()
        await uow.conn.execute(clocks.delete().where(clocks.c.case_id == case_id))
        await uow.commit()
    rebuilt = await call(runtime, admin.rebuild, HOSPITAL, "supervisor", case_id=case_id)
    assert rebuilt.changed
    again = await clocks_of(runtime, HOSPITAL, case_id)
    assert {n: (c.due_at, c.state, c.pauses) for n, c in again.items()} == \
        {n: (c.due_at, c.state, c.pauses) for n, c in live.items()}


async def test_a_leader_extends_a_report_verification_once(runtime: Runtime) -> None:
    case_id = await open_case(runtime, CENTRE, MON, kind="report", assigned=False)
    before = (await clocks_of(runtime, CENTRE, case_id))["report_verification"]
    request = escalation_pb2.ExtendRequest(case_id=case_id, clock="report_verification",
                                           reason="需要调取外地证据")
    with pytest.raises(PermissionDenied):
        await call(runtime, admin.extend, CENTRE, "handler", request=request)
    extended = await call(runtime, admin.extend, CENTRE, "leader", request=request)
    assert extended.extended_by == 15
    assert extended.due_at.ToDatetime(tzinfo=UTC) == WorkCalendar().add_working_days(
        before.started_at, 30)[0]
    with pytest.raises(FailedPrecondition, match="only once"):
        await call(runtime, admin.extend, CENTRE, "leader", request=request)
    other = await open_case(runtime, CENTRE, MON, assigned=False)
    with pytest.raises(FailedPrecondition, match="cannot be extended"):
        await call(runtime, admin.extend, CENTRE, "leader", request=escalation_pb2.ExtendRequest(
            case_id=other, clock="acceptance", reason="x"))


async def test_a_missed_deadline_climbs_the_ladder_charges_the_ledger_and_tells_the_regulator(
        runtime: Runtime) -> None:
    received = datetime(2026, 11, 2, 1, tzinfo=UTC)
    cases = [await open_case(runtime, HOSPITAL, received) for _ in range(3)]
    saturday = datetime(2026, 11, 14, 2, tzinfo=UTC)  # 10:00, not a working day
    async with runtime.uow() as uow:
        assert await fire_due(await uow.all_tenants(), now=saturday) == 12
        await uow.commit()
    events = [e for e in await announced(runtime) if e.type.startswith("escalation.")
              and e.type not in ("escalation.clock_armed", "escalation.clock_stopped")]
    first = [e.payload(escalation_pb2.TimerFired) for e in events
             if e.type != "escalation.regulator_report"
             and e.payload(escalation_pb2.TimerFired).case_id == cases[0]]
    by_kind = {f.kind: f for f in first}
    assert set(by_kind) == {"warning", "breach", "rung3", "rung4"}
    assert by_kind["warning"].rung == 1 and "user:hosp-h4a" in by_kind["warning"].audiences
    assert "department:医务处" in by_kind["breach"].audiences
    assert by_kind["rung3"].rung_title == "分管院长" and "role:leader" in by_kind["rung3"].audiences
    assert by_kind["rung3"].due_at == by_kind["breach"].due_at, "a rung tells the deadline"
    assert all(f.off_hours and "department:总值班" in f.audiences for f in first)
    types = {e.type for e in events}
    assert {"escalation.warning", "escalation.breached", "escalation.escalated"} <= types
    [report] = [e for e in events if e.type == "escalation.regulator_report"]
    assert report.tenant_id == "demo-health-bureau"
    told = report.payload(escalation_pb2.RegulatorReport)
    assert told.institution == HOSPITAL and told.breaches == 3 and told.period == "2026-11"
    book = await call(runtime, admin.get_ledger, HOSPITAL, "supervisor",
                      request=escalation_pb2.GetLedgerRequest(from_date="2026-11-01",
                                                              to_date="2026-11-30"))
    assert [(t.department, t.breaches) for t in book.totals] == [("医务处", 3)]
    async with runtime.uow() as uow:
        assert await fire_due(await uow.all_tenants(), now=saturday) == 0
        await uow.commit()
    async with runtime.uow() as uow:
        await uow.all_tenants()
        assert len((await uow.conn.execute(sa.select(ledger))).all()) == 3


async def test_a_company_breach_is_charged_by_its_level(runtime: Runtime) -> None:
    case_id = await open_case(runtime, "demo-company", MON, severity="重大", assigned=False)
    monday_10 = MON + timedelta(hours=1)
    async with runtime.uow() as uow:
        await fire_due(await uow.all_tenants(), now=monday_10)
        await uow.commit()
    book = await call(runtime, admin.get_ledger, "demo-company", "supervisor",
                      request=escalation_pb2.GetLedgerRequest(from_date="2026-11-01",
                                                              to_date="2026-11-30"))
    mine = [e for e in book.entries if e.case_id == case_id]
    assert mine and all(e.amount_fen == 5000 for e in mine)  # 重大投诉 50 元
    assert "第六条" in book.cite
    fired = [e.payload(escalation_pb2.TimerFired) for e in await announced(runtime)
             if e.type == "escalation.breached"]
    assert fired and not any(f.off_hours for f in fired if f.case_id == case_id)


async def test_a_petition_period_ending_on_national_day_ends_on_the_next_working_day(
        runtime: Runtime) -> None:
    """《民法典》第二百零三条第一款：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的
    最后一日。 《信访工作条例》第二十二条 gives the petition bureau 15 days: a petition received
    Wed 16 Sep 2026 would end on Thu 1 Oct, National Day (1–7 Oct), so it ends at 24:00 of
    Thu 8 Oct, and the explanation says so."""
    received = datetime(2026, 9, 16, 2, tzinfo=UTC)  # 10:00 in Shanghai
    case_id = await open_case(runtime, "demo-petition", received, assigned=False)
    clock = (await clocks_of(runtime, "demo-petition", case_id))["register_pass_on"]
    assert clock.due_at == datetime(2026, 10, 8, 16, tzinfo=UTC)  # 9 Oct 00:00 +08
    (why,) = [c for c in (await call(runtime, handlers.explain_clocks, "demo-petition",
                                     "handler", case_id=case_id)).clocks
              if c.name == "register_pass_on"]
    assert why.moved_from.ToDatetime(UTC) == datetime(2026, 10, 1, 16, tzinfo=UTC)
    assert [d.date for d in why.moved_over] == [f"2026-10-0{d}" for d in range(1, 8)]
    assert "第二百零三条" in why.moved_why and len(why.counted) == 15


async def test_a_hold_a_little_over_a_day_moves_a_day_deadline_by_one_whole_day(
        runtime: Runtime) -> None:
    """A hold pauses a day period by whole days (《民法典》第二百零一条第一款 "开始的当日不计入":
    the day the count resumes is not counted): on hold Tue 3 Nov 2026 10:00 to Wed 10:00 and 5
    ms, the 3-working-day answer moves from 24:00 Thu 5 Nov to 24:00 Fri 6 Nov — not to Fri
    10:00 — and a hold placed and lifted within one day moves nothing."""
    case_id = await open_case(runtime, HOSPITAL, MON)
    held = datetime(2026, 11, 3, 2, tzinfo=UTC)
    await move(runtime, HOSPITAL, case_id, "investigating", "on_hold", held, action="hold")
    await move(runtime, HOSPITAL, case_id, "on_hold", "investigating",
               held + timedelta(days=1, milliseconds=5), action="resume")
    clock = (await clocks_of(runtime, HOSPITAL, case_id))["answer_simple"]
    assert clock.due_at == datetime(2026, 11, 6, 16, tzinfo=UTC)  # 7 Nov 00:00 +08
    await move(runtime, HOSPITAL, case_id, "investigating", "on_hold",
               held + timedelta(days=1, hours=1), action="hold")
    await move(runtime, HOSPITAL, case_id, "on_hold", "investigating",
               held + timedelta(days=1, hours=3), action="resume")
    assert (await clocks_of(runtime, HOSPITAL, case_id))["answer_simple"].due_at == clock.due_at


async def test_a_hospital_complaint_nobody_accepted_has_its_answer_deadline_from_receipt(
        runtime: Runtime) -> None:
    """Seed 000 医院投诉管理制度 "一般性投诉处理不超过三个工作日" counts from the complaint's
    receipt, so the clock runs from routing, before anyone accepts the case: received Wed 30 Sep
    2026 15:00, the 3 working days are Thu 8, Fri 9 and Sat 10 Oct (调休上班) after National
    Day, and an unaccepted case is overdue from 11 Oct 00:00."""
    received = datetime(2026, 9, 30, 7, tzinfo=UTC)
    case_id = await open_case(runtime, HOSPITAL, received, assigned=False)
    clock = (await clocks_of(runtime, HOSPITAL, case_id))["answer_simple"]
    assert clock.state == "running" and clock.started_at.replace(tzinfo=UTC) == received
    assert clock.due_at == datetime(2026, 10, 10, 16, tzinfo=UTC)
    assert (await pending(runtime, case_id))["breach"] == clock.due_at


async def opened_with(runtime: Runtime, tenant: str, received: datetime,
                      *circumstances: str) -> str:
    """A case registered with these circumstances, not routed yet."""
    case_id = str(uuid.uuid4())
    await deliver(runtime, tenant, handlers.on_event, "case.opened", case_pb2.CaseOpened(
        case_id=case_id, case_number=f"T-{case_id[:8]}", kind="complaint",
        received_at=timestamp(received), received_by="clerk-1",
        circumstances=list(circumstances)))
    return case_id


async def milestone(runtime: Runtime, tenant: str, case_id: str, name: str, at: datetime, *,
                    happened: datetime | None = None, status: str = "received") -> None:
    told = case_pb2.CaseTransitioned(case_id=case_id, from_status=status, to_status=status,
                                     action="record_milestone", milestone=name,
                                     at=timestamp(at))
    if happened is not None:
        told.milestone_at.CopyFrom(timestamp(happened))
    await deliver(runtime, tenant, handlers.on_event, "case.transitioned", told)


async def test_the_autopsy_clock_runs_48_hours_from_the_death_not_from_the_complaint(
        runtime: Runtime) -> None:
    """《医疗纠纷预防和处理条例》第二十六条：患者死亡，医患双方对死因有异议的，应当在患者死亡后
    48小时内进行尸检……拒绝签字的，视为死者近亲属不同意进行尸检。 The patient died Sat 26 Sep
    2026 22:00; the family complained Mon 28 Sep 09:00 and the death was recorded at 10:00: the
    autopsy is due Mon 28 Sep 22:00 (hours run through the weekend and Mid-Autumn alike), not
    48 hours after the complaint. A refusal to sign stops it as a refusal."""
    died = datetime(2026, 9, 26, 14, tzinfo=UTC)
    received = datetime(2026, 9, 28, 1, tzinfo=UTC)
    case_id = await opened_with(runtime, HOSPITAL, received, "death")
    assert "autopsy" not in await clocks_of(runtime, HOSPITAL, case_id), "no death time yet"
    await milestone(runtime, HOSPITAL, case_id, "death", received + timedelta(hours=1),
                    happened=died)
    clock = (await clocks_of(runtime, HOSPITAL, case_id))["autopsy"]
    assert clock.due_at == datetime(2026, 9, 28, 14, tzinfo=UTC)
    assert "第二十六条" in clock.rule
    await milestone(runtime, HOSPITAL, case_id, "autopsy_signature_refused",
                    received + timedelta(hours=2))
    assert (await clocks_of(runtime, HOSPITAL, case_id))["autopsy"].state == "stopped"


async def test_rescue_records_are_due_6_hours_after_the_rescue_ended_for_any_case(
        runtime: Runtime) -> None:
    """《医疗纠纷预防和处理条例》第十五条第二款：因紧急抢救未能及时填写病历的，医务人员应当在
    抢救结束后6小时内据实补记。 A rescue that ended Thu 1 Oct 2026 (National Day) 23:30, recorded
    the next morning, is due Fri 2 Oct 05:30 — no death needed, holidays not skipped."""
    case_id = await opened_with(runtime, HOSPITAL, datetime(2026, 10, 2, 0, tzinfo=UTC))
    ended = datetime(2026, 10, 1, 15, 30, tzinfo=UTC)
    await milestone(runtime, HOSPITAL, case_id, "rescue_ended",
                    datetime(2026, 10, 2, 1, tzinfo=UTC), happened=ended)
    clock = (await clocks_of(runtime, HOSPITAL, case_id))["rescue_records"]
    assert clock.due_at == datetime(2026, 10, 1, 21, 30, tzinfo=UTC)
    await milestone(runtime, HOSPITAL, case_id, "records_completed",
                    datetime(2026, 10, 2, 2, tzinfo=UTC))
    assert (await clocks_of(runtime, HOSPITAL, case_id))["rescue_records"].state == "stopped"


async def test_disruption_makes_the_police_report_a_duty_and_a_dispute_the_duty_to_inform(
        runtime: Runtime) -> None:
    """《医疗纠纷预防和处理条例》第二十九条：医疗纠纷中发生涉嫌违反治安管理行为或者犯罪行为的，
    医疗机构应当立即向所在地公安机关报案; 第二十三条：发生医疗纠纷，医疗机构应当告知患者或者
    其近亲属……解决医疗纠纷的合法途径. Received Sat 10 Oct 2026 09:00 (a make-up working day)."""
    received = datetime(2026, 10, 10, 1, tzinfo=UTC)
    case_id = await opened_with(runtime, HOSPITAL, received, "disruption", "compensation")
    clocks_now = await clocks_of(runtime, HOSPITAL, case_id)
    assert clocks_now["police_report"].due_at == received + timedelta(minutes=30)
    assert clocks_now["police_report"].rule.count("第二十九条") == 1
    # the duty to inform: 1 working day, the make-up Saturday's next working day is Mon 12 Oct
    assert clocks_now["rights_informed"].due_at == datetime(2026, 10, 12, 16, tzinfo=UTC)
    await milestone(runtime, HOSPITAL, case_id, "police_reported",
                    received + timedelta(minutes=10))
    await milestone(runtime, HOSPITAL, case_id, "rights_informed", received + timedelta(hours=1))
    after = await clocks_of(runtime, HOSPITAL, case_id)
    assert {after["police_report"].state, after["rights_informed"].state} == {"stopped"}
    plain = await opened_with(runtime, HOSPITAL, received)
    assert not {"police_report", "rights_informed"} & set(await clocks_of(runtime, HOSPITAL,
                                                                         plain))


async def test_a_serious_error_is_reported_within_12_hours_of_its_discovery(
        runtime: Runtime) -> None:
    """《医疗事故处理条例》第十四条第二款：发生下列重大医疗过失行为的，医疗机构应当在12小时内
    向所在地卫生行政部门报告：（一）导致患者死亡或者可能为二级以上的医疗事故；（二）导致3人以上
    人身损害后果. Found Wed 30 Sep 2026 20:00: due Thu 1 Oct 08:00, National Day or not."""
    case_id = await opened_with(runtime, HOSPITAL, datetime(2026, 9, 30, 13, tzinfo=UTC))
    await milestone(runtime, HOSPITAL, case_id, "serious_error",
                    datetime(2026, 9, 30, 13, 30, tzinfo=UTC),
                    happened=datetime(2026, 9, 30, 12, tzinfo=UTC))
    clock = (await clocks_of(runtime, HOSPITAL, case_id))["serious_error_report"]
    assert clock.due_at == datetime(2026, 10, 1, 0, tzinfo=UTC)


async def test_a_court_judgement_is_reported_in_7_days_moved_past_national_day(
        runtime: Runtime) -> None:
    """《医疗事故处理条例》第四十四条：医疗机构应当自收到生效的人民法院的调解书或者判决书之日起
    7日内向所在地卫生行政部门作出书面报告; 《民法典》第二百零三条. The judgement is recorded Fri
    25 Sep 2026: day 7 is Fri 2 Oct (National Day), so the report is due 24:00 Thu 8 Oct; it runs
    after the case closed, and is stopped by the report recorded on the closed case."""
    case_id = await opened_with(runtime, HOSPITAL, datetime(2026, 9, 1, 2, tzinfo=UTC))
    await deliver(runtime, HOSPITAL, handlers.on_event, "case.transitioned",
                  case_pb2.CaseTransitioned(
                      case_id=case_id, from_status="transferred", to_status="closed",
                      action="report_outcome", disposition="judged",
                      at=timestamp(datetime(2026, 9, 25, 3, tzinfo=UTC))))
    clock = (await clocks_of(runtime, HOSPITAL, case_id))["court_resolution_report"]
    assert clock.state == "running"
    assert clock.due_at == datetime(2026, 10, 8, 16, tzinfo=UTC)
    await milestone(runtime, HOSPITAL, case_id, "resolution_reported",
                    datetime(2026, 9, 28, 3, tzinfo=UTC), status="closed")
    assert (await clocks_of(runtime, HOSPITAL, case_id))[
        "court_resolution_report"].state == "stopped"


async def test_the_health_bureau_times_applications_for_mediation_not_every_complaint(
        runtime: Runtime) -> None:
    """《医疗纠纷预防和处理条例》第四十条：医疗纠纷双方当事人可以向……卫生主管部门申请调解。卫生
    主管部门应当自收到申请之日起5个工作日内作出是否受理的决定. A complaint to the bureau gets no
    mediation clock; once recorded as an application received Fri 25 Sep 2026 (Mid-Autumn),
    the 5 working days are 28, 29, 30 Sep, 8, 9 Oct: due 24:00 Fri 9 Oct."""
    bureau = "demo-health-bureau"
    case_id = await opened_with(runtime, bureau, datetime(2026, 9, 28, 1, tzinfo=UTC))
    assert not {"mediation_acceptance", "mediation_acceptance_direct"} & set(
        await clocks_of(runtime, bureau, case_id))
    await milestone(runtime, bureau, case_id, "mediation_applied",
                    datetime(2026, 9, 28, 2, tzinfo=UTC),
                    happened=datetime(2026, 9, 25, 2, tzinfo=UTC))
    clock = (await clocks_of(runtime, bureau, case_id))["mediation_acceptance_direct"]
    assert clock.due_at == datetime(2026, 10, 9, 16, tzinfo=UTC)

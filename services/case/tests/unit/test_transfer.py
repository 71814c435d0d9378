"""Transfers along the legal paths, without a database: receivers, the package, and what
an answer or an outcome does to each side's case."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from case.domain import paths, transfer
from case.domain.case import Case, Contact, Inbound, Outbound
from case.domain.model import Status
from case.domain.transfer import Agency, Entry, Work

NOW = datetime(2026, 12, 2, 8, tzinfo=UTC)
HOSPITAL = Agency("hospital-a", "hospital", "110000-110105")
PEOPLE = paths.paths_of("hospital")["people_mediation"]
ADMINISTRATIVE = paths.paths_of("hospital")["administrative_mediation"]
TAKE_OVER = paths.paths_of("consumer_center")["jurisdiction_transfer"]


def case(**kw: object) -> Case:
    return replace(Case("c1", "hospital-a", "H-1", Status.TRANSFERRED, kind="complaint",
                        content="术后感染", complainant_name="张三",
                        complainant_phone="13800000000", held_from="investigating",
                        contact=Contact(unit="", relation="本人", address="北京市某路1号",
                                        email="z@example.cn"),
                        transfer_out=Outbound("t1", "people_mediation", "med-1"),
                        received_at=NOW), **kw)


def test_receivers_are_of_the_paths_kinds_and_for_a_local_path_of_the_senders_area() -> None:
    agencies = [Agency("med-1", "mediation_committee", "110000"),
                Agency("hb-chaoyang", "health_bureau", "110000-110105"),
                Agency("hb-city", "health_bureau", "110000"),
                Agency("hb-haidian", "health_bureau", "110000-110108"), HOSPITAL]
    assert [a.id for a in transfer.receivers(PEOPLE, HOSPITAL, agencies)] == ["med-1"]
    assert [a.id for a in transfer.receivers(ADMINISTRATIVE, HOSPITAL, agencies)] == [
        "hb-chaoyang", "hb-city"]


def test_the_package_keeps_private_entries_deciders_and_unshared_contact_out() -> None:
    timeline = [Entry(NOW, "received", "registered"), Entry(NOW, "add_note", "家属情绪激动"),
                Entry(NOW, "reveal_identity", "shown to sup")]
    work = [Work("proposal", {"text": "赔偿", "decided_by": "sup"}, NOW),
            Work("material", {"description": "发票"}, NOW), Work("link", {"x": 1}, NOW)]
    package = transfer.package(case(), PEOPLE, reporter=None, timeline=timeline, work=work)
    assert [e["type"] for e in package["timeline"]] == ["received"]
    assert package["decisions"] == [{"kind": "proposal", "at": NOW.isoformat(), "text": "赔偿"}]
    assert package["evidence"] == [{"description": "发票", "at": NOW.isoformat()}]
    assert package["parties"]["complainant"]["phone"] == "13800000000"
    court = replace(PEOPLE, complainant_contact=False)
    bare = transfer.package(case(), court, reporter=None, timeline=[], work=[])
    assert bare["parties"]["complainant"] == {"name": "张三", "unit": "", "relation": "本人"}


def test_a_sealed_reporter_goes_along_only_with_consent() -> None:
    report = case(kind="report", sealed_identity="sealed-blob")
    unopened = transfer.package(report, PEOPLE, reporter=None, timeline=[], work=[])
    assert unopened["parties"]["complainant"] == {}
    assert unopened["parties"]["anonymous"] is True
    assert unopened["sealed"] == [{"what": "reporter identity", "sealed": True}]
    opened = transfer.package(report, PEOPLE, reporter={"name": "李四"}, timeline=[], work=[])
    assert opened["parties"]["complainant"] == {"name": "李四"}
    assert transfer.reporter_consent_barred(report, PEOPLE) is None
    assert transfer.reporter_consent_barred(case(), PEOPLE) == "only for a real-name report"
    never = paths.paths_of("consumer_center")["odr_settlement"]
    assert "does not take it" in transfer.reporter_consent_barred(report, never)


def test_answers_acceptance_waits_or_hands_over_and_a_refusal_gives_the_case_back() -> None:
    origin = case()
    assert transfer.origin_after_answer(origin, PEOPLE, "accepted", NOW).status == \
        Status.TRANSFERRED
    over = transfer.origin_after_answer(origin, TAKE_OVER, "accepted", NOW)
    assert (over.status, over.disposition, over.closed_at, over.transfer_out) == (
        Status.CLOSED, "transferred", NOW, None)
    for decision in ("declined", "returned"):
        back = transfer.origin_after_answer(origin, PEOPLE, decision, NOW)
        assert (back.status, back.held_from, back.transfer_out) == (
            Status.INVESTIGATING, "", None)
    assert transfer.answerable("returned", "accepted")
    assert not transfer.answerable("declined", "accepted")
    assert not transfer.answerable("bogus", "offered")


def test_a_case_taken_over_is_not_returned() -> None:
    linked = case(status=Status.ASSIGNED, transfer_out=None,
                  transfer_in=Inbound("t1", "jurisdiction_transfer", "center-a",
                                      on_accept="close"))
    assert "cannot be returned" in transfer.return_barred(linked, "accepted")
    assert transfer.return_barred(linked, "offered") is None
    waiting = replace(linked, transfer_in=replace(linked.transfer_in, on_accept="wait"))
    assert transfer.return_barred(waiting, "accepted") is None


def test_an_outcome_closes_the_origin_or_gives_it_back_and_ends_the_receivers_case() -> None:
    agreed = PEOPLE.outcome("mediation_agreement")
    failed = PEOPLE.outcome("mediation_failed")
    assert agreed is not None and failed is not None
    closed = transfer.origin_after_outcome(case(), agreed, NOW)
    assert (closed.status, closed.disposition, closed.transfer_out) == (
        Status.CLOSED, "mediated", None)
    back = transfer.origin_after_outcome(case(), failed, NOW)
    assert (back.status, back.disposition) == (Status.INVESTIGATING, "")
    receiver = case(status=Status.ASSIGNED, transfer_out=None,
                    transfer_in=Inbound("t1", "people_mediation", "hospital-a"))
    assert receiver.owes_outcome
    ended = transfer.receiver_after_outcome(receiver, failed)
    assert (ended.status, ended.disposition, ended.owes_outcome) == (
        Status.CLOSED, "concluded", False)
    assert transfer.amount_words(1_234_500) == " (12,345.00 元)"
    assert transfer.amount_words(None) == ""

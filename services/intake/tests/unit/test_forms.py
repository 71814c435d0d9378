"""Each tenant kind's form, as the demo seed defines it, applied to real-looking submissions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from casebridge_platform.devstack import ROOT
from intake.domain import forms, model

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
KINDS = json.loads((ROOT / "deploy/seed/demo-tenants.json").read_text("utf-8"))["tenant_kinds"]
PERSON = model.Contact(name="李四", phone="13900000000")


def form(kind: str) -> forms.Form:
    return forms.form_of(kind, KINDS[kind])


def check(draft: model.Draft, kind: str) -> dict[str, str]:
    return model.validate(draft, form(kind), frozenset(), now=NOW)


def complaint(**fields: object) -> model.Draft:
    return replace(model.Draft(kind="complaint", channel="visit", content="内容",
                               anonymous=False, complainant=PERSON), **fields)


def test_every_kind_in_the_seed_reads_as_a_form() -> None:
    seeded = {t["kind"] for t in json.loads(
        (ROOT / "deploy/seed/demo-tenants.json").read_text("utf-8"))["tenants"]}
    assert seeded | {"tourism_bureau"} <= set(KINDS)
    for kind in KINDS:
        assert form(kind).duplicate_window_days > 0


def test_hospital_patient_details_are_typed_and_unknown_ones_named() -> None:
    good = complaint(details={"patient_name": "王小明", "patient_sex": "男",
                              "patient_age": "67", "inpatient_number": "ZY2026001"})
    assert check(good, "hospital") == {}
    bad = complaint(details={"patient_sex": "M", "patient_age": "151", "ward": "3"})
    errors = check(bad, "hospital")
    assert errors["details.patient_sex"] == "must be one of 男, 女"
    assert errors["details.patient_age"] == "must be a whole number 0–150"
    assert errors["details.ward"].startswith("not a field for a 医院 complaint; allowed: "
                                             "patient_name, patient_sex, patient_age")
    assert check(complaint(details={"patient_age": "六十"}), "hospital") == {
        "details.patient_age": "must be a whole number 0–150"}
    assert check(complaint(details={"patient_name": "x" * 501}), "hospital") == {
        "details.patient_name": "must be at most 500 characters"}


def test_hospital_records_the_time_of_death_as_a_date_and_time() -> None:
    """《医疗纠纷预防和处理条例》第二十六条 counts 48 hours from the death: the form takes it."""
    assert check(complaint(details={"death_time": "2026-03-09T22:30"}), "hospital") == {}
    assert check(complaint(details={"death_time": "昨晚"}), "hospital") == {
        "details.death_time": "must be an ISO date and time (YYYY-MM-DDTHH:MM, Beijing time)"}


def test_hospital_takes_anonymous_complaints_but_a_named_one_needs_name_and_phone() -> None:
    assert check(complaint(anonymous=True, complainant=model.Contact()), "hospital") == {}
    by_letter = complaint(complainant=model.Contact(name="李四", address="某路1号"))
    assert check(by_letter, "hospital") == {
        "complainant.phone": "required for a 医院 complaint"}


def test_company_dates_and_return_wish() -> None:
    good = complaint(details={"product": "电水壶", "batch_number": "B2026-01",
                              "order_date": "2026-02-01", "ship_date": "2026-02-03",
                              "return_wanted": "true"})
    assert check(good, "company") == {}
    bad = complaint(details={"order_date": "2026-02-05", "ship_date": "2026-02-03",
                             "return_wanted": "yes"})
    assert check(bad, "company") == {
        "details.ship_date": "must not be before details.order_date",
        "details.return_wanted": 'must be "true" or "false"'}
    assert check(complaint(details={"order_date": "2月1日"}), "company") == {
        "details.order_date": "must be an ISO date (YYYY-MM-DD)"}


def test_12315_complaints_carry_what_article_9_asks_and_are_never_anonymous() -> None:
    anonymous = check(complaint(anonymous=True, complainant=model.Contact()), "consumer_center")
    assert set(anonymous) == {"complainant", "respondent.unit", "demands", "facts"}
    assert "does not take anonymous complaints" in anonymous["complainant"]
    assert "report" in anonymous["complainant"]
    assert anonymous["respondent.unit"] == ("required for a 12315 消费者投诉举报中心 complaint "
                                            "(or details.business_name)")
    full = complaint(complainant=replace(PERSON, address="上海市黄浦区1号"),
                     details={"business_name": "某超市"}, demands="退一赔三",
                     facts="购买的牛奶已过期")
    assert check(full, "consumer_center") == {}
    assert set(check(replace(full, complainant=PERSON), "consumer_center")) == {
        "complainant.address"}


def test_reports_need_only_content_and_may_be_anonymous_everywhere() -> None:
    report = model.Draft(kind="report", channel="web", content="某超市销售过期食品",
                         anonymous=True)
    for kind in KINDS:
        assert check(report, kind) == {}, kind
    assert set(check(replace(report, content=" "), "consumer_center")) == {"content"}


def test_tourism_needs_the_agency_and_records_nationality_and_itinerary() -> None:
    good = complaint(respondent=model.Respondent(unit="某某国际旅行社"), demands="退还自费项目费用",
                     facts="导游强迫购物",
                     details={"nationality": "德国", "itinerary": "北京—西安—桂林",
                              "contract_number": "LY-2026-0042"})
    assert check(good, "tourism_bureau") == {}
    bare = check(complaint(details={"passport": "X1"}), "tourism_bureau")
    assert set(bare) == {"respondent.unit", "demands", "facts", "details.passport"}
    assert "nationality, itinerary, contract_number" in bare["details.passport"]
    assert "complainant" in check(complaint(anonymous=True, complainant=model.Contact(),
                                            respondent=model.Respondent(unit="某旅行社"),
                                            demands="d", facts="f"), "tourism_bureau")


def test_a_seed_that_requires_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError, match="details.patient_nme"):
        forms.form_of("hospital", {**KINDS["hospital"],
                                   "required": ["content", "details.patient_nme"]})
    with pytest.raises(ValueError, match="type"):
        forms.form_of("x", {"details": {"a": {"type": "float"}}})

"""Intake's rules for a valid submission, case numbers and access codes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from intake.domain import model
from intake.domain.forms import Form

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 in Asia/Shanghai
PERSON = model.Contact(name="张三", phone="138 0000 0000")
DRAFT = model.Draft(kind="complaint", channel="phone", content="多收费用", anonymous=False,
                    complainant=PERSON)
CATEGORIES = frozenset({"医疗收费", "护理质量"})
LENIENT = Form(kind="hospital")


def check(draft: model.Draft, form: Form = LENIENT) -> dict[str, str]:
    return model.validate(draft, form, CATEGORIES, now=NOW)


def test_a_complete_draft_is_valid() -> None:
    assert check(DRAFT) == {}
    assert check(replace(DRAFT, category="医疗收费")) == {}


def test_each_fault_is_named() -> None:
    bad = replace(DRAFT, kind="praise", channel="pigeon", content="  ",
                  complainant=replace(PERSON, phone="x"))
    assert set(check(bad)) == {"kind", "channel", "content", "complainant.phone"}
    assert "unknown category" in check(replace(DRAFT, category="天气"))["category"]


def test_a_real_name_complainant_is_a_person_or_unit_reachable_somehow() -> None:
    anonymous = replace(DRAFT, anonymous=True, complainant=model.Contact())
    assert check(anonymous) == {}
    assert set(check(replace(DRAFT, complainant=replace(PERSON, name="")))) == {
        "complainant.name"}
    unit_by_letter = model.Contact(unit="某某公司", address="北京市东城区1号")
    assert check(replace(DRAFT, complainant=unit_by_letter)) == {}
    unreachable = check(replace(DRAFT, complainant=model.Contact(name="张三")))
    assert unreachable == {"complainant.phone": "required: a phone number, or "
                                                "complainant.address or complainant.email"}
    assert set(check(replace(DRAFT, complainant=replace(PERSON, email="not-mail")))) == {
        "complainant.email"}


def test_referrals_name_who_forwarded_them() -> None:
    referral = replace(DRAFT, channel="petition_office")
    assert set(check(referral)) == {"referred_by"}
    assert check(replace(referral, referred_by="市信访局")) == {}


def test_circumstances_come_from_the_vocabulary() -> None:
    assert check(replace(DRAFT, circumstances=("media", "death"))) == {}
    error = check(replace(DRAFT, circumstances=("media", "angry")))["circumstances"]
    assert error.startswith("unknown: angry; allowed: compensation, safety")


def test_a_claim_is_in_non_negative_yuan_and_implies_compensation() -> None:
    bad = replace(DRAFT, claimed_amount=model.Money(-100, "USD"))
    assert check(bad) == {"claimed_amount.currency": "must be CNY",
                          "claimed_amount.amount_fen": "must not be negative"}
    claim = replace(DRAFT, claimed_amount=model.Money(50_000, "CNY"), circumstances=("media",))
    assert check(claim) == {}
    assert model.accepted(claim).circumstances == ("media", "compensation")
    nothing = replace(DRAFT, claimed_amount=model.Money(0, "CNY"))
    assert model.accepted(nothing).circumstances == ()


def test_the_incident_time_is_an_iso_time_not_in_the_future() -> None:
    for fine in ("2026-03-10", "2026-03-09T23:30", "2026-03-10 11:59", "2026-03-10T03:00Z"):
        assert check(replace(DRAFT, incident_time=fine)) == {}, fine
    assert check(replace(DRAFT, incident_time="2026-03-11"))["incident_time"] == \
        "must not be in the future"
    assert check(replace(DRAFT, incident_time="2026-03-10T12:30"))["incident_time"] == \
        "must not be in the future"  # 12:30 Shanghai is after 12:00 Shanghai
    assert "ISO 8601" in check(replace(DRAFT, incident_time="上周三"))["incident_time"]


def test_a_receipt_before_registration_is_kept_within_30_days() -> None:
    assert check(replace(DRAFT, received_at=NOW - timedelta(days=3))) == {}
    assert check(replace(DRAFT, received_at=NOW + timedelta(hours=1)))["received_at"] == \
        "must not be in the future"
    assert "within the last 30 days" in check(
        replace(DRAFT, received_at=NOW - timedelta(days=31)))["received_at"]


def test_the_complainant_is_written_to_in_chinese_or_english() -> None:
    assert check(replace(DRAFT, locale="en")) == {}
    assert check(replace(DRAFT, locale="fr"))["locale"] == "zh-CN or en"


def test_long_text_is_refused_by_field() -> None:
    long = replace(DRAFT, complainant=replace(PERSON, name="张" * 201), incident_place="x" * 201)
    assert set(check(long)) == {"complainant.name", "incident_place"}


def test_accepting_trims_names_for_storage_and_comparison() -> None:
    draft = replace(DRAFT, complainant=model.Contact(name=" 张三 ", phone=" 13800000000 "),
                    respondent=model.Respondent(department=" 财务处 "))
    stored = model.accepted(draft)
    assert (stored.complainant.name, stored.complainant.phone) == ("张三", "13800000000")
    assert stored.respondent.department == "财务处"


def test_case_numbers_are_per_prefix_year_and_zero_padded() -> None:
    assert model.case_number("HOSP", 2026, 123) == "HOSP-2026-000123"


def test_access_codes_are_random_and_checked_by_hash_only() -> None:
    codes = {model.new_access_code() for _ in range(100)}
    assert len(codes) == 100 and all(len(c) == 12 for c in codes)
    code = codes.pop()
    digest = model.hash_access_code("HOSP-2026-000001", code)
    assert code not in digest
    assert model.hash_access_code("HOSP-2026-000001", f" {code.lower()} ") == digest
    assert model.hash_access_code("HOSP-2026-000002", code) != digest

"""Intake's rules for a valid submission, case numbers and access codes."""

from __future__ import annotations

from dataclasses import replace

from intake.domain import model

DRAFT = model.Draft(kind="complaint", channel="phone", content="多收费用", complainant_name="张三",
                    complainant_phone="138 0000 0000", anonymous=False, respondent_department="",
                    respondent_person="", category="", demands="")
CATEGORIES = frozenset({"医疗收费", "护理质量"})


def test_a_complete_draft_is_valid() -> None:
    assert model.validate(DRAFT, CATEGORIES) == {}
    assert model.validate(replace(DRAFT, category="医疗收费"), CATEGORIES) == {}


def test_each_fault_is_named() -> None:
    bad = replace(DRAFT, kind="praise", channel="pigeon", content="  ", complainant_phone="x")
    assert set(model.validate(bad, CATEGORIES)) == {"kind", "channel", "content",
                                                     "complainant.phone"}
    assert "unknown category" in model.validate(replace(DRAFT, category="天气"), CATEGORIES)[
        "category"]


def test_anonymous_needs_no_complainant_but_real_name_needs_both_fields() -> None:
    anonymous = replace(DRAFT, anonymous=True, complainant_name="", complainant_phone="")
    assert model.validate(anonymous, CATEGORIES) == {}
    nameless = replace(DRAFT, complainant_name="")
    assert set(model.validate(nameless, CATEGORIES)) == {"complainant.name"}


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

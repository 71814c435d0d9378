"""A tenant's own wording: checked before it is saved, used for that tenant only, sandboxed."""

from __future__ import annotations

import logging

import pytest
from notification.domain import rendering
from notification.domain.rendering import (
    LOCALES,
    SAMPLES,
    RenderError,
    Source,
    UnknownTemplate,
    parse,
    render,
    validate,
)

ACK = SAMPLES["acknowledgement"]
OURS = {("acknowledgement", "zh-CN"): Source(
    body="尊敬的投诉人：\n您的投诉（{{ case_number }}）已受理，"
         "我院将于 {{ due_at|local }} 前答复。",
    sms="【某某医院】投诉{{ case_number }}已受理。")}


def test_an_override_replaces_the_default_for_that_tenant_only() -> None:
    ours = render("acknowledgement", "zh-CN", ACK, overrides=OURS)
    theirs = render("acknowledgement", "zh-CN", ACK)
    assert ours.body == ("尊敬的投诉人：\n您的投诉（HOSP-2026-000007）已受理，"
                         "我院将于 2026-11-26 24:00 前答复。")
    assert ours.sms == "【某某医院】投诉HOSP-2026-000007已受理。"
    assert ours.subject == theirs.subject  # the section it did not override
    assert theirs.body.startswith("张三：您好！") and theirs.body != ours.body


def test_an_override_is_for_its_locale_and_template_only() -> None:
    assert render("acknowledgement", "en", ACK, overrides=OURS) == render("acknowledgement",
                                                                           "en", ACK)
    refusal = SAMPLES["refusal_notice"]
    assert render("refusal_notice", "zh-CN", refusal, overrides=OURS) == render(
        "refusal_notice", "zh-CN", refusal)


def test_an_unknown_locale_gets_the_tenants_zh_cn_override() -> None:
    assert render("acknowledgement", "fr", ACK, overrides=OURS) == render(
        "acknowledgement", "zh-CN", ACK, overrides=OURS)


def test_a_broken_override_falls_back_to_the_default(caplog: pytest.LogCaptureFixture) -> None:
    broken = {("acknowledgement", "zh-CN"): Source(body="{{ case_numbr }}")}
    with caplog.at_level(logging.WARNING):
        told = render("acknowledgement", "zh-CN", ACK, overrides=broken)
    assert told == render("acknowledgement", "zh-CN", ACK)
    assert "'case_numbr' is undefined" in caplog.text


def test_a_missing_variable_fails_even_with_an_override() -> None:
    context = {k: v for k, v in ACK.items() if k != "case_number"}
    with pytest.raises(RenderError, match="'case_number' is undefined"):
        render("acknowledgement", "zh-CN", context, overrides=OURS)


def test_an_overridden_sms_cannot_reach_personal_data() -> None:
    leaky = {("assignment", "zh-CN"): Source(sms="{{ case_number }} {{ contact_phone }}")}
    told = render("assignment", "zh-CN", SAMPLES["assignment"], overrides=leaky)
    assert "13800138000" not in told.sms


def test_a_line_break_in_an_overridden_subject_is_flattened() -> None:
    told = render("acknowledgement", "zh-CN", ACK, overrides={
        ("acknowledgement", "zh-CN"): Source(subject="受理\nBcc: x@example.com")})
    assert told.subject == "受理 Bcc: x@example.com"


@pytest.mark.parametrize(("name", "locale"), [(n, loc) for n in SAMPLES for loc in LOCALES])
def test_the_defaults_pass_their_own_validation(name: str, locale: str) -> None:
    source = parse((rendering.TEMPLATES_DIR / locale / f"{name}.txt").read_text("utf-8"))
    assert validate(source.subject, source.body, source.sms, name, locale=locale) == []


def test_an_english_sms_may_use_a_whole_plain_text_segment() -> None:
    sms = "Case {{ case_number }} " + "x" * 120
    assert validate(None, None, sms, "acknowledgement", locale="en") == []
    assert validate(None, None, sms + "案", "acknowledgement", locale="en") == [
        "sms: 143 characters with the sample, at most 70"]


def test_validate_names_an_undefined_variable_and_its_line() -> None:
    body = "尊敬的投诉人：\n您好！\n您的投诉（{{ case_numbr }}）已受理。"
    assert validate(None, body, None, "acknowledgement") == [
        "body line 3: 'case_numbr' is undefined"]


def test_validate_reports_each_broken_section() -> None:
    errors = validate("{{ case_number }", "{% if anonymous %}匿名", "{{ due_at|yuan }}",
                      "acknowledgement")
    assert [e.split(":")[0] for e in errors] == ["subject line 1", "body line 1", "sms line 1"]
    assert "unexpected '}'" in errors[0] and "Unexpected end of template" in errors[1]
    assert "yuan needs an amount in fen" in errors[2]


def test_validate_tells_which_keys_an_sms_may_use() -> None:
    [error] = validate(None, None, "{{ complainant_name }}", "acknowledgement")
    assert error.startswith("sms line 1: 'complainant_name' is undefined")
    assert "an SMS may only use:" in error and "case_number" in error


def test_validate_refuses_an_sms_over_one_segment_and_an_empty_subject() -> None:
    long_sms = "您的投诉" * 15 + "{{ case_number }}"
    assert validate("  ", None, long_sms, "acknowledgement") == [
        "subject: renders empty", "sms: 76 characters with the sample, at most 70"]


def test_validate_of_an_unknown_template_is_a_clear_error() -> None:
    with pytest.raises(UnknownTemplate):
        validate("x", "y", "z", "receipt")


@pytest.mark.parametrize("attack", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ case_number.__class__.__base__ }}",
    "{{ due_at.__reduce_ex__(2) }}",
])
def test_a_sandbox_escape_is_refused(attack: str) -> None:
    [error] = validate(None, f"案件\n{attack}", None, "acknowledgement")
    assert error.startswith("body line 2:") and "unsafe" in error
    attempt = {("acknowledgement", "zh-CN"): Source(body=attack)}
    told = render("acknowledgement", "zh-CN", ACK, overrides=attempt)
    assert told == render("acknowledgement", "zh-CN", ACK)


@pytest.mark.parametrize("attack", [
    "{{ 'x' * 10**9 }}", "{{ 9 ** 999999999 }}", "{{ [1] * 1000000000 }}",
    "{% for i in range(10**9) %}{% endfor %}",
])
def test_a_template_cannot_exhaust_memory(attack: str) -> None:
    [error] = validate(None, attack, None, "acknowledgement")
    assert error.startswith("body line 1:")


def test_a_template_cannot_change_its_context() -> None:
    reasons = list(SAMPLES["major_alert"]["reasons"])
    [error] = validate(None, "{{ reasons.append('x') }}", None, "major_alert")
    assert "unsafe" in error and SAMPLES["major_alert"]["reasons"] == reasons


def test_validate_refuses_a_huge_source() -> None:
    assert validate(None, "x" * 20_001, None, "acknowledgement") == [
        "body: longer than 20000 characters"]

"""Every default template in both locales, rendered with its sample context."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from notification.domain import rendering
from notification.domain.rendering import SAMPLES, RenderError, UnknownTemplate, render

CASES = [(name, locale) for name in SAMPLES for locale in rendering.LOCALES]
PHONE = re.compile(r"1[3-9]\d{9}")
# Keys whose values must never reach an SMS: the person, and free text about the case.
PRIVATE = ("complainant_name", "contact_phone", "reason", "answer_summary", "reasons",
           "survey_url", "objection", "competent_body", "notice", "receiver")
# What each notice must say, by locale.
WORDING = {
    "acknowledgement": (["受理回执", "已受理", "查询码", "https://cb.example.cn/portal"],
                        ["accepted", "access code", "https://cb.example.cn/portal"]),
    "refusal_notice": (["不予受理告知书", "不予受理", "投诉事项已由人民法院受理", "县人民法院",
                        "行政复议"],
                       ["not been accepted", "投诉事项已由人民法院受理", "县人民法院"]),
    "rights_notice": (["第二十三条", "人民调解", "行政调解", "医患双方在场", "查阅、复制",
                       "48小时内", "拒绝签字的，视为"],
                      ["Article 23", "people's mediation", "both sides present", "48 hours"]),
    "referral_notice": (["不属于本机构管辖", "已将案件移交 县卫生健康局"],
                        ["outside our remit", "transferred it to 县卫生健康局"]),
    "transfer_offered": (["【移送】", "demo-hospital", "人民调解（医疗纠纷人民调解委员会）",
                          "HOSP-2026-000012", "退回"],
                         ["[Transfer]", "their case HOSP-2026-000012", "return it"]),
    "transfer_notice": (["移送告知", "已依法移送 示范县医疗纠纷人民调解委员会（人民调解）"],
                        ["sent to 示范县医疗纠纷人民调解委员会（人民调解）", "follow its outcome"]),
    "result_notice": (["处理结果告知", "经调解", "30,000.00 元", "申请复核"],
                      ["Outcome", "经调解", "30,000.00 元", "If you disagree"]),
    "follow_up_survey": (["回访", "1–5 分", "是否已经解决", "https://cb.example.cn/s/7f3a9c"],
                         ["1 to 5", "solved", "https://cb.example.cn/s/7f3a9c"]),
    "assignment": (["已分派给您", "医疗质量", "重要", "医务处", "13800138000"],
                   ["assigned to you", "医疗质量", "important", "13800138000"]),
    "deadline_warning": (["【预警】", "将于 2026-11-26 24:00 届满", "分管院长", "总值班",
                          "第十九条"],
                         ["[Warning]", "falls due at 2026-11-26 24:00", "duty officer"]),
    "deadline_missed": (["【超时】", "已于 2026-11-26 24:00 届满", "仍未办结", "总值班"],
                        ["[Overdue]", "fell due at 2026-11-26 24:00", "still open"]),
    "deadline_escalated": (["【升级】", "逐级上报至 分管院长", "通报对象：分管领导、医务处、总值班",
                            "非工作时间，已同时通知总值班"],
                           ["[Escalated]", "escalated to 分管院长", "duty officer (总值班)"]),
    "major_alert": (["【危机投诉】", "通报：分管领导", "- 患者死亡", "- 媒体介入"],
                    ["[Crisis complaint", "Told: leadership", "- 患者死亡"]),
    "regulator_report": (["【监管通报】", "county-hospital-1", "2026-11", "4 件", "阈值 3 件",
                          "HOSP-2026-000010、HOSP-2026-000012"],
                         ["[Supervision", "missed 4", "threshold: 3",
                          "HOSP-2026-000010, HOSP-2026-000012"]),
}


def test_every_template_has_one_file_per_locale_and_its_wording_is_checked() -> None:
    for locale in rendering.LOCALES:
        files = {p.stem for p in (rendering.TEMPLATES_DIR / locale).glob("*.txt")}
        assert files == set(SAMPLES)
    assert set(WORDING) == set(SAMPLES)


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_each_template_renders_its_sample_with_the_key_content(name: str, locale: str) -> None:
    sample = SAMPLES[name]
    told = render(name, locale, sample)
    assert told.subject and told.body and told.sms
    assert "\n" not in told.subject and "\n" not in told.sms
    for number in [sample["case_number"]] if "case_number" in sample else sample["case_numbers"]:
        assert number in told.body
    if "case_number" in sample:
        assert sample["case_number"] in told.subject and sample["case_number"] in told.sms
    for words in WORDING[name][rendering.LOCALES.index(locale)]:
        assert words in told.body or words in told.subject, words


@pytest.mark.parametrize(("name", "locale"), [c for c in CASES if "due_at" in SAMPLES[c[0]]])
def test_a_midnight_deadline_is_shown_as_24_00_of_the_day_before(name: str, locale: str) -> None:
    told = render(name, locale, SAMPLES[name])
    assert "2026-11-26 24:00" in told.body and "2026-11-27" not in told.body


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_the_sms_is_one_segment_and_carries_no_personal_data(name: str, locale: str) -> None:
    sample = SAMPLES[name]
    sms = render(name, locale, sample).sms
    # One segment: 70 characters once any Chinese is in it (UCS-2), else 160 (GSM 7-bit).
    assert len(sms) <= (160 if sms.isascii() else 70), sms
    assert locale != "zh-CN" or len(sms) <= 70
    assert not PHONE.search(sms)
    for key in PRIVATE:
        values = sample.get(key) or []
        for value in values if isinstance(values, list) else [values]:
            assert value not in sms, (key, sms)


def test_zh_cn_is_the_authoritative_wording_and_en_is_english() -> None:
    zh = render("refusal_notice", "zh-CN", SAMPLES["refusal_notice"])
    en = render("refusal_notice", "en", SAMPLES["refusal_notice"])
    assert zh.subject.startswith("不予受理告知书") and "不予受理" in zh.sms
    assert en.subject.startswith("Notice of non-acceptance") and "not accepted" in en.sms


@pytest.mark.parametrize("locale", ["fr", "", "zh", "zh_CN", "ZH-cn"])
def test_an_unknown_locale_falls_back_to_zh_cn(locale: str) -> None:
    sample = SAMPLES["acknowledgement"]
    assert render("acknowledgement", locale, sample) == render("acknowledgement", "zh-CN", sample)


@pytest.mark.parametrize("locale", ["en-US", "en_GB", "EN"])
def test_a_regional_english_gets_english(locale: str) -> None:
    sample = SAMPLES["acknowledgement"]
    assert render("acknowledgement", locale, sample) == render("acknowledgement", "en", sample)


@pytest.mark.parametrize("name", ["receipt", "../zh-CN/acknowledgement", ""])
def test_an_unknown_template_is_a_clear_error(name: str) -> None:
    with pytest.raises(UnknownTemplate, match="no template named"):
        render(name, "zh-CN", {})


def test_a_missing_variable_is_an_error_not_an_empty_string() -> None:
    context = {k: v for k, v in SAMPLES["refusal_notice"].items() if k != "reason"}
    with pytest.raises(RenderError, match="'reason' is undefined") as raised:
        render("refusal_notice", "zh-CN", context)
    assert raised.value.section == "body" and raised.value.line == 5


def test_a_missing_variable_given_to_a_filter_names_the_variable() -> None:
    context = {k: v for k, v in SAMPLES["assignment"].items() if k != "due_at"}
    with pytest.raises(RenderError, match="'due_at' is undefined"):
        render("assignment", "en", context)


def test_the_anonymous_receipt_insists_on_the_access_code() -> None:
    told = render("acknowledgement", "zh-CN",
                  {**SAMPLES["acknowledgement"], "anonymous": True, "complainant_name": ""})
    assert "匿名投诉，只能凭查询码查询" in told.body and told.body.startswith("您好")
    en = render("acknowledgement", "en", {**SAMPLES["acknowledgement"], "anonymous": True})
    assert "anonymous case: the access code is the only way" in en.body


def test_a_referral_not_transferred_says_where_to_go() -> None:
    context = {**SAMPLES["referral_notice"], "transferred": False}
    told = render("referral_notice", "zh-CN", context)
    assert "请您向 县卫生健康局 反映" in told.body and "移交" not in told.body
    assert "Please take it to 县卫生健康局" in render("referral_notice", "en", context).body


def test_a_result_without_money_leaves_the_amount_out() -> None:
    told = render("result_notice", "zh-CN", {**SAMPLES["result_notice"], "amount_fen": None})
    assert "退赔金额" not in told.body and "元" not in told.body


def test_an_anonymous_case_is_assigned_without_contact_details() -> None:
    context = {**SAMPLES["assignment"], "complainant_name": "", "contact_phone": ""}
    told = render("assignment", "zh-CN", context)
    assert "投诉人信息见系统中的案件详情" in told.body and "13800138000" not in told.body


def test_an_alert_without_reasons_still_reads() -> None:
    told = render("major_alert", "zh-CN", {**SAMPLES["major_alert"], "reasons": []})
    assert "依据：\n- —" in told.body


def test_escalation_during_office_hours_does_not_mention_the_duty_officer() -> None:
    context = {**SAMPLES["deadline_escalated"], "off_hours": False, "rung_title": "",
               "audiences": ["role:complaint_office", "user:u-17"]}
    told = render("deadline_escalated", "zh-CN", context)
    assert "总值班" not in told.body + told.sms and "上报至 上一级" in told.body
    assert "通报对象：投诉管理部门、责任人" in told.body


# The filters on their own.
SHANGHAI = timezone(timedelta(hours=8))


@pytest.mark.parametrize(("moment", "shown"), [
    (datetime(2026, 11, 26, 16, tzinfo=UTC), "2026-11-26 24:00"),
    (datetime(2026, 11, 27, tzinfo=SHANGHAI), "2026-11-26 24:00"),
    (datetime(2026, 12, 31, 16, tzinfo=UTC), "2026-12-31 24:00"),
    (datetime(2026, 11, 26, 1, 30, tzinfo=UTC), "2026-11-26 09:30"),
    (datetime(2026, 11, 26, 16, 0, 1, tzinfo=UTC), "2026-11-27 00:00"),
])
def test_local_shows_shanghai_time_and_midnight_as_24_00(moment: datetime, shown: str) -> None:
    assert rendering.local(moment) == shown


def test_local_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        rendering.local(datetime(2026, 11, 26))


@pytest.mark.parametrize(("fen", "shown"), [
    (3_000_000, "30,000.00 元"), (0, "0.00 元"), (5, "0.05 元"),
    (123_456_789, "1,234,567.89 元"), (-1_050, "-10.50 元"),
])
def test_yuan_formats_fen_as_yuan(fen: int, shown: str) -> None:
    assert rendering.yuan(fen) == shown


@pytest.mark.parametrize("amount", [300.5, "3000", True])
def test_yuan_refuses_anything_but_whole_fen(amount: object) -> None:
    with pytest.raises(TypeError):
        rendering.yuan(amount)  # type: ignore[arg-type]  # wrong types are the point


def test_a_template_file_needs_its_three_sections_in_order() -> None:
    with pytest.raises(ValueError, match="needs"):
        rendering.parse("=== body ===\nx\n=== subject ===\ny\n=== sms ===\nz\n")
    parsed = rendering.parse("=== subject ===\nS\n=== body ===\nB\n\n=== sms ===\nM\n")
    assert parsed == rendering.Source(subject="S", body="B", sms="M")

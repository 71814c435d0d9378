"""The case page tells every timeline entry in the reader's language: each entry type the
services write has words in zh-CN and English, the details are read from the services' own
sentences (built here with their own functions where they have one), moments are Beijing time,
and an unknown type shows its stored summary — as text."""

from __future__ import annotations

import pytest
from case.domain import model
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from escalation.domain.policy import ClockRule
from gateway.web import i18n, timeline
from gateway.web.case_page import entry_words
from gateway.web.pages import templates

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
# entries other than the actions and model.Entry (handlers.py, inbound.py)
OTHERS = ["possible_duplicate", "deadline_warning", "deadline_breach", "deadline_escalated",
          "transfer_accepted", "transfer_declined", "transfer_returned", "transfer_outcome",
          "transfer_withdrawn"]
KNOWN = sorted({*model.RULES, *(e.value for e in model.Entry), *OTHERS})
TELL = {lang: timeline.Teller(lang, {"answer_simple": "一般投诉答复"}) for lang in (i18n.ZH,
                                                                                   i18n.EN)}


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def told(lang: str, type_: str, summary: str) -> str:
    return TELL[lang](case_pb2.TimelineEntry(type=type_, summary=summary))


@pytest.mark.parametrize("type_", KNOWN)
def test_every_entry_type_has_words_in_chinese_and_english(type_: str) -> None:
    forms = timeline.FORMS.get(type_)
    assert forms, f"no words for the timeline entry {type_}"
    last = forms[-1]
    assert last.pattern is None, f"{type_}: the last form is told without details"
    assert chinese(last.zh) and last.en and not chinese(last.en), (type_, last)
    assert all(form.zh and form.en for form in forms), type_
    # an English sentence the patterns do not know is still told in words of the type
    assert told(i18n.ZH, type_, "something new") in (last.zh, "something new")
    assert chinese(entry_words(i18n.ZH, type_)) and not chinese(entry_words(i18n.EN, type_))


ROUTED = model.routed_summary("医疗质量", "医务处", "hosp-h4a", "keywords 手术, 诊断")
CASES = [
    ("received", model.received_summary("visit", "complaint", "HOSP-2026-000001"),
     "登记受理，编号 HOSP-2026-000001，来源渠道：来访", "received as HOSP-2026-000001 via visit"),
    ("routed", ROUTED, "已分派给医务处，承办人 hosp-h4a（类别：医疗质量）",
     "routed to 医务处, handler hosp-h4a (category 医疗质量)"),
    ("routed", model.routed_summary("", "投诉办", "", "no rule (fallback)") +
     " — received off-hours: held by the on-duty officer until 2026-12-04T00:30:00+00:00",
     "已分派给投诉办（类别：未分类）；非工作时间受理，由值班人员暂管至 2026-12-04 08:30",
     "routed to 投诉办 (category unclassified); received off-hours, held by the on-duty "
     "officer until 2026-12-04 08:30"),
    ("deadline_set", "answer_simple running, due 2026-12-09T16:00:00+00:00 (3 working days "
     "(seed 000 医院投诉管理制度))", "设定期限：一般投诉答复，至 2026-12-09 24:00",
     "deadline set: 一般投诉答复, due 2026-12-09 24:00"),
    ("deadline_set", "answer_simple stopped, due 2026-12-09T06:05:00+00:00 (3 working days)",
     "一般投诉答复停止计时（期限 2026-12-09 14:05）",
     "一般投诉答复 stopped (was due 2026-12-09 14:05)"),
    ("deadline_set", "other_clock paused while the case is on hold",
     "other_clock暂停计时（案件中止办理期间）", "other_clock paused while the case is on hold"),
    ("notified", "acknowledgement delivered via in_app to complainant",
     "已通过站内通知向投诉人发送受理回执（已送达）",
     "acknowledgement sent via in-app to the complainant (delivered)"),
    ("accept", "accepted (受理), handler hosp-h4a", "已受理，承办人 hosp-h4a",
     "accepted, handler hosp-h4a"),
    ("accept", "accepted (受理), awaiting a handler; demo-12315 is told (accepted)",
     "已受理，待分派承办人；已告知demo-12315",
     "accepted, awaiting a handler; demo-12315 is told"),
    ("deadline_breach", "answer_simple deadline missed: due 2026-12-09 24:00 (3 working days); "
     "escalated to 科室主任, told role:supervisor, user:h1, on_duty",
     "一般投诉答复已超期（期限 2026-12-09 24:00）；已升级至“科室主任”，已通知主管、h1、值班人员",
     "一般投诉答复 deadline missed (due 2026-12-09 24:00); escalated to 科室主任, told "
     "supervisor, h1, the on-duty officer"),
    ("record_investigation", "interview complainant: 患者钱七", "约谈投诉人：患者钱七",
     "interview with the complainant: 患者钱七"),
    ("propose", "proposal made (处理意见), compensation 800.00 元; needs approval by supervisor",
     "提出处理意见，需主管审批；赔偿/补偿 800.00 元",
     "proposal made; needs approval by a supervisor; compensation 800.00 元"),
    ("answer", "answered (书面)", "已书面答复投诉人", "answered in writing"),
    ("close", "closed (办结): resolved", "办结：已解决", "closed: resolved"),
    ("hold", "on hold: waiting for appraisal", "中止办理：等待鉴定",
     "on hold: waiting for an appraisal"),
    ("record_milestone", model.milestone_summary("first_contact", "电话联系; happened at "
                                                 "2026-12-03 14:05"),
     "记录节点：首次联系投诉人——电话联系（发生于 2026-12-03 14:05）",
     "milestone: first contact — 电话联系 (happened at 2026-12-03 14:05)"),
    ("add_material", "material added by complainant; file 病历.pdf (application/pdf, 1200 "
     "bytes, SHA-256 " + "a" * 64 + "); the awaited material arrived, handling resumes",
     "补充材料（投诉人提交）；附件：病历.pdf；所待材料已到，恢复办理",
     "material added by the complainant; files: 病历.pdf; the awaited material arrived, "
     "handling resumes"),
]


@pytest.mark.parametrize(("type_", "summary", "zh", "en"), CASES)
def test_an_entry_is_told_from_its_details(type_: str, summary: str, zh: str, en: str) -> None:
    assert told(i18n.ZH, type_, summary) == zh
    assert told(i18n.EN, type_, summary) == en


def test_an_unknown_entry_shows_its_summary_and_markup_in_any_entry_stays_text() -> None:
    assert told(i18n.ZH, "something_new", "a new kind of entry") == "a new kind of entry"
    page = templates.env.from_string("<td>{{ told(e) }}</td>")
    for type_, summary in (("something_new", HOSTILE), ("add_note", HOSTILE),
                           ("record_investigation", f"interview witness: {HOSTILE}")):
        html = page.render(told=TELL[i18n.ZH], e=case_pb2.TimelineEntry(type=type_,
                                                                       summary=summary))
        assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_a_deadline_moved_past_a_holiday_is_explained_in_the_readers_language() -> None:
    clock = escalation_pb2.ClockExplanation(unit="working_days", moved_over=[
        escalation_pb2.NamedDay(date="2026-10-01", name="国庆节")])
    zh, en = timeline.moved_why(i18n.ZH, clock), timeline.moved_why(i18n.EN, clock)
    assert zh.startswith("期间的最后一日 2026-10-01（国庆节）是法定休假日") and "第二百零三条" in zh
    assert en.startswith("the period's last day 2026-10-01 (国庆节) is a statutory holiday")
    assert "收到当日不计入" in timeline.convention(i18n.ZH, clock)
    assert timeline.convention(i18n.EN, clock).startswith("receipt day not counted")
    assert timeline.moved_why(i18n.ZH, escalation_pb2.ClockExplanation()) == ""


def test_a_clocks_rule_reads_in_chinese_with_its_source() -> None:
    rule = ClockRule(name="answer", title="一般投诉答复", amount=3, unit="working_days",
                     cite="seed 000 医院投诉管理制度：<b>三个工作日</b>",
                     starts_on="received").rule
    zh = timeline.rule_words(i18n.ZH, rule)
    assert zh == "一般投诉答复；依据：seed 000 医院投诉管理制度：<b>三个工作日</b>"
    assert "working days" not in zh
    assert timeline.rule_words(i18n.EN, rule) == rule     # the English page: as written
    assert timeline.rule_words(i18n.ZH, "a rule of another shape") == "a rule of another shape"

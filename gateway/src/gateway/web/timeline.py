"""办理记录 in words: each timeline entry told from its type and its details, in the reader's
language (zh-CN or English), its moments in Beijing time.

The services store one English sentence per entry (`summary`, written in case.service_layer:
actions, handlers, inbound, outbound); the page does not show it as is. Each entry type has
its forms below: a pattern that reads the details out of the stored sentence, and the words
for each language. The first form whose pattern matches the whole sentence is used; every
known type ends with a form without details, so a sentence the patterns no longer match is
still told in the reader's language; an unknown type shows its stored summary. The result is
plain text, never markup: the template escapes it, so a note or a reason holding HTML stays
text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casebridge_platform.calendar import MOVED_CITE

from gateway.web import i18n
from gateway.web.pages import deadline, local


@dataclass(frozen=True)
class Form:
    """One way an entry reads: `pattern` (None: any sentence) and its words, zh-CN and en;
    each tail (group, zh, en) is added when its group matched."""

    pattern: str | None
    zh: str
    en: str
    tails: tuple[tuple[str, str, str], ...] = ()

    def match(self, summary: str) -> dict[str, str] | None:
        if self.pattern is None:
            return {}
        found = re.fullmatch(self.pattern, summary, re.DOTALL)
        return None if found is None else {k: v for k, v in found.groupdict().items() if v}


def _told(zh: str = "；已告知{peer}", en: str = "; {peer} is told") -> tuple[str, str, str]:
    return ("peer", zh, en)


TOLD = r"(?:; (?P<peer>\S+) is told(?: \(\w+\))?)?"   # outbound.answer / outbound.withdraw
ROUTED = (r"routed to (?P<dept>.*?)(?:, handler (?P<handler>\S+))? \(category (?P<category>.*?);"
          r" .*?\)(?: — received off-hours: held by the on-duty officer until (?P<until>\S+))?"
          r"(?: — spans (?P<depts>.*): a lead is to be named)?")
ROUTED_TAILS = (("handler", "，承办人 {handler}", ", handler {handler}"),
                ("category", "（类别：{category}）", " (category {category})"),
                ("until", "；非工作时间受理，由值班人员暂管至 {until}",
                 "; received off-hours, held by the on-duty officer until {until}"),
                ("depts", "；涉及{depts}，待指定牵头部门",
                 "; spans {depts}: a lead department is to be named"))
TIMER = r"(?P<clock>\S+) deadline {what}: due (?P<due>[\d\- :]+) \(.*?\)" \
        r"(?:; escalated to (?P<rung>.*?), told (?P<audiences>.*))?"
RUNG = (("rung", "；已升级至“{rung}”，已通知{audiences}",
         "; escalated to {rung}, told {audiences}"),)
TRANSFER_WHY = r" \((?P<why>.*)\)"

# entry type → its forms, the last one without details
FORMS: Mapping[str, tuple[Form, ...]] = {
    # written by events
    "received": (Form(r"\S+ (?P<number>\S+) received via (?P<channel>\S+)",
                      "登记受理，编号 {number}，来源渠道：{channel}",
                      "received as {number} via {channel}"),
                 Form(None, "登记受理", "received")),
    "routed": (Form(ROUTED, "已分派给{dept}", "routed to {dept}", ROUTED_TAILS),
               Form(None, "已自动分派", "routed")),
    "assigned": (Form(ROUTED + r"(?:; no other handler is available, it stays with \S+)?",
                      "已改派给{dept}", "reassigned to {dept}", ROUTED_TAILS),
                 Form(None, "已分派承办人", "assigned")),
    "handed_over": (Form(ROUTED, "值班移交：已分派给{dept}", "handed over: routed to {dept}",
                         ROUTED_TAILS),
                    Form(None, "值班移交", "handed over")),
    "deadline_set": (
        Form(r"(?P<clock>\S+) running, due (?P<due>\S+) \(.*\)",
             "设定期限：{clock}，至 {due}", "deadline set: {clock}, due {due}"),
        Form(r"(?P<clock>\S+) stopped, due (?P<due>\S+) \(.*\)",
             "{clock}停止计时（期限 {due}）", "{clock} stopped (was due {due})"),
        Form(r"(?P<clock>\S+) paused while the case (?P<waiting>.*)",
             "{clock}暂停计时（{waiting}）", "{clock} paused while the case {waiting}"),
        Form(None, "设定办理时限", "deadline set")),
    "notified": (Form(r"(?P<template>\S+) (?P<status>\S+) via (?P<via>\S+) to (?P<recipient>\S+)",
                      "已通过{via}向{recipient}发送{template}（{status}）",
                      "{template} sent via {via} to {recipient} ({status})"),
                 Form(None, "已通知", "notified")),
    "severity": (Form(r"severity (?P<severity>\S+): open for a month — alerted (?P<audiences>.*)",
                      "评定为{severity}（逾一个月未办结），已通报{audiences}",
                      "rated {severity} (open for a month); alerted {audiences}"),
                 Form(r"severity (?P<severity>\S+): .* — alerted (?P<audiences>.*)",
                      "评定为{severity}，已通报{audiences}", "rated {severity}; alerted "
                      "{audiences}"),
                 Form(None, "等级评定", "severity assessed")),
    "reported": (Form(r"reported to the health authority (?P<authority>\S+) \((?P<cite>.*)\)",
                      "已报告卫生健康主管部门 {authority}（{cite}）",
                      "reported to the health authority {authority} ({cite})"),
                 Form(None, "已报告卫生健康主管部门", "reported to the health authority")),
    "transferred_in": (
        Form(r"sent by (?P<sender>\S+) along (?P<path>.*) \(their case (?P<number>\S*)\); "
             r"accept it, decline it \(refuse\) or return it \(退回\)"
             r"(?P<gone>; the complainant has since withdrawn it there)?",
             "{sender}经{path}转来（对方案件编号 {number}），可受理、不予受理或退回",
             "sent by {sender} along {path} (their case {number}): accept, refuse or return it",
             (("gone", "；投诉人已在对方撤回", "; the complainant has since withdrawn it "
               "there"),)),
        Form(None, "外机构转来", "transferred in")),
    "possible_duplicate": (Form(r"may repeat (?P<numbers>.*)", "可能与 {numbers} 重复",
                                "may repeat {numbers}"),
                           Form(None, "疑似重复投诉", "possible duplicate")),
    "deadline_warning": (Form(TIMER.format(what="approaching"), "{clock}即将到期（期限 {due}）",
                              "{clock} deadline approaching (due {due})", RUNG),
                         Form(None, "期限预警", "deadline approaching")),
    "deadline_breach": (Form(TIMER.format(what="missed"), "{clock}已超期（期限 {due}）",
                             "{clock} deadline missed (due {due})", RUNG),
                        Form(None, "已超期", "deadline missed")),
    "deadline_escalated": (Form(TIMER.format(what=r"(?:still missed|missed|approaching)"),
                                "{clock}超期未办结（期限 {due}）",
                                "{clock} deadline still missed (due {due})", RUNG),
                           Form(None, "超期升级", "deadline escalated")),
    # written by staff actions
    "accept": (Form(r"accepted \(受理\)"
                    r"(?:, handler (?P<handler>\S+)|(?P<awaiting>, awaiting a handler))"
                    r"(?:; past the three-year bar \(.*?\), because: (?P<because>.*?))?" + TOLD,
                    "已受理", "accepted",
                    (("handler", "，承办人 {handler}", ", handler {handler}"),
                     ("awaiting", "，待分派承办人", ", awaiting a handler"),
                     ("because", "；已超过三年时效，仍予受理的理由：{because}",
                      "; past the three-year bar, accepted because: {because}"), _told())),
               Form(None, "已受理", "accepted")),
    "refuse": (Form(r"refused \(不予受理\); written notice issued" + TOLD,
                    "不予受理，已出具不予受理告知书", "refused; written notice issued",
                    (_told(),)),
               Form(None, "不予受理", "refused")),
    "refer": (Form(r"not ours: (?P<body>.*) is competent; the case is to be transferred",
                   "不属本机构处理范围，移送有权机关：{body}",
                   "not ours: to be transferred to {body}, the competent body"),
              Form(r"not ours: (?P<body>.*) is competent; the complainant is told where to go",
                   "不属本机构处理范围，告知投诉人向{body}提出",
                   "not ours: the complainant is told to go to {body}"),
              Form(None, "告知或移送有权机关", "referred elsewhere")),
    "assign": (Form(r"reassignment requested within (?P<dept>.*)", "申请在{dept}内重新分派",
                    "reassignment requested within {dept}"),
               Form(None, "申请重新分派", "reassignment requested")),
    "start_investigation": (Form(None, "开始调查核实", "investigation started"),),
    "record_investigation": (Form(r"(?P<record>[a-z ]+): (?P<subject>.*)", "{record}：{subject}",
                                  "{record}: {subject}"),
                             Form(None, "记录调查", "investigation recorded")),
    "propose": (Form(r"proposal made \(处理意见\)(?:, compensation (?P<amount>[\d.,]+) 元)?; "
                     r"needs approval by (?P<role>\S+)",
                     "提出处理意见，需{role}审批", "proposal made; needs approval by a {role}",
                     (("amount", "；赔偿/补偿 {amount} 元", "; compensation {amount} 元"),)),
                Form(None, "提出处理意见", "proposal made")),
    "approve_proposal": (Form(r"proposal approved by (?P<role>\S+) (?P<user>\S+)",
                              "处理意见经{role} {user} 审批通过",
                              "proposal approved by {user} ({role})"),
                         Form(None, "处理意见审批通过", "proposal approved")),
    "reject_proposal": (Form(None, "处理意见退回，需进一步调查核实",
                             "proposal sent back for further investigation"),),
    "answer": (Form(r"answered \(书面\)", "已书面答复投诉人", "answered in writing"),
               Form(r"answered \(口头\)", "已口头答复投诉人", "answered orally"),
               Form(None, "已答复投诉人", "answered")),
    "follow_up": (Form(r"follow-up \(回访\): satisfied", "回访：投诉人满意",
                       "followed up: satisfied"),
                  Form(r"follow-up \(回访\): not satisfied"
                       r"(?: after (?P<rounds>\d+) rounds — escalated to leadership)?",
                       "回访：投诉人不满意", "followed up: not satisfied",
                       (("rounds", "；经{rounds}轮办理仍不满意，已报领导",
                         " after {rounds} rounds; escalated to leadership"),)),
                  Form(None, "回访", "followed up")),
    "close": (Form(r"closed \(办结\): (?P<disposition>\S+)", "办结：{disposition}",
                   "closed: {disposition}"),
              Form(None, "办结", "closed")),
    "reopen": (Form(r"reopened for round (?P<round>\d+)", "重新处理（第{round}轮）",
                    "reopened for round {round}"),
               Form(None, "重新处理", "reopened")),
    "hold": (Form(r"on hold: waiting for (?P<hold>\S+)", "中止办理：{hold}", "on hold: {hold}"),
             Form(None, "中止办理", "on hold")),
    "resume": (Form(None, "恢复办理", "resumed"),),
    "withdraw": (Form(r"withdrawn by the complainant \(撤回\)" + TOLD, "投诉人撤回",
                      "withdrawn by the complainant", (_told(),)),
                 Form(None, "撤回", "withdrawn")),
    "archive": (Form(None, "已归档（含办理记录、调查记录和材料）",
                     "archived with its timeline, records and materials"),),
    "reclassify": (Form(r"reclassified from (?P<category>.*) to (?P<to>.*); routing again",
                        "由“{category}”重新分类为“{to}”，重新分派",
                        "reclassified from {category} to {to}; routed again"),
                   Form(None, "重新分类", "reclassified")),
    "designate_lead": (Form(r"lead department (?P<dept>.*) named by the coordinating office",
                            "协调部门指定{dept}为牵头部门",
                            "the coordinating office named {dept} the lead department"),
                       Form(None, "指定牵头部门", "lead department named")),
    "declare_conflict": (Form(r"handler (?P<user>\S+) declared a conflict of interest.*",
                              "承办人 {user} 申请回避，案件改由其他承办人办理",
                              "handler {user} declared a conflict of interest; the case moves "
                              "to another handler"),
                         Form(None, "申请回避", "conflict of interest declared")),
    "link": (Form(r"linked with (?P<number>\S+)", "与 {number} 关联", "linked with {number}"),
             Form(None, "关联案件", "linked")),
    "merge": (Form(r"merged into (?P<number>\S+)", "并入 {number}", "merged into {number}"),
              Form(r"(?P<number>\S+) merged in; its complainant joins this case",
                   "{number} 并入本案，其投诉人成为本案共同投诉人",
                   "{number} merged in; its complainant joins this case"),
              Form(None, "合并案件", "merged")),
    "add_note": (Form(r"(?P<text>.+)", "{text}", "{text}"), Form(None, "内部备注", "note")),
    "add_material": (Form(r"material added by (?P<by>\S+)(?P<files>(?:; file .*?)*)"
                          r"(?P<resumed>; the awaited material arrived, handling resumes)?",
                          "补充材料（{by}提交）", "material added by {by}",
                          (("files", "；附件：{files}", "; files: {files}"),
                           ("resumed", "；所待材料已到，恢复办理",
                            "; the awaited material arrived, handling resumes"))),
                     Form(None, "补充材料", "material added")),
    "record_milestone": (Form(r"milestone: (?P<label>.*?) \((?P<milestone>[a-z_]+)\)"
                              r"(?: — (?:(?P<note>.*?)(?:; )?)?"
                              r"(?:happened at (?P<happened>\d{4}-\d\d-\d\d \d\d:\d\d))?)?",
                              "记录节点：{label}", "milestone: {milestone}",
                              (("note", "——{note}", " — {note}"),
                               ("happened", "（发生于 {happened}）", " (happened at {happened})"))),
                         Form(None, "记录节点", "milestone recorded")),
    "reveal_identity": (Form(r"reporter's identity revealed to (?P<user>\S+).*",
                             "举报人身份已向 {user} 披露（查看已留痕）",
                             "the reporter's identity was revealed to {user} (on the record)"),
                        Form(None, "查看举报人身份", "reporter's identity revealed")),
    "transfer": (Form(r"transferred along (?P<path>.*) to (?P<to>\S+) \(reason: (?P<why>.*?)\)"
                      r"(?P<reporter>; the reporter's identity goes along with their consent)?",
                      "经{path}转送{to}（理由：{why}）", "transferred along {path} to {to} "
                      "(reason: {why})",
                      (("reporter", "；经举报人同意，其身份随案移送",
                        "; the reporter's identity goes along with their consent"),)),
                 Form(r"(?P<path>.*?): filed with (?P<to>.*)" + TRANSFER_WHY,
                      "{path}：已向{to}提交（{why}）", "{path}: filed with {to} ({why})"),
                 Form(None, "依法转送", "transferred")),
    "return_transfer": (Form(r"returned \(退回\): not competent for it" + TOLD,
                             "退回来件机构：本机构无权处理", "returned: not competent for it",
                             (_told(),)),
                        Form(None, "退回来件机构", "returned to the sender")),
    "report_outcome": (Form(r"outcome reported to (?P<peer>\S+): (?P<outcome>.*?) — (?P<text>.*)",
                            "已向{peer}报告处理结果：{outcome}——{text}",
                            "outcome reported to {peer}: {outcome} — {text}"),
                       Form(r"(?P<path>.*?): (?P<outcome>.*?) — (?P<text>.*)",
                            "{path}：{outcome}——{text}", "{path}: {outcome} — {text}"),
                       Form(None, "报告处理结果", "outcome reported")),
    # written when another institution answers a transfer (case.service_layer.inbound)
    "transfer_accepted": (Form(r"(?P<path>.*?): taken over by (?P<peer>\S+) \(their case "
                               r"(?P<number>\S*)\)", "{path}：{peer}已接收并接办（对方案件编号 "
                               "{number}）", "{path}: taken over by {peer} (their case {number})"),
                          Form(r"(?P<path>.*?): accepted by (?P<peer>\S+) \(their case "
                               r"(?P<number>\S*)\)",
                               "{path}：{peer}已接收（对方案件编号 {number}）",
                               "{path}: accepted by {peer} (their case {number})"),
                          Form(None, "对方已接收", "transfer accepted")),
    "transfer_declined": (Form(r"(?P<path>.*?): declined by (?P<peer>\S+) — (?P<text>.*)",
                               "{path}：{peer}拒收——{text}", "{path}: declined by {peer} — "
                               "{text}"),
                          Form(None, "对方拒收", "transfer declined")),
    "transfer_returned": (Form(r"(?P<path>.*?): returned by (?P<peer>\S+) — (?P<text>.*)",
                               "{path}：{peer}退回——{text}", "{path}: returned by {peer} — "
                               "{text}"),
                          Form(None, "对方退回", "transfer returned")),
    "transfer_outcome": (Form(r"(?P<path>.*?): (?P<outcome>.*?) \((?P<peer>\S+)\) — (?P<text>.*)",
                              "{path}：{peer}办理结果为{outcome}——{text}",
                              "{path}: {outcome} ({peer}) — {text}"),
                         Form(None, "对方办理结果", "transfer outcome")),
    "transfer_withdrawn": (Form(r"the complainant withdrew the case at (?P<peer>\S+) \(撤回\) — "
                                r"(?P<text>.*?)(?P<ours>; whether to go on is this "
                                r"institution's decision)?",
                                "投诉人已在{peer}撤回——{text}",
                                "the complainant withdrew the case at {peer} — {text}",
                                (("ours", "；是否继续办理由本机构决定",
                                  "; whether to go on is this institution's decision"),)),
                           Form(None, "转送已撤回", "transfer withdrawn")),
}

# the words of the people and bodies told or named
WHO: Mapping[str, tuple[str, str]] = {
    "complainant": ("投诉人", "the complainant"), "user": ("承办人", "the handler"),
    "role": ("相关岗位", "a role"), "department": ("相关部门", "a department"),
    "on_duty": ("值班人员", "the on-duty officer"), "webhook": ("对接系统", "a webhook"),
    "complaint_office": ("投诉管理部门", "the complaint office"),
    "leadership": ("领导", "leadership"), "security": ("保卫部门", "security"),
    "the department": ("本部门", "the department"), "unclassified": ("未分类", "unclassified"),
    "is on hold": ("案件中止办理期间", "is on hold"),
    "is with another institution": ("案件转送其他机构期间", "is with another institution"),
}


def _who(lang: str, value: str) -> str:
    """A person or body told: `role:leader`, `user:h1`, `department:医务处`, `on_duty`."""
    kind, _, name = value.partition(":")
    if kind == "role":
        return i18n.words(lang, "role", name) if name in i18n.CODES["role"] else \
            _word(lang, name)
    if name and kind in ("user", "department"):
        return name
    return _word(lang, value)


def _word(lang: str, value: str) -> str:
    found = WHO.get(value)
    return value if found is None else found[1 if lang == i18n.EN else 0]


def _listed(lang: str, value: str) -> str:
    return ("、" if lang != i18n.EN else ", ").join(_who(lang, v.strip())
                                                    for v in value.split(","))


def _code(group: str) -> Callable[[str, str], str]:
    return lambda lang, value: i18n.words(lang, group, value)


def _moment(shown: Callable[[datetime], str]) -> Callable[[str, str], str]:
    def show(lang: str, value: str) -> str:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return shown(moment) if moment.tzinfo else value   # already Beijing time
    return show


def _files(lang: str, value: str) -> str:
    names = re.findall(r"; file (.*?) \([^()]*, \d+ bytes, SHA-256 [0-9a-f]+\)", value)
    return ("、" if lang != i18n.EN else ", ").join(names)


# a detail's group → how it is shown (the others as they are)
SHOWN: Mapping[str, Callable[[str, str], str]] = {
    "channel": _code("channel"), "template": _code("template"),
    "status": _code("delivery_status"), "via": _code("delivery_channel"), "recipient": _who,
    "severity": _code("severity"), "audiences": _listed, "disposition": _code("disposition"),
    "hold": _code("hold"), "role": _code("role"),
    "record": lambda lang, v: i18n.words(lang, "record_type", v.replace(" ", "_")),
    "milestone": lambda lang, v: v.replace("_", " "), "by": _who, "dept": _word,
    "category": _word, "waiting": _word, "files": _files,
    "due": _moment(deadline), "until": _moment(local),
}


@dataclass(frozen=True)
class Teller:
    """Tells a page's timeline entries in `lang`; `clocks` names a clock by its title."""

    lang: str
    clocks: Mapping[str, str]

    def __call__(self, entry: Any) -> str:
        """The entry's line: its type's words with the details of its stored summary."""
        type_, summary = str(entry.type), str(entry.summary)
        for form in FORMS.get(type_, ()):
            details = form.match(summary)
            if details is not None:
                return self._words(form, details)
        return summary

    def _words(self, form: Form, details: dict[str, str]) -> str:
        en = self.lang == i18n.EN
        values = {k: self._shown(k, v) for k, v in details.items()}
        words = (form.en if en else form.zh).format_map(values)
        for group, zh, in_english in form.tails:
            if group in values:
                words += (in_english if en else zh).format_map(values)
        return words

    def _shown(self, group: str, value: str) -> str:
        if group == "clock":
            return self.clocks.get(value) or value
        show = SHOWN.get(group)
        return value if show is None else show(self.lang, value)


def moved_why(lang: str, clock: Any) -> str:
    """Why a deadline's end moved past a holiday (《民法典》第二百零三条), from the explanation's
    structured fields (`moved_over`), in the reader's language."""
    if not clock.moved_over:
        return ""
    last = clock.moved_over[0]
    named = f"（{last.name}）" if last.name else ""
    if lang == i18n.EN:
        named = f" ({last.name})" if last.name else ""
        return (f"the period's last day {last.date}{named} is a statutory holiday or rest "
                f"day: it ends at 24:00 of the first working day after it instead "
                f"({MOVED_CITE})")
    return (f"期间的最后一日 {last.date}{named}是法定休假日或休息日，以其后第一个工作日的"
            f"24:00为期间届满（{MOVED_CITE}）")


# casebridge_platform.calendar.CONVENTION, per unit of a period
CONVENTION: Mapping[str, tuple[str, str]] = {
    "working_days": ("收到当日不计入；期限届满日为所计最后一个工作日的24:00（北京时间次日0:00）"
                     "（《民法典》第二百零一条、第二百零三条）",
                     "receipt day not counted; due at 24:00 (next day 00:00 Asia/Shanghai) of "
                     "the last working day counted (《民法典》第二百零一条、第二百零三条)"),
    "calendar_days": ("收到当日不计入；期限届满日为所计最后一日的24:00（北京时间次日0:00），"
                      "该日为法定休假日或休息日的，顺延至其后第一个工作日"
                      "（《民法典》第二百零一条、第二百零三条）",
                      "receipt day not counted; due at 24:00 (next day 00:00 Asia/Shanghai) of "
                      "the last day counted, or of the first working day after it when that day "
                      "is a holiday or rest day (《民法典》第二百零一条、第二百零三条)"),
    "working_hours": ("自收到时起计算，仅计工作日的办公时间",
                      "counted from the moment of receipt, office hours on working days only"),
    "hours": ("自收到时起计算（《民法典》第二百零一条第二款）",
              "counted from the moment of receipt (《民法典》第二百零一条第二款)"),
    "minutes": ("自收到时起计算", "counted from the moment of receipt"),
}


def convention(lang: str, clock: Any) -> str:
    """How a clock's period is counted, by its unit (the service's sentence for an unknown
    unit)."""
    found = CONVENTION.get(str(clock.unit))
    if found is None:
        return str(clock.convention)
    return found[1 if lang == i18n.EN else 0]


# escalation.domain.policy's Rule.rule: "{title}: {amount} {unit} ({cite})"
RULE = re.compile(r"(?P<title>.*?): \d+ [a-z ]+ \((?P<cite>.*)\)", re.DOTALL)


def rule_words(lang: str, rule: str) -> str:
    """A clock's rule as the page says it: its title and source (the amount and unit follow in
    the reader's words); the service's sentence as it is on the English page, or when it does
    not read as a rule."""
    found = RULE.fullmatch(rule)
    if lang == i18n.EN or found is None:
        return rule
    return f"{found['title']}；依据：{found['cite']}"

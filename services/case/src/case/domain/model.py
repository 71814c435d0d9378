"""The case lifecycle: statuses, the actions that move a case between them, and who may act.

Pure: no I/O. The service layer reads the case, asks `plan` what an action does, and writes
the result and its timeline entry in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from casebridge_platform.jurisdiction import regulator_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Status(StrEnum):
    RECEIVED = "received"                    # 已登记: awaiting the acceptance decision
    ACCEPTED = "accepted"                    # 已受理: no handler yet (e.g. a lead to be named)
    ASSIGNED = "assigned"                    # 已分派: a handler is responsible
    INVESTIGATING = "investigating"          # 调查核实
    PROPOSAL_MADE = "proposal_made"          # 处理意见已提出
    PROPOSAL_APPROVED = "proposal_approved"  # 处理意见已批准
    ANSWERED = "answered"                    # 已答复 (书面或口头)
    FOLLOW_UP = "follow_up"                  # 已回访
    ON_HOLD = "on_hold"                      # 等待补充材料 / 外部鉴定、检测
    TRANSFERRED = "transferred"              # 移送: with another institution, awaiting it
    CLOSED = "closed"                        # 办结
    REFUSED = "refused"                      # 不予受理
    REFERRED = "referred"                    # 非本机构管辖: told or transferred
    ARCHIVED = "archived"                    # 归档


OPEN = frozenset({Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED, Status.INVESTIGATING,
                  Status.PROPOSAL_MADE, Status.PROPOSAL_APPROVED, Status.ANSWERED,
                  Status.FOLLOW_UP, Status.ON_HOLD, Status.TRANSFERRED})
DONE = frozenset({Status.CLOSED, Status.REFUSED, Status.REFERRED, Status.ARCHIVED})
WORKING = frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.INVESTIGATING,
                     Status.PROPOSAL_MADE, Status.PROPOSAL_APPROVED})
SEVERITIES = ("一般", "重要", "重大", "危机")
ALERTING = frozenset({"重大", "危机"})
DISPOSITIONS = frozenset({"resolved", "unfounded", "withdrawn", "mediated", "transferred",
                          "judged", "merged", "concluded"})   # concluded: outcome reported back
LEGAL_PATH = frozenset({"mediated", "transferred", "judged"})   # may close before an answer
# hearing: 信访 复查/复核 听证, whose time is not counted (《信访工作条例》第三十六条)
HOLD_KINDS = frozenset({"material", "appraisal", "testing", "hearing"})
RECORD_TYPES = frozenset({"interview_complainant", "interview_respondent", "interview_witness",
                          "document_review", "expert_consultation", "site_inspection"})
ANSWER_MODES = frozenset({"written", "oral"})
REFERRAL_MODES = frozenset({"tell", "transfer"})
# Procedural steps without a status of their own (节点): deadline clocks stop on them.
MILESTONES = MappingProxyType({
    "first_contact": "首次联系投诉人",
    "second_contact": "二次联系投诉人",
    "handling_sheet": "发出投诉处理单",
    "interim_measure": "提出临时对策",
    "permanent_measure": "回复永久对策",
    "reporter_told": "告知举报人处理决定",
    "verification_decided": "核查完毕并作出是否立案决定",
    "registered_passed_on": "登记并转送交办",
    "autopsy_done": "尸检完成",
    "autopsy_declined": "家属拒绝尸检并签字",
    "records_sealed": "病历封存",
    "records_completed": "抢救病历补记完成",
    # 《医疗纠纷预防和处理条例》and《医疗事故处理条例》: steps whose time starts a legal period
    "death": "患者死亡（记录死亡时间）",
    "rescue_ended": "抢救结束",
    "autopsy_signature_refused": "家属拒绝签字，视为不同意尸检",
    "rights_informed": "已告知患方解决途径、病历封存复制及尸检规定",
    "police_reported": "已向公安机关报案",
    "major_dispute_reported": "已向卫生主管部门报告重大医疗纠纷",
    "serious_error": "发现重大医疗过失行为（致死亡或可能二级以上医疗事故、3人以上人身损害）",
    "serious_error_reported": "已向卫生主管部门报告重大医疗过失行为",
    "resolution_reported": "已向卫生主管部门书面报告协商或法院解决结果",
    "mediation_applied": "收到医疗纠纷行政调解申请",
    "court_accepted": "人民法院已受理诉讼",
    "people_mediation_accepted": "医疗纠纷人民调解委员会已受理调解",
    "administrative_mediation_accepted": "卫生主管部门已受理调解",
    "petitioner_told": "已书面告知信访人接收情况以及处理途径和程序",
    # 《市场监督管理投诉举报处理暂行办法》
    "mediation_ended": "作出终止调解决定",
    "mediation_end_told": "已告知投诉人和被投诉人终止调解",
    "violation_found": "调解中发现涉嫌违法线索",
    "jurisdiction_disputed": "与其他市场监督管理部门发生处理权限争议",
    "jurisdiction_settled": "处理权限争议已协商解决或经指定",
})
HAPPENED_BACK = timedelta(days=30)   # like a late registration's received_at

STAFF = frozenset({"intake_clerk", "handler", "supervisor", "leader", "admin"})
OFFICE = frozenset({"intake_clerk", "supervisor", "admin"})         # the complaint office
OVERSIGHT = frozenset({"supervisor", "leader", "admin"})


class Entry(StrEnum):
    """Timeline entry types written by events rather than by staff actions."""

    RECEIVED = "received"
    ROUTED = "routed"
    ASSIGNED = "assigned"
    HANDED_OVER = "handed_over"
    DEADLINE_SET = "deadline_set"
    NOTIFIED = "notified"
    SEVERITY = "severity"
    REPORTED = "reported"        # a major dispute reported to the health authority
    TRANSFERRED_IN = "transferred_in"   # sent here by another institution along a path


@dataclass(frozen=True)
class Rule:
    """An action: the statuses it may start from, where it leads, who may take it.

    `to` None keeps the status; `handler` lets the case's own handler act as well as `roles`.
    """

    sources: frozenset[Status]
    to: Status | None
    roles: frozenset[str]
    handler: bool = False
    needs_reason: bool = False


def _s(*statuses: Status) -> frozenset[Status]:
    return frozenset(statuses)


RULES: dict[str, Rule] = {
    "accept": Rule(_s(Status.RECEIVED), Status.ACCEPTED, OFFICE, handler=True),
    "refuse": Rule(_s(Status.RECEIVED), Status.REFUSED, OFFICE, handler=True, needs_reason=True),
    "refer": Rule(_s(Status.RECEIVED), Status.REFERRED, OFFICE, handler=True, needs_reason=True),
    "assign": Rule(_s(Status.ACCEPTED, Status.ASSIGNED, Status.INVESTIGATING), None, OFFICE),
    "start_investigation": Rule(_s(Status.ASSIGNED), Status.INVESTIGATING, OVERSIGHT,
                                handler=True),
    "record_investigation": Rule(_s(Status.INVESTIGATING), None, OVERSIGHT, handler=True),
    "propose": Rule(_s(Status.INVESTIGATING), Status.PROPOSAL_MADE, OVERSIGHT, handler=True),
    "approve_proposal": Rule(_s(Status.PROPOSAL_MADE), Status.PROPOSAL_APPROVED, OVERSIGHT),
    "reject_proposal": Rule(_s(Status.PROPOSAL_MADE), Status.INVESTIGATING, OVERSIGHT,
                            needs_reason=True),
    "answer": Rule(_s(Status.PROPOSAL_APPROVED), Status.ANSWERED, OVERSIGHT, handler=True),
    "follow_up": Rule(_s(Status.ANSWERED), Status.FOLLOW_UP,
                      OVERSIGHT | {"intake_clerk", "complainant"}, handler=True),
    "close": Rule(WORKING | _s(Status.ANSWERED, Status.FOLLOW_UP), Status.CLOSED, OVERSIGHT,
                  handler=True),
    # the complainant asks for a re-look (申请重新处理) after an unsatisfied follow-up, within
    # the tenant's rounds (seed 000 客户投诉处理制度: 客户不满意…进行再次投诉处理, 次数上限)
    "reopen": Rule(_s(Status.FOLLOW_UP, Status.CLOSED), Status.INVESTIGATING,
                   OVERSIGHT | {"complainant"}, handler=True, needs_reason=True),
    "hold": Rule(WORKING, Status.ON_HOLD, OVERSIGHT, handler=True, needs_reason=True),
    "resume": Rule(_s(Status.ON_HOLD), None, OVERSIGHT, handler=True),
    "withdraw": Rule(OPEN, Status.CLOSED, OFFICE | OVERSIGHT | {"complainant"}, handler=True,
                     needs_reason=True),
    "archive": Rule(DONE - {Status.ARCHIVED}, Status.ARCHIVED, OVERSIGHT),
    "reclassify": Rule(_s(Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED,
                          Status.INVESTIGATING), None, OFFICE | {"leader"}, handler=True,
                       needs_reason=True),
    "designate_lead": Rule(_s(Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED), None,
                           OFFICE, handler=True),
    "declare_conflict": Rule(_s(Status.ACCEPTED, Status.ASSIGNED, Status.INVESTIGATING,
                                Status.PROPOSAL_MADE, Status.PROPOSAL_APPROVED, Status.ON_HOLD),
                             None, frozenset(), handler=True, needs_reason=True),
    "link": Rule(OPEN | DONE, None, OFFICE | {"handler"}),
    "merge": Rule(_s(Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED), Status.CLOSED, OFFICE,
                  needs_reason=True),
    "add_note": Rule(OPEN | DONE - {Status.ARCHIVED}, None, STAFF),
    "add_material": Rule(OPEN, None, STAFF | {"complainant"}),
    # also after closing: a report due after the end (《医疗事故处理条例》第四十三、四十四条)
    "record_milestone": Rule(OPEN | DONE - {Status.ARCHIVED}, None, OFFICE | OVERSIGHT,
                             handler=True),
    "reveal_identity": Rule(OPEN | DONE, None, OVERSIGHT, needs_reason=True),
    # along a legal path to another institution (or a court); see case/paths/<kind>.json
    "transfer": Rule(_s(Status.RECEIVED, Status.ANSWERED, Status.FOLLOW_UP) | WORKING,
                     Status.TRANSFERRED, OFFICE | {"leader"}, handler=True),
    # 退回: a case sent here that this institution is not competent for
    "return_transfer": Rule(_s(Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED),
                            Status.REFERRED, OFFICE, handler=True, needs_reason=True),
    # the receiver's outcome (ends its linked case), or a court's recorded by the origin
    "report_outcome": Rule(WORKING | _s(Status.ANSWERED, Status.FOLLOW_UP, Status.TRANSFERRED),
                           None, OVERSIGHT, handler=True),
}


class Refusal(Exception):
    """An action that may not be taken now; says why and what may be done instead."""

    def __init__(self, message: str, status: str = "", allowed: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message, self.status, self.allowed = message, status, allowed


@dataclass(frozen=True)
class Actor:
    user_id: str
    roles: frozenset[str]
    department: str | None = None


@dataclass(frozen=True)
class CaseState:
    """What the lifecycle rules need to know about a case."""

    status: Status
    kind: str = "complaint"
    handler_id: str = ""
    department: str = ""
    coordinated: bool = False
    held_from: str = ""
    round: int = 1
    last_follow_up_satisfied: bool | None = None
    anonymous: bool = False
    first_contact_owner: str = ""
    sealed: bool = False        # a real-name reporter's identity, kept sealed
    owes_outcome: bool = False  # sent here to be settled: the origin waits for the outcome
    inbound: bool = False       # sent here along a path, by another institution
    external: bool = False      # transferred along a path outside casebridge (a court)


@dataclass(frozen=True)
class Outcome:
    """What an allowed action does to the case's status."""

    to: Status
    changes: dict[str, object] = field(default_factory=dict)


def may(rule: Rule, actor: Actor, case: CaseState) -> bool:
    if actor.roles & rule.roles:
        return True
    return rule.handler and bool(case.handler_id) and actor.user_id == case.handler_id


def allowed_actions(case: CaseState, actor: Actor) -> tuple[str, ...]:
    """The actions this actor may take on the case now, for the UI and for errors."""
    return tuple(name for name, rule in RULES.items()
                 if case.status in rule.sources and may(rule, actor, case)
                 and _fits(name, case, actor))


def _complainant(actor: Actor | None) -> bool:
    return actor is not None and actor.roles == {"complainant"}


def _fits(action: str, case: CaseState, actor: Actor | None = None) -> bool:
    """Conditions beyond the status: what the case itself must be like (and, for the
    complainant's own follow-up and re-look, who asks)."""
    if action == "designate_lead":
        return case.coordinated
    if action == "declare_conflict":
        return bool(case.handler_id)
    if action == "reopen" and case.status == Status.FOLLOW_UP:
        return case.last_follow_up_satisfied is False
    if action == "reopen":
        return not _complainant(actor)   # a closed case is reopened by staff only
    if action == "follow_up":
        # staff cannot call an anonymous complainant back; the complainant may still rate
        # the answer online, behind the access code (回访/满意度评价)
        return not case.anonymous or _complainant(actor)
    if action == "reveal_identity":
        return case.sealed
    return _fits_transfer(action, case)


def _fits_transfer(action: str, case: CaseState) -> bool:
    if action == "return_transfer":
        return case.inbound
    if action == "report_outcome":
        return (case.external if case.status == Status.TRANSFERRED else case.owes_outcome)
    if action == "refer":
        return not case.inbound     # a case sent here goes back with return_transfer
    if action == "close":
        return not case.owes_outcome   # the origin waits: report_outcome closes it
    return True


def plan(action: str, case: CaseState, actor: Actor, *, reason: str) -> Outcome:
    """Where `action` takes the case; Refusal when the status, the case or the actor forbid."""
    rule = RULES.get(action)
    if rule is None:
        raise Refusal(f"unknown action {action!r}")
    if case.status not in rule.sources or not _fits(action, case, actor):
        allowed = allowed_actions(case, actor)
        raise Refusal(f"cannot {action} a case that is {case.status.value}"
                      + _why_not(action, case), case.status.value, allowed)
    if not may(rule, actor, case):
        who = ", ".join(sorted(rule.roles)) or "nobody else"
        mine = " or the case's handler" if rule.handler else ""
        raise PermissionError(f"{action} needs one of the roles {who}{mine}")
    if rule.needs_reason and not reason.strip():
        raise ValueError("reason")
    return Outcome(_destination(action, rule, case))


def _why_not(action: str, case: CaseState) -> str:
    if action == "designate_lead" and not case.coordinated:
        return " (only a case coordinated by the complaint office gets a lead department)"
    if action == "reopen" and case.status == Status.FOLLOW_UP:
        return " (the complainant was satisfied at the follow-up)"
    if action == "follow_up" and case.anonymous:
        return " (an anonymous complainant cannot be followed up)"
    if action == "reveal_identity" and not case.sealed:
        return " (only a real-name reporter's identity is sealed)"
    if action == "close" and case.owes_outcome:
        return " (it was sent here to be settled: report_outcome tells the sender and closes it)"
    if action in ("return_transfer", "report_outcome"):
        return " (only a case sent here along a path, or waiting on a court, has one)"
    if action == "refer" and case.inbound:
        return " (a case sent here goes back with return_transfer)"
    return ""


def _destination(action: str, rule: Rule, case: CaseState) -> Status:
    if action == "accept":
        return Status.ASSIGNED if case.handler_id else Status.ACCEPTED
    if action == "resume":
        return Status(case.held_from or Status.ASSIGNED)
    return rule.to or case.status


def reopen_allowed(case: CaseState, actor: Actor, max_rounds: int) -> bool:
    """A bounded number of rounds per tenant; after that only leadership may reopen."""
    return case.round < max_rounds or "leader" in actor.roles


def approver_role(compensation_fen: int, approval: Mapping[str, Any]) -> str:
    """Who must approve a proposal: the tenant's default role, a leader above its threshold.

    A public hospital may not settle above 30,000 元 on its own (seed 000 医疗纠纷处理流程图).
    """
    above = int(approval.get("leader_above_fen") or 0)
    if above and compensation_fen > above:
        return "leader"
    return str(approval.get("role") or "supervisor")


def may_approve(required_role: str, roles: frozenset[str]) -> bool:
    """A leader may decide what a supervisor may; an admin anything."""
    senior = {"supervisor": {"supervisor", "leader", "admin"}, "leader": {"leader", "admin"}}
    return bool(roles & senior.get(required_role, {required_role, "admin"}))


def higher(a: str, b: str) -> str:
    """The more severe of two severity levels (unknown levels count as 一般)."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return b if rank.get(b, 0) > rank.get(a, 0) else a or b


def month_before(now: datetime) -> datetime:
    """The same wall-clock moment one calendar month earlier in Asia/Shanghai (clamped to the
    month's last day): a complaint received before it has been open for a month."""
    local = now.astimezone(SHANGHAI)
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    day = local.day
    while True:
        try:
            return local.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def overdue_by(due_at: datetime | None, now: datetime) -> timedelta | None:
    return now - due_at if due_at is not None and now > due_at else None


def received_summary(channel: str, kind: str, case_number: str) -> str:
    what = "举报" if kind == "report" else "投诉"
    return f"{what} {case_number} received via {channel}"


def milestone_summary(milestone: str, note: str = "") -> str:
    """The timeline's words for a milestone: its Chinese label, its name, the note if any."""
    summary = f"milestone: {MILESTONES[milestone]} ({milestone})"
    return f"{summary} — {note}" if note else summary


def routed_summary(category: str, department: str, handler_id: str, reason: str) -> str:
    who = f", handler {handler_id}" if handler_id else ""
    return f"routed to {department}{who} (category {category or 'unclassified'}; {reason})"


def parse_moment(text: str) -> datetime | None:
    """An ISO date-time from a form; without an offset it is Beijing time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def happened_problem(happened: datetime, now: datetime, received: datetime) -> str:
    """What is wrong with a step's recorded time, if anything: not ahead of now, and at most 30
    days before the earlier of now and the complaint's receipt (a death may precede it)."""
    if happened > now + timedelta(minutes=1):
        return "a step cannot be recorded as happening in the future"
    if happened < min(now, received) - HAPPENED_BACK:
        return "a step may be recorded at most 30 days before the complaint was received"
    return ""


def local_deadline(moment: datetime) -> str:
    """A due moment as people say it in Shanghai: a deadline at midnight is the previous
    day's 24:00 (the period ends at 24:00 of its last day)."""
    local = moment.astimezone(SHANGHAI)
    if local.time() == time(0):
        return f"{(local - timedelta(days=1)):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


REPORTED_SEVERITIES = frozenset({"重大", "危机"})
# 《医疗纠纷预防和处理条例》第二十八条 "发生重大医疗纠纷的，医疗机构应当按照规定向所在地县级以上
# 地方人民政府卫生主管部门报告" does not define 重大; the provinces' rules do (a patient's death,
# disruption of medical order among them). A keyword (律师, 媒体, 12345) or a month's age raises a
# case's severity inside the hospital, but does not make a dispute major: the tenant's
# `major_dispute_circumstances` (default these) do.
MAJOR_DISPUTE_CIRCUMSTANCES = frozenset({"death", "disruption"})
# A month-old complaint waits lawfully, and is not raised, while on hold or with another
# institution, or while one of its deadlines is still running (its nearest due moment ahead):
# e.g. 12315 mediation (45 working days), 信访 handling (60 + 30 days), tourism (60 days), an
# appraisal (45 days), a mediation committee's or health bureau's 30 working days.
WAITING_LAWFULLY = frozenset({Status.ON_HOLD, Status.TRANSFERRED})


def major_dispute(circumstances: Iterable[str], major: Iterable[str] | None = None) -> bool:
    """Whether a hospital's 重大/危机 case is a 重大医疗纠纷 to report to the health authority:
    one of the tenant's major circumstances (default MAJOR_DISPUTE_CIRCUMSTANCES) is present."""
    wanted = frozenset(major) if major else MAJOR_DISPUTE_CIRCUMSTANCES
    return bool(wanted & set(circumstances))


def health_authority(hospital: Any, tenants: Iterable[Any]) -> Any | None:
    """The health bureau a hospital reports to: the nearest one (the longest division path)
    whose jurisdiction holds the hospital's division."""
    return regulator_of("hospital", hospital.division, tenants, kinds=("health_bureau",))

"""What people are told, rendered without any personal data of the complainant."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
AUDIENCE_NAMES = {"complaint_office": "投诉管理部门", "leadership": "分管领导",
                  "security": "保卫部门"}


def _track(anonymous: bool) -> str:
    return ("请凭案件编号和查询码在投诉人门户查询办理进度。" if anonymous
            else "您可凭案件编号在投诉人门户或致电受理窗口查询办理进度。")


def acknowledgement(*, case_number: str, anonymous: bool) -> str:
    """受理回执: the case number, that it was accepted, how to track it."""
    return (f"受理回执：您的投诉/举报（案件编号 {case_number}）已受理，"
            f"我们已交由责任部门办理，并将在规定时限内答复。{_track(anonymous)}")


def refusal(*, case_number: str, reason: str, notice: str) -> str:
    """不予受理告知书: the decision, the reason and the written notice."""
    return (f"不予受理告知书：您的投诉（案件编号 {case_number}）经审查不予受理。"
            f"理由：{reason}。{notice}")


def referral(*, case_number: str, competent_body: str, transferred: bool) -> str:
    """Not ours: who is competent, and whether the case was passed on."""
    if transferred:
        return (f"告知：您的投诉（案件编号 {case_number}）不属于本机构管辖，"
                f"已移交 {competent_body} 处理。")
    return (f"告知：您的投诉（案件编号 {case_number}）不属于本机构管辖，"
            f"请向 {competent_body} 反映。")


def alert(*, case_number: str, severity: str, reasons: list[str], audience: str) -> str:
    """重大/危机 alerts to the complaint office, leadership and security (seed 000)."""
    why = "；".join(reasons) or "—"
    to = AUDIENCE_NAMES.get(audience, audience)
    return f"【{severity}投诉】案件 {case_number} 须立即关注（通报：{to}）。依据：{why}"


def _due(due_at: datetime) -> str:
    return due_at.astimezone(SHANGHAI).strftime("%Y年%m月%d日 %H:%M")


def _reached(lead: str, rung_title: str, off_hours: bool, department: str) -> str:
    """Where on the ladder the notice stands, whose it is, and whether 总值班 was told."""
    text = f"，{lead}：{rung_title}" if rung_title else ""
    if department:
        text += f"（责任部门：{department}）"
    if off_hours:
        text += "（非工作时间，已通知总值班）"
    return text


def deadline_warning(*, case_number: str, clock: str, due_at: datetime, rule: str,
                     rung_title: str = "", off_hours: bool = False,
                     department: str = "") -> str:
    """A deadline drawing near (预警), to whom the ladder's rung names."""
    reached = _reached("通报", rung_title, off_hours, department)
    return (f"【预警】案件 {case_number} 的{clock}时限将于 {_due(due_at)} 届满，"
            f"请抓紧办理{reached}。依据：{rule}")


def deadline_missed(*, case_number: str, clock: str, due_at: datetime, rule: str,
                    rung_title: str = "", off_hours: bool = False,
                    department: str = "") -> str:
    """A missed deadline, to the complaint office that supervises it (seed 000: 超时扣罚)."""
    reached = _reached("已升级至", rung_title, off_hours, department)
    return (f"【超时】案件 {case_number} 的{clock}时限已于 {_due(due_at)} 届满仍未办结"
            f"{reached}。依据：{rule}")


def deadline_escalated(*, case_number: str, clock: str, due_at: datetime, rule: str,
                       rung_title: str = "", off_hours: bool = False,
                       department: str = "") -> str:
    """A missed deadline still open, taken up a later rung of the ladder (逐级上报)."""
    reached = _reached("已升级至", rung_title or "上一级", off_hours, department)
    return (f"【升级】案件 {case_number} 的{clock}时限已于 {_due(due_at)} 届满仍未办结"
            f"{reached}。依据：{rule}")


def regulator_report(*, institution: str, period: str, breaches: int, threshold: int,
                     case_numbers: list[str]) -> str:
    """To the regulator: an institution it oversees keeps missing deadlines (case numbers
    only; nothing about the complainants)."""
    listed = "、".join(case_numbers) or "—"
    return (f"【监管通报】机构 {institution} 在 {period} 已超时 {breaches} 件"
            f"（阈值 {threshold}）：{listed}")

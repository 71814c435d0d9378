"""What people are told, rendered without any personal data of the complainant."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def acknowledgement(*, case_number: str, due_at: datetime, anonymous: bool) -> str:
    """受理回执: the case number, what happens next, the deadline, how to track it."""
    due = due_at.astimezone(SHANGHAI).strftime("%Y年%m月%d日 %H:%M")
    track = ("请凭案件编号和查询码在投诉人门户查询办理进度。" if anonymous
             else "您可凭案件编号在投诉人门户或致电受理窗口查询办理进度。")
    return (f"受理回执：您的投诉/举报已登记，案件编号 {case_number}。"
            f"我们已将其分派给责任部门办理，将于 {due} 前答复您。{track}")

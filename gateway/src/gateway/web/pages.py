"""Rendering pages: one Jinja2 environment (autoescaped), the words and times a page shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from google.protobuf.timestamp_pb2 import Timestamp

from gateway.web import i18n
from gateway.web.session import Session

SHANGHAI = ZoneInfo("Asia/Shanghai")
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def local(moment: datetime | Timestamp | None) -> str:
    """A moment as an office in China reads it: 2026-11-25 14:30 (Asia/Shanghai)."""
    at = _datetime(moment)
    return "" if at is None else at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def deadline(moment: datetime | Timestamp | None) -> str:
    """A deadline at midnight is the end of the day before: 2026-11-25 24:00."""
    at = _datetime(moment)
    if at is None:
        return ""
    at = at.astimezone(SHANGHAI)
    if (at.hour, at.minute, at.second) == (0, 0, 0):
        return f"{(at - timedelta(days=1)):%Y-%m-%d} 24:00"
    return at.strftime("%Y-%m-%d %H:%M")


def _datetime(moment: datetime | Timestamp | None) -> datetime | None:
    if isinstance(moment, Timestamp):
        if not moment.seconds and not moment.nanos:
            return None
        return moment.ToDatetime(tzinfo=SHANGHAI)
    return moment


templates.env.filters["local"] = local
templates.env.filters["deadline"] = deadline


def render(request: Request, session: Session | None, name: str, *, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """A page in the session's language (zh-CN before anyone signs in)."""
    lang = session.lang if session else i18n.ZH
    return templates.TemplateResponse(request, name, {
        "session": session, "lang": lang, "t": partial(i18n.text, lang),
        "w": partial(i18n.words, lang), "csrf": session.csrf if session else "", **context},
        status_code=status_code)

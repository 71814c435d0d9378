"""The public JSON: request and response bodies, by role."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["phone", "letter", "visit", "web", "email", "fax", "sms", "suggestion_box",
                  "referral", "petition_office", "consumer_association", "media"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Complainant(Strict):
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=5, max_length=20, pattern=r"^\+?[0-9][0-9 \-]{4,19}$")


class Respondent(Strict):
    department: str | None = Field(None, max_length=200)
    person: str | None = Field(None, max_length=200)


class ComplaintCreate(Strict):
    """A complaint (投诉) or report (举报); omit `complainant` to submit anonymously."""

    kind: Literal["complaint", "report"]
    channel: Channel
    content: str = Field(min_length=1, max_length=20_000)
    complainant: Complainant | None = None
    respondent: Respondent | None = None
    category: str | None = Field(None, max_length=64,
                                 description="omit to let routing classify the content")
    demands: str | None = Field(None, max_length=5_000, description="投诉请求: what is asked for")


class TimelineEntry(BaseModel):
    at: datetime
    type: str
    summary: str
    actor: str


class PartyRead(BaseModel):
    name: str
    phone: str


class RespondentRead(BaseModel):
    department: str | None
    person: str | None


class CaseRead(BaseModel):
    case_id: str
    case_number: str
    kind: str
    channel: str
    status: str
    category: str | None
    department: str | None
    handler_id: str | None
    due_at: datetime | None
    deadline_rule: str | None
    acknowledged: bool
    first_contact_owner: str = Field(description="首问责任人: who took the complaint in")
    anonymous: bool
    complainant: PartyRead | None
    respondent: RespondentRead
    content: str
    demands: str | None
    received_at: datetime
    updated_at: datetime | None
    timeline: list[TimelineEntry]


class ComplaintAccepted(CaseRead):
    access_code: str | None = Field(None, description="anonymous only, shown once: with the "
                                    "case number it is the only way to follow the case")


class CaseSummary(BaseModel):
    case_id: str
    case_number: str
    kind: str
    status: str
    category: str | None
    department: str | None
    due_at: datetime | None
    acknowledged: bool
    received_at: datetime
    updated_at: datetime | None


class CaseList(BaseModel):
    items: list[CaseSummary]
    next_page_token: str | None

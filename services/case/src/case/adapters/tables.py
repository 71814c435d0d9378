"""The case service's own tables."""

from __future__ import annotations

import sqlalchemy as sa
from casebridge_platform.db import UTCDateTime
from casebridge_platform.messaging.tables import BigId

metadata = sa.MetaData()

cases = sa.Table(
    "cases", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_number", sa.String(32), nullable=False),
    sa.Column("tenant_kind", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("category", sa.String(64), nullable=False, default=""),
    sa.Column("department", sa.String(100), nullable=False, default=""),
    sa.Column("handler_id", sa.String(64), nullable=False, default=""),
    sa.Column("due_at", UTCDateTime),
    sa.Column("deadline_rule", sa.Text, nullable=False, default=""),
    sa.Column("acknowledged", sa.Boolean, nullable=False, default=False),
    sa.Column("first_contact_owner", sa.String(64), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("demands", sa.Text, nullable=False),
    sa.Column("anonymous", sa.Boolean, nullable=False),
    sa.Column("complainant_name", sa.String(200), nullable=False),
    sa.Column("complainant_phone", sa.String(32), nullable=False),
    sa.Column("respondent_department", sa.String(200), nullable=False),
    sa.Column("respondent_person", sa.String(200), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("tenant_id", "case_number", name="uq_cases_case_number"),
)
sa.Index("ix_cases_tenant_received", cases.c.tenant_id, cases.c.received_at, cases.c.case_id)

timeline = sa.Table(
    "timeline", metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.case_id"), nullable=False,
              index=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
)

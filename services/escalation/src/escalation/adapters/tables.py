"""The escalation service's own tables: policies and clocks."""

from __future__ import annotations

import sqlalchemy as sa
from casebridge_platform.db import UTCDateTime

metadata = sa.MetaData()

policies = sa.Table(
    "policies", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("clock", sa.String(64), primary_key=True),
    sa.Column("days", sa.Integer, nullable=False),
    sa.Column("rule", sa.Text, nullable=False),
)

clocks = sa.Table(
    "clocks", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("rule", sa.Text, nullable=False),
)
sa.Index("ix_clocks_running_due", clocks.c.due_at, sqlite_where=clocks.c.state == "running",
         postgresql_where=clocks.c.state == "running")

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
    sa.Column("starts_on", sa.String(16), nullable=False, default="assigned"),
    # What `days` counts: "working_days", "calendar_days", "working_hours" or "hours".
    sa.Column("unit", sa.String(16), nullable=False, default="calendar_days"),
    sa.Column("office_hours", sa.JSON),  # [["08:00","12:00"], …] for working-hour rules
)

clocks = sa.Table(
    "clocks", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),      # running, paused, stopped
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("paused_at", UTCDateTime),                      # while paused: since when
    sa.Column("pauses", sa.JSON, nullable=False, default=list),  # [[from, to], …] ISO, UTC
)
sa.Index("ix_clocks_running_due", clocks.c.due_at, sqlite_where=clocks.c.state == "running",
         postgresql_where=clocks.c.state == "running")

# Timers are rows: the database is the heap, so a million armed timers cost no memory, survive
# restarts, and a claim (UPDATE … fired_at) fires each exactly once whatever the replicas.
timers = sa.Table(
    "timers", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("clock", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_number", sa.String(32), nullable=False),
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("fired_at", UTCDateTime),
)
sa.Index("ix_timers_pending_due", timers.c.due_at, sqlite_where=timers.c.fired_at.is_(None),
         postgresql_where=timers.c.fired_at.is_(None))

"""The escalation service's own tables: tenant policies, case facts, clocks, timers, calendars,
the late-handling ledger and regulator reports."""

from __future__ import annotations

import sqlalchemy as sa
from casebridge_platform.db import UTCDateTime

metadata = sa.MetaData()

# A tenant's kind (its policy pack), its tightenings of the pack, office hours and regulator.
tenant_settings = sa.Table(
    "tenant_settings", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("overrides", sa.JSON, nullable=False, default=dict),
    sa.Column("office_hours", sa.JSON),            # [["08:00","12:00"], …]
    sa.Column("regulator", sa.String(64), nullable=False, default=""),
    sa.Column("on_duty", sa.String(64), nullable=False, default=""),  # 总值班's department
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# The case events clocks are made of, kept so any case's clocks can be replayed.
case_facts = sa.Table(
    "case_facts", metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_id", sa.String(36), nullable=False, index=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)

# One row per case: the lock its events take in turn, and whether it is still open.
tracked = sa.Table(
    "tracked_cases", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_number", sa.String(32), nullable=False, default=""),
    sa.Column("open", sa.Boolean, nullable=False, default=True),
    sa.Column("department", sa.String(64), nullable=False, default=""),
    sa.Column("handler_id", sa.String(64), nullable=False, default=""),
    sa.Column("first_contact", sa.String(64), nullable=False, default=""),
    sa.Column("severity", sa.String(8), nullable=False, default="一般"),
)

calendar_years = sa.Table(
    "calendar_years", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("holidays", sa.JSON, nullable=False),   # {"2027-02-06": "春节", …}
    sa.Column("workdays", sa.JSON, nullable=False),   # make-up working days, named
    sa.Column("source", sa.Text, nullable=False, default=""),
    sa.Column("loaded_by", sa.String(64), nullable=False),
    sa.Column("loaded_at", UTCDateTime, nullable=False),
)

# Late handling per department (seed 000 客户投诉处理制度 第六条 超时扣罚), one row per missed
# deadline of a clock's round.
ledger = sa.Table(
    "ledger", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("clock", sa.String(64), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_number", sa.String(32), nullable=False),
    sa.Column("department", sa.String(64), nullable=False),
    sa.Column("severity", sa.String(8), nullable=False),
    sa.Column("amount_fen", sa.BigInteger, nullable=False),
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("breached_at", UTCDateTime, nullable=False, index=True),
    sa.Column("rule", sa.Text, nullable=False),
)

# Repeated breaches told to the regulator: once per threshold multiple per month.
regulator_reports = sa.Table(
    "regulator_reports", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("breaches", sa.Integer, primary_key=True),
    sa.Column("regulator", sa.String(64), nullable=False),
    sa.Column("reported_at", UTCDateTime, nullable=False),
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
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("amount", sa.Integer, nullable=False, default=0),
    sa.Column("unit", sa.String(16), nullable=False, default=""),
    sa.Column("extended_by", sa.Integer, nullable=False, default=0),
    sa.Column("warning_at", UTCDateTime),
    sa.Column("stopped_at", UTCDateTime),
    sa.Column("round", sa.Integer, nullable=False, default=1),
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
    sa.Column("round", sa.Integer, nullable=False, default=1),
)
sa.Index("ix_timers_pending_due", timers.c.due_at, sqlite_where=timers.c.fired_at.is_(None),
         postgresql_where=timers.c.fired_at.is_(None))

"""Routing's own tables: categories and routes per tenant, handlers and their load."""

from __future__ import annotations

import sqlalchemy as sa
from casebridge_platform.db import UTCDateTime

metadata = sa.MetaData()

tenants = sa.Table(
    "tenants", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("coordinating_department", sa.String(100), nullable=False),
    sa.Column("on_duty_department", sa.String(100), nullable=False, server_default=""),
    sa.Column("office_hours", sa.JSON, nullable=True),        # [["08:00","12:00"], …]
    sa.Column("severity_rules", sa.JSON, nullable=True),      # None: the default rules
    sa.Column("departments", sa.JSON, nullable=True),         # None: not known, not checked
    sa.Column("off_hours_routing", sa.Boolean, nullable=False, server_default=sa.false()),
    # bumped (versions.touch) with every change of what queries.policy reads
    sa.Column("config_version", sa.Integer, nullable=False, server_default="0"),
)

categories = sa.Table(
    "categories", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("department", sa.String(100), nullable=False),
    sa.Column("keywords", sa.JSON, nullable=False),
)

routes = sa.Table(
    "routes", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("respondent_department", sa.String(100), nullable=False),
    sa.Column("severity", sa.String(8), nullable=False),
    sa.Column("department", sa.String(100), nullable=False),
)

handlers = sa.Table(
    "handlers", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("department", sa.String(100), nullable=False),
    sa.Column("open_cases", sa.Integer, nullable=False, default=0),
)

conflicts = sa.Table(
    "conflicts", metadata,
    sa.Column("conflict_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("party", sa.String(200), nullable=False),
    sa.Column("case_id", sa.String(36), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("declared_at", UTCDateTime, nullable=False),
    sa.Index("conflicts_by_user", "tenant_id", "user_id"),
)

decisions = sa.Table(
    "decisions", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("department", sa.String(100), nullable=False),
    sa.Column("handler_id", sa.String(64), nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=False),
    sa.Column("severity", sa.String(8), nullable=False, server_default=""),
    sa.Column("category_source", sa.String(16), nullable=False, server_default=""),
    # True while the case counts towards handler_id's load; cleared exactly once.
    sa.Column("open", sa.Boolean, nullable=False, server_default=sa.true()),
)

# Off-hours complaints held by the on-duty officer: the decision to announce at handover_at.
handovers = sa.Table(
    "handovers", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("handover_at", UTCDateTime, nullable=False),
    sa.Column("department", sa.String(100), nullable=False),
    sa.Column("handler_id", sa.String(64), nullable=False),
    sa.Column("decision", sa.LargeBinary, nullable=False),  # routing_pb2.RoutingDecided
    sa.Column("handed_over_at", UTCDateTime, nullable=True),  # set when announced or moot
    sa.Index("handovers_pending", "handover_at", sqlite_where=sa.text("handed_over_at IS NULL"),
             postgresql_where=sa.text("handed_over_at IS NULL")),
)

# The calendar years an admin loaded in escalation (escalation.year_loaded), the latest load of
# each: the hand-over counts on the same working days as the deadlines.
calendar_years = sa.Table(
    "calendar_years", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("holidays", sa.JSON, nullable=False),   # {"2027-02-06": "春节", …}
    sa.Column("workdays", sa.JSON, nullable=False),   # make-up working days, named
    sa.Column("source", sa.Text, nullable=False, server_default=""),
    sa.Column("loaded_at", UTCDateTime, nullable=False),  # escalation's; a later load replaces
)

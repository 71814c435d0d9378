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
)

categories = sa.Table(
    "categories", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("department", sa.String(100), nullable=False),
    sa.Column("keywords", sa.JSON, nullable=False),
)

handlers = sa.Table(
    "handlers", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("department", sa.String(100), nullable=False),
    sa.Column("open_cases", sa.Integer, nullable=False, default=0),
)

decisions = sa.Table(
    "decisions", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("department", sa.String(100), nullable=False),
    sa.Column("handler_id", sa.String(64), nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=False),
)

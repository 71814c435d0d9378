"""Intake's own tables."""

from __future__ import annotations

import sqlalchemy as sa
from casebridge_platform.db import UTCDateTime

metadata = sa.MetaData()

tenants = sa.Table(
    "tenants", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("case_number_prefix", sa.String(16), nullable=False),
    sa.Column("categories", sa.JSON, nullable=False),
)

counters = sa.Table(
    "case_number_counters", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("last", sa.Integer, nullable=False),
)

submissions = sa.Table(
    "submissions", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_number", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("demands", sa.Text, nullable=False),
    sa.Column("anonymous", sa.Boolean, nullable=False),
    sa.Column("complainant_name", sa.String(200), nullable=False),
    sa.Column("complainant_phone", sa.String(32), nullable=False),
    sa.Column("respondent_department", sa.String(200), nullable=False),
    sa.Column("respondent_person", sa.String(200), nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("received_by", sa.String(64), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("access_code_hash", sa.String(64)),
    sa.UniqueConstraint("tenant_id", "case_number", name="uq_submissions_case_number"),
)

idempotency = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("response", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

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
    sa.Column("form", sa.JSON),  # the tenant's copy of its kind's form (domain.forms)
    sa.Column("categories_at", UTCDateTime),  # when routing's category list was last applied
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
    sa.Column("complainant_unit", sa.String(200), nullable=False, server_default=""),
    sa.Column("complainant_relation", sa.String(64), nullable=False, server_default=""),
    sa.Column("complainant_address", sa.String(500), nullable=False, server_default=""),
    sa.Column("complainant_email", sa.String(200), nullable=False, server_default=""),
    sa.Column("phone_key", sa.String(32), nullable=False, server_default=""),  # digits only
    sa.Column("respondent_unit", sa.String(200), nullable=False, server_default=""),
    sa.Column("respondent_other_departments", sa.JSON),
    sa.Column("facts", sa.Text, nullable=False, server_default=""),
    sa.Column("incident_time", sa.String(40), nullable=False, server_default=""),
    sa.Column("incident_place", sa.String(200), nullable=False, server_default=""),
    sa.Column("claimed_amount_fen", sa.BigInteger),
    sa.Column("claimed_currency", sa.String(3)),
    sa.Column("details", sa.JSON),
    sa.Column("circumstances", sa.JSON),
    sa.Column("referred_by", sa.String(200), nullable=False, server_default=""),
    sa.Column("possible_duplicates", sa.JSON),
    sa.Column("sealed_identity", sa.Text),  # a real-name reporter's, sealed; plaintext emptied
    sa.UniqueConstraint("tenant_id", "case_number", name="uq_submissions_case_number"),
    # Where possible duplicates are looked for: same phone, name or respondent, recent.
    sa.Index("ix_submissions_phone", "tenant_id", "phone_key"),
    sa.Index("ix_submissions_name", "tenant_id", "complainant_name"),
    sa.Index("ix_submissions_respondent_unit", "tenant_id", "respondent_unit"),
    sa.Index("ix_submissions_respondent_department", "tenant_id", "respondent_department"),
    sa.Index("ix_submissions_respondent_person", "tenant_id", "respondent_person"),
    sa.Index("ix_submissions_received_at", "tenant_id", "received_at"),
)

idempotency = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("response", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

"""Intake's first tables: tenants, case number counters, submissions, idempotency keys.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from casebridge_platform.messaging.tables import create_tables_v1, drop_tables_v1

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("case_number_prefix", sa.String(16), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
    )
    op.create_table(
        "case_number_counters",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "submissions",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("case_number", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("demands", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("complainant_name", sa.String(200), nullable=False),
        sa.Column("complainant_phone", sa.String(32), nullable=False),
        sa.Column("respondent_department", sa.String(200), nullable=False),
        sa.Column("respondent_person", sa.String(200), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("received_by", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("access_code_hash", sa.String(64), nullable=True),
        sa.UniqueConstraint("tenant_id", "case_number", name="uq_submissions_case_number"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_tables_v1(op)


def downgrade() -> None:
    drop_tables_v1(op)
    op.drop_table("idempotency_keys")
    op.drop_table("submissions")
    op.drop_table("case_number_counters")
    op.drop_table("tenants")

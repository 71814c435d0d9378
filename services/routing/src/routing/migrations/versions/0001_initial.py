"""Routing's first tables: tenants, categories, handlers, decisions.

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
        sa.Column("coordinating_department", sa.String(100), nullable=False),
    )
    op.create_table(
        "categories",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
    )
    op.create_table(
        "handlers",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("open_cases", sa.Integer(), nullable=False),
    )
    op.create_table(
        "decisions",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("handler_id", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_tables_v1(op)


def downgrade() -> None:
    drop_tables_v1(op)
    op.drop_table("decisions")
    op.drop_table("handlers")
    op.drop_table("categories")
    op.drop_table("tenants")

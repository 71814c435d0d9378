"""Loaded calendar years, kept from escalation.year_loaded for the off-hours hand-over.

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op
from casebridge_platform.migrations import isolate_tenants, share_tenants

revision = "0004"
down_revision = "0003"
TABLES = ["calendar_years"]


def upgrade() -> None:
    op.create_table(
        "calendar_years",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("workdays", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False, server_default=""),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    isolate_tenants(op, TABLES)


def downgrade() -> None:
    share_tenants(op, TABLES)
    op.drop_table("calendar_years")

"""The escalation service's first tables: policies and clocks.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from casebridge_platform.messaging.tables import create_tables_v1, drop_tables_v1

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "policies",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("clock", sa.String(64), primary_key=True),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
    )
    op.create_table(
        "clocks",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
    )
    op.create_index("ix_clocks_running_due", "clocks", ["due_at"],
                    sqlite_where=sa.text("state = 'running'"),
                    postgresql_where=sa.text("state = 'running'"))
    create_tables_v1(op)


def downgrade() -> None:
    drop_tables_v1(op)
    op.drop_index("ix_clocks_running_due", table_name="clocks")
    op.drop_table("clocks")
    op.drop_table("policies")

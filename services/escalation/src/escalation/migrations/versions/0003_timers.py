"""Timers as rows: each clock's breach (and later warning) moments, fired by claim.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op
from casebridge_platform.migrations import isolate_tenants, share_tenants

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "timers",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("clock", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("case_number", sa.String(32), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_timers_pending_due", "timers", ["due_at"],
                    sqlite_where=sa.text("fired_at IS NULL"),
                    postgresql_where=sa.text("fired_at IS NULL"))
    isolate_tenants(op, ["timers"])


def downgrade() -> None:
    share_tenants(op, ["timers"])
    op.drop_index("ix_timers_pending_due", table_name="timers")
    op.drop_table("timers")

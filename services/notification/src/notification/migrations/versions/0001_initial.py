"""The notification service's first table: deliveries.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from casebridge_platform.messaging.tables import create_tables_v1, drop_tables_v1

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("delivery_id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("source_event_id", "recipient", "channel",
                            name="uq_deliveries_event_recipient_channel"),
    )
    op.create_index("ix_deliveries_case_id", "deliveries", ["case_id"])
    create_tables_v1(op)


def downgrade() -> None:
    drop_tables_v1(op)
    op.drop_index("ix_deliveries_case_id", table_name="deliveries")
    op.drop_table("deliveries")

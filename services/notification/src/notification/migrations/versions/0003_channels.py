"""Deliveries leave over real channels: each is pending until sent, retried with backoff, dead
after the last attempt; complainants' contacts (sealed) and the tenant's webhook endpoints.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op
from casebridge_platform.migrations import isolate_tenants, share_tenants

revision = "0003"
down_revision = "0002"
TZ = sa.DateTime(timezone=True)
TABLES = ["contacts", "endpoints"]


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("subject", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("data", sa.JSON, nullable=True))
        batch.add_column(sa.Column("last_error", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("next_attempt_at", TZ, nullable=True))
        batch.add_column(sa.Column("created_at", TZ, nullable=True))
        batch.add_column(sa.Column("reference", sa.String(128), nullable=False,
                                   server_default=""))
    # only pending and retrying rows have a next attempt: a plain index skips the rest (NULL)
    op.create_index("ix_deliveries_due", "deliveries", ["next_attempt_at"])
    op.create_table(
        "contacts",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("sealed", sa.Text, nullable=False),       # {"email", "phone"} sealed to the case
        sa.Column("locale", sa.String(8), nullable=False, server_default="zh-CN"))
    op.create_table(
        "endpoints",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("endpoint_id", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),       # sealed to the endpoint
        sa.Column("templates", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("updated_at", TZ, nullable=False))
    isolate_tenants(op, TABLES)


def downgrade() -> None:
    share_tenants(op, TABLES)
    op.drop_table("endpoints")
    op.drop_table("contacts")
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        for column in ("reference", "created_at", "next_attempt_at", "last_error", "data",
                       "subject"):
            batch.drop_column(column)

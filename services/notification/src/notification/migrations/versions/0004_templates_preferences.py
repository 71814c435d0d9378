"""A tenant's own wording of the templates, and each staff member's channels and quiet hours.

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op
from casebridge_platform.migrations import isolate_tenants, share_tenants

revision = "0004"
down_revision = "0003"
TABLES = ["template_overrides", "preferences"]


def upgrade() -> None:
    op.create_table(
        "template_overrides",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("locale", sa.String(8), primary_key=True),
        sa.Column("subject", sa.Text, nullable=True),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("sms", sa.Text, nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False))
    op.create_table(
        "preferences",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("quiet_from", sa.String(5), nullable=False, server_default=""),
        sa.Column("quiet_to", sa.String(5), nullable=False, server_default=""),
        sa.Column("email", sa.String(254), nullable=False, server_default=""),
        sa.Column("phone", sa.String(32), nullable=False, server_default=""))
    isolate_tenants(op, TABLES)


def downgrade() -> None:
    share_tenants(op, TABLES)
    op.drop_table("preferences")
    op.drop_table("template_overrides")

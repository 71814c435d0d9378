"""Routing table, declared conflicts, off-hours handovers; tenant policy; decision load flag.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op
from casebridge_platform.migrations import isolate_tenants, share_tenants

revision = "0003"
down_revision = "0002"
TABLES = ["routes", "conflicts", "handovers"]


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("on_duty_department", sa.String(100), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("office_hours", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("severity_rules", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("departments", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("off_hours_routing", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("severity", sa.String(8), nullable=False, server_default=""))
        batch.add_column(sa.Column("category_source", sa.String(16), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("open", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    op.create_table(
        "routes",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("respondent_department", sa.String(100), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
    )
    op.create_table(
        "conflicts",
        sa.Column("conflict_id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("party", sa.String(200), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("conflicts_by_user", "conflicts", ["tenant_id", "user_id"])
    op.create_table(
        "handovers",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("handover_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("handler_id", sa.String(64), nullable=False),
        sa.Column("decision", sa.LargeBinary(), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("handovers_pending", "handovers", ["handover_at"],
                    sqlite_where=sa.text("handed_over_at IS NULL"),
                    postgresql_where=sa.text("handed_over_at IS NULL"))
    isolate_tenants(op, TABLES)


def downgrade() -> None:
    share_tenants(op, TABLES)
    op.drop_index("handovers_pending", table_name="handovers")
    op.drop_table("handovers")
    op.drop_index("conflicts_by_user", table_name="conflicts")
    op.drop_table("conflicts")
    op.drop_table("routes")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("open")
        batch.drop_column("category_source")
        batch.drop_column("severity")
    with op.batch_alter_table("tenants") as batch:
        for column in ("off_hours_routing", "departments", "severity_rules", "office_hours",
                       "on_duty_department"):
            batch.drop_column(column)

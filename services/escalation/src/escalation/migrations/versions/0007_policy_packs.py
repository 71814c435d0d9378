"""Policy packs replace one deadline per tenant: tenant settings, case facts to replay clocks
from, loaded calendar years, the late-handling ledger and regulator reports.

Revision ID: 0007
"""

import sqlalchemy as sa
from alembic import op
from casebridge_platform.migrations import isolate_tenants, share_tenants

revision = "0007"
down_revision = "0006"
TABLES = ["tenant_settings", "case_facts", "tracked_cases", "calendar_years", "ledger",
          "regulator_reports"]
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "tenant_settings",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("overrides", sa.JSON, nullable=False),
        sa.Column("office_hours", sa.JSON),
        sa.Column("regulator", sa.String(64), nullable=False, server_default=""),
        sa.Column("on_duty", sa.String(64), nullable=False, server_default=""),
        sa.Column("updated_at", TZ, nullable=False))
    op.create_table(
        "case_facts",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False, index=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("data", sa.JSON, nullable=False))
    op.create_table(
        "tracked_cases",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("case_number", sa.String(32), nullable=False, server_default=""),
        sa.Column("open", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("department", sa.String(64), nullable=False, server_default=""),
        sa.Column("handler_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("first_contact", sa.String(64), nullable=False, server_default=""),
        sa.Column("severity", sa.String(8), nullable=False, server_default="一般"))
    op.create_table(
        "calendar_years",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("holidays", sa.JSON, nullable=False),
        sa.Column("workdays", sa.JSON, nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("loaded_by", sa.String(64), nullable=False),
        sa.Column("loaded_at", TZ, nullable=False))
    op.create_table(
        "ledger",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("clock", sa.String(64), primary_key=True),
        sa.Column("round", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("case_number", sa.String(32), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("breached_at", TZ, nullable=False, index=True),
        sa.Column("rule", sa.Text, nullable=False))
    op.create_table(
        "regulator_reports",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("breaches", sa.Integer, primary_key=True),
        sa.Column("regulator", sa.String(64), nullable=False),
        sa.Column("reported_at", TZ, nullable=False))
    with op.batch_alter_table("clocks") as batch:
        batch.add_column(sa.Column("title", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("amount", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("unit", sa.String(16), nullable=False, server_default=""))
        batch.add_column(sa.Column("extended_by", sa.Integer, nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("warning_at", TZ, nullable=True))
        batch.add_column(sa.Column("stopped_at", TZ, nullable=True))
        batch.add_column(sa.Column("round", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("timers") as batch:
        batch.add_column(sa.Column("round", sa.Integer, nullable=False, server_default="1"))
    isolate_tenants(op, TABLES)
    share_tenants(op, ["policies"])
    op.drop_table("policies")


def downgrade() -> None:
    raise NotImplementedError("the per-tenant deadline policies are not restored")

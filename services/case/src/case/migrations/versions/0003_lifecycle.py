"""The case lifecycle: severity and decisions on the case, work items, action keys, and a
timeline that refuses UPDATE and DELETE.

Revision ID: 0003
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from casebridge_platform.migrations import isolate_tenants, share_tenants

revision = "0003"
down_revision = "0002"

CASE_COLUMNS: list[sa.Column[Any]] = [
    sa.Column("severity", sa.String(8), nullable=False, server_default="一般"),
    sa.Column("coordinated", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("on_duty", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("disposition", sa.String(16), nullable=False, server_default=""),
    sa.Column("held_from", sa.String(32), nullable=False, server_default=""),
    sa.Column("round", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("escalated", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("extra", sa.JSON(), nullable=False, server_default="{}"),
]
TIMELINE_COLUMNS: list[sa.Column[Any]] = [
    sa.Column("from_status", sa.String(32), nullable=False, server_default=""),
    sa.Column("to_status", sa.String(32), nullable=False, server_default=""),
    sa.Column("reason", sa.Text(), nullable=False, server_default=""),
]
INDEXES = {"ix_cases_tenant_status": ["tenant_id", "status"],
           "ix_cases_tenant_department": ["tenant_id", "department"],
           "ix_cases_tenant_handler": ["tenant_id", "handler_id"],
           "ix_cases_tenant_due": ["tenant_id", "due_at"]}
APPEND_ONLY_PG = [
    "CREATE FUNCTION timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'the case timeline is append-only'; END $$",
    "CREATE TRIGGER timeline_append_only BEFORE UPDATE OR DELETE ON timeline "
    "FOR EACH ROW EXECUTE FUNCTION timeline_append_only()",
]


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for column in CASE_COLUMNS:
            batch.add_column(column)
    with op.batch_alter_table("timeline") as batch:
        for column in TIMELINE_COLUMNS:
            batch.add_column(column)
    for name, columns in INDEXES.items():
        op.create_index(name, "cases", columns)
    op.create_table(
        "case_items",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.case_id"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
    )
    op.create_index("ix_case_items_case_id", "case_items", ["case_id"])
    op.create_table(
        "action_keys",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "tenants",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("coordinating_department", sa.String(100), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
    )
    isolate_tenants(op, ["case_items", "action_keys", "tenants"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in APPEND_ONLY_PG:
            op.execute(statement)
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER timeline_no_{verb.lower()} BEFORE {verb} ON timeline "
                       "BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER timeline_append_only ON timeline")
        op.execute("DROP FUNCTION timeline_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER timeline_no_{verb}")
    share_tenants(op, ["case_items", "action_keys", "tenants"])
    op.drop_table("tenants")
    op.drop_table("action_keys")
    op.drop_index("ix_case_items_case_id", table_name="case_items")
    op.drop_table("case_items")
    for name in INDEXES:
        op.drop_index(name, table_name="cases")
    with op.batch_alter_table("timeline") as batch:
        for column in TIMELINE_COLUMNS:
            batch.drop_column(column.name)
    with op.batch_alter_table("cases") as batch:
        for column in CASE_COLUMNS:
            batch.drop_column(column.name)

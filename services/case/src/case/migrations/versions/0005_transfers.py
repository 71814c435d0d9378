"""Transfers between institutions: each side's transfer rows, the messages applied, and for
federation the nonces seen and the messages owed to other deployments; tenants' names.

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op
from casebridge_platform.migrations import isolate_tenants, share_tenants

revision = "0005"
down_revision = "0004"
ISOLATED = ["transfers", "transfer_messages"]


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("name", sa.String(200), nullable=False, server_default=""))
    op.create_table(
        "transfers",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("transfer_id", sa.String(36), primary_key=True),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("path", sa.String(64), nullable=False),
        sa.Column("path_kind", sa.String(32), nullable=False),
        sa.Column("peer", sa.String(64), nullable=False, server_default=""),
        sa.Column("remote", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("case_number", sa.String(32), nullable=False, server_default=""),
        sa.Column("peer_case_number", sa.String(32), nullable=False, server_default=""),
        sa.Column("reason_code", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(64), nullable=False, server_default=""),
        sa.Column("outcome_text", sa.Text(), nullable=False, server_default=""),
        sa.Column("answer_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("package", sa.JSON(), nullable=False),
        sa.Column("delivery", sa.String(16), nullable=False, server_default=""),
        _at("offered_at"), _at("updated_at"),
    )
    op.create_index("ix_transfers_case", "transfers", ["tenant_id", "case_id"])
    op.create_table(
        "transfer_messages",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("message_id", sa.String(36), primary_key=True),
        sa.Column("transfer_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        _at("received_at"),
    )
    op.create_table(
        "federation_nonces",
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("issuer", sa.String(64), nullable=False),
        _at("expires_at"),
    )
    op.create_index("ix_federation_nonces_expires_at", "federation_nonces", ["expires_at"])
    op.create_table(
        "federation_outbox",
        sa.Column("message_id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("to_agency", sa.String(64), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        _at("next_at"), _at("lease_until", True), _at("delivered_at", True),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        _at("created_at"),
    )
    op.create_index("ix_federation_outbox_next_at", "federation_outbox", ["next_at"])
    isolate_tenants(op, ISOLATED)


def downgrade() -> None:
    share_tenants(op, ISOLATED)
    for table in ("federation_outbox", "federation_nonces", "transfer_messages", "transfers"):
        op.drop_table(table)
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("name")

"""The outbox and inbox tables every service keeps beside its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from casebridge_platform.db import UTCDateTime

if TYPE_CHECKING:
    from casebridge_platform.migrations import Op  # alembic stays out of the runtime's imports

metadata = sa.MetaData()

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(36), nullable=False, unique=True),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("headers", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("published_at", UTCDateTime),
)
sa.Index("ix_outbox_pending", outbox.c.seq, sqlite_where=outbox.c.published_at.is_(None),
         postgresql_where=outbox.c.published_at.is_(None))
sa.Index("ix_outbox_published_at", outbox.c.published_at)

inbox = sa.Table(
    "inbox",
    metadata,
    sa.Column("consumer", sa.String(100), primary_key=True),
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("processed_at", UTCDateTime, nullable=False),
)
sa.Index("ix_inbox_processed_at", inbox.c.processed_at)


def create_tables_v1(op: Op) -> None:
    """Frozen outbox/inbox; later changes need a new function, called from new service revisions."""
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index("ix_outbox_pending", "outbox", ["seq"],
                    sqlite_where=sa.text("published_at IS NULL"),
                    postgresql_where=sa.text("published_at IS NULL"))
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(100), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )


def create_indexes_v2(op: Op) -> None:
    """Frozen: what the purge of old outbox and inbox rows finds them by (it walked both
    tables once a minute; the inbox was never purged)."""
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"])
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])


def drop_indexes_v2(op: Op) -> None:
    op.drop_index("ix_inbox_processed_at", table_name="inbox")
    op.drop_index("ix_outbox_published_at", table_name="outbox")


def drop_tables_v1(op: Op) -> None:
    """Undo create_tables_v1, from a service's 0001 downgrade."""
    op.drop_table("inbox")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")

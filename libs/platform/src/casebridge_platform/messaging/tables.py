"""The outbox and inbox tables every service keeps beside its own."""

from __future__ import annotations

import sqlalchemy as sa

from casebridge_platform.db import UTCDateTime

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

inbox = sa.Table(
    "inbox",
    metadata,
    sa.Column("consumer", sa.String(100), primary_key=True),
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("processed_at", UTCDateTime, nullable=False),
)


def create_tables(op) -> None:  # type: ignore[no-untyped-def]
    """Create outbox and inbox from a service's first migration."""
    bind = op.get_bind()
    metadata.create_all(bind, tables=[outbox, inbox])

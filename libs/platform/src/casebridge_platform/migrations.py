"""Alembic per service, run from code: each service's migrations/env.py calls run_env()."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

from casebridge_platform.db import Database, ensure_schema


def run_env() -> None:
    """Body of every service's env.py: migrate over the connection upgrade() handed in."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


def _upgrade(sync_conn: sa.Connection, script_location: Path) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["connection"] = sync_conn
    command.upgrade(cfg, "head")


async def upgrade(engine: AsyncEngine, db: Database, script_location: Path) -> None:
    """Bring the service's schema to head; on PostgreSQL one replica at a time."""
    async with engine.begin() as conn:
        if db.is_postgres:
            await conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                               {"k": f"casebridge-migrate-{db.schema}"})
            await ensure_schema(conn, db)
        await conn.run_sync(_upgrade, script_location)

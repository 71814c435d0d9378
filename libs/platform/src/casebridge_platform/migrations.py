"""Alembic per service, run from code: each service's migrations/env.py calls run_env()."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from casebridge_platform.db import ALL_TENANTS, TENANT_SETTING, Database, ensure_schema


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
        await conn.run_sync(_upgrade if _replays is None else _recorded_or_replayed,
                            script_location)


# A test process migrates hundreds of empty databases the same way, and alembic's Python is
# most of a test platform's start. With replay_empty() (the test suite's conftest), the SQL
# the first migration of an empty database sent is kept per dialect and service, and sent
# again as it was to the next empty one. Never used by the services themselves.
Statement = tuple[str, Any]
_replays: dict[tuple[str, str], list[Statement]] | None = None


def replay_empty() -> None:
    global _replays
    _replays = {}


def _recorded_or_replayed(sync_conn: sa.Connection, script_location: Path) -> None:
    assert _replays is not None
    key = (sync_conn.dialect.name, str(script_location))
    empty = sync_conn.exec_driver_sql(
        "SELECT to_regclass('alembic_version') IS NULL" if key[0] == "postgresql" else
        "SELECT count(*) = 0 FROM sqlite_master WHERE name = 'alembic_version'").scalar()
    if empty and key in _replays:
        for statement, parameters in _replays[key]:
            sync_conn.exec_driver_sql(statement, parameters)
        return
    sent: list[Statement] = []

    def keep(_conn: object, _cursor: object, statement: str, parameters: Any,
             _context: object, _many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(sync_conn, "before_cursor_execute", keep)
    try:
        _upgrade(sync_conn, script_location)
    finally:
        event.remove(sync_conn, "before_cursor_execute", keep)
    if empty:
        _replays[key] = sent


class Op(Protocol):
    """What the shared migration helpers use of alembic's `op`: a module proxying the running
    migration's Operations, which is why this is a protocol and not `Operations`."""

    def get_bind(self) -> sa.Connection: ...

    def execute(self, sqltext: str) -> None: ...

    def create_table(self, table_name: str, *columns: sa.schema.SchemaItem) -> sa.Table: ...

    def create_index(self, index_name: str | None, table_name: str, columns: Sequence[str], *,
                     sqlite_where: sa.TextClause | None = None,
                     postgresql_where: sa.TextClause | None = None) -> None: ...

    def drop_table(self, table_name: str) -> None: ...

    def drop_index(self, index_name: str, table_name: str | None = None) -> None: ...


def isolate_tenants(op: Op, tables: list[str]) -> None:
    """PostgreSQL row-level security: a row is seen and written only under its own tenant.

    The tenant comes from the `casebridge.tenant` setting (UnitOfWork.set_tenant: one tenant's
    for the connection's session until another is set, all tenants' for one transaction only);
    without it no row is visible. Forced, so the owning role is held to it too; a superuser
    or BYPASSRLS role is not, so services must not connect as one.
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    rule = (f"tenant_id = current_setting('{TENANT_SETTING}', true) "
            f"OR current_setting('{TENANT_SETTING}', true) = '{ALL_TENANTS}'")
    for table in tables:
        op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY tenant_isolation ON "{table}" USING ({rule}) '
                   f"WITH CHECK ({rule})")


def share_tenants(op: Op, tables: list[str]) -> None:
    """Undo isolate_tenants."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        op.execute(f'DROP POLICY IF EXISTS tenant_isolation ON "{table}"')
        op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')

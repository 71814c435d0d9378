"""PostgreSQL row-level security keeps each tenant's rows to itself, whatever the query says."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
import sqlalchemy as sa
from casebridge_platform import db, migrations
from casebridge_platform.config import Settings
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.runtime import Runtime
from intake.adapters.tables import counters
from intake.bootstrap import MIGRATIONS


async def test_rows_of_another_tenant_are_invisible_and_unwritable(settings: Settings) -> None:
    if settings.database == "sqlite":
        pytest.skip("row-level security is PostgreSQL's; SQLite files are per service")
    database = db.locate(settings.database, "intake", settings.var_dir)
    engine = db.create_engine(database)
    try:
        await migrations.upgrade(engine, database, MIGRATIONS)
        assert not await db.bypasses_row_security(engine)

        def uow() -> UnitOfWork:
            return UnitOfWork(engine, "cb", lambda events: None)

        async with uow() as work:
            await work.all_tenants()
            await work.conn.execute(counters.insert(), [
                {"tenant_id": "hospital-a", "year": 2026, "last": 1},
                {"tenant_id": "hospital-b", "year": 2026, "last": 2}])
            await work.commit()

        async def visible(tenant: str | None) -> list[str]:
            async with uow() as work:
                if tenant:
                    await work.set_tenant(tenant)
                rows = await work.conn.execute(sa.select(counters.c.tenant_id)
                                               .order_by(counters.c.tenant_id))
                return list(rows.scalars())

        assert await visible("hospital-a") == ["hospital-a"]  # no WHERE, still one tenant
        assert await visible(None) == []                      # no tenant set: nothing at all
        assert await visible("*") == ["hospital-a", "hospital-b"]

        async with uow() as work:
            await work.set_tenant("hospital-a")
            changed = await work.conn.execute(counters.update().values(last=99))
            assert changed.rowcount == 1                       # only its own row
            with pytest.raises(sa.exc.DBAPIError, match="row-level security"):
                await work.conn.execute(counters.insert().values(
                    tenant_id="hospital-b", year=2027, last=1))
        async with uow() as work:
            await work.all_tenants()
            rows = await work.conn.execute(sa.select(counters.c.tenant_id, counters.c.last)
                                           .order_by(counters.c.tenant_id))
            assert rows.all() == [("hospital-a", 1), ("hospital-b", 2)]  # nothing committed
    finally:
        await engine.dispose()


async def test_rows_inserted_at_commit_are_checked_under_their_own_tenant(
        settings: Settings) -> None:
    """A consumer's batch mixes tenants; each deferred row is written under its own."""
    database = db.locate(settings.database, "intake", settings.var_dir)
    engine = db.create_engine(database)
    try:
        await migrations.upgrade(engine, database, MIGRATIONS)
        async with UnitOfWork(engine, "cb", lambda events: None) as work:
            await work.set_tenant("hospital-b")
            for tenant, year in (("hospital-a", 2026), ("hospital-b", 2026),
                                 ("hospital-a", 2027)):
                work.insert_later(counters, {"tenant_id": tenant, "year": year, "last": 1})
            await work.commit()
        async with UnitOfWork(engine, "cb", lambda events: None) as work:
            await work.all_tenants()
            rows = await work.conn.execute(sa.select(counters.c.tenant_id)
                                           .order_by(counters.c.tenant_id))
            assert list(rows.scalars()) == ["hospital-a", "hospital-a", "hospital-b"]
    finally:
        await engine.dispose()


async def test_a_connection_keeps_one_tenants_scope_between_transactions_never_all(
        settings: Settings) -> None:
    """The scope of one tenant stays on the connection's session after commit, so the next
    transaction for that tenant sends no set_config; ALL_TENANTS and what a rolled-back
    transaction set do not stay."""
    if settings.database == "sqlite":
        pytest.skip("row-level security is PostgreSQL's; SQLite files are per service")
    database = db.locate(settings.database, "intake", settings.var_dir)
    engine = db.create_engine(database, pool_size=1)   # every transaction on one connection
    try:
        await migrations.upgrade(engine, database, MIGRATIONS)
        async with UnitOfWork(engine, "cb", lambda events: None) as work:
            await work.all_tenants()
            await work.conn.execute(counters.insert(), [
                {"tenant_id": "hospital-a", "year": 2026, "last": 1},
                {"tenant_id": "hospital-b", "year": 2026, "last": 2}])
            await work.commit()

        sent: list[str] = []

        def keep(_c: object, _cur: object, statement: str, *_rest: object) -> None:
            sent.append(statement)

        async def visible(tenant: str | None, *, commit: bool = True) -> list[str]:
            async with UnitOfWork(engine, "cb", lambda events: None) as work:
                sa.event.listen(work.conn.sync_connection, "before_cursor_execute", keep)
                if tenant:
                    await work.set_tenant(tenant)
                rows = list((await work.conn.execute(
                    sa.select(counters.c.tenant_id).order_by(counters.c.tenant_id))).scalars())
                if commit:
                    await work.commit()
                return rows

        def scoped() -> int:
            n = sum("set_config" in s for s in sent)
            sent.clear()
            return n

        assert await visible("*") == ["hospital-a", "hospital-b"] and scoped() == 1
        assert await visible(None) == []              # ALL_TENANTS ended with its transaction
        assert scoped() == 0
        assert await visible("hospital-a") == ["hospital-a"] and scoped() == 1
        assert await visible("hospital-a") == ["hospital-a"] and scoped() == 0  # kept
        assert await visible("*") == ["hospital-a", "hospital-b"] and scoped() == 1
        assert await visible("hospital-a") == ["hospital-a"] and scoped() == 0  # back to a
        assert await visible("hospital-b", commit=False) == ["hospital-b"] and scoped() == 1
        assert await visible("hospital-a") == ["hospital-a"] and scoped() == 0  # rolled back
        assert await visible("hospital-b") == ["hospital-b"] and scoped() == 1
        assert await visible(None) == ["hospital-b"]  # no scope of its own: the session's one
    finally:
        await engine.dispose()


async def test_a_connection_cut_in_a_transaction_is_reported_as_the_database_away(
        settings: Settings) -> None:
    """PostgreSQL restarted (or failed over) under a unit of work: the caller sees the
    database's own error, which callers answer UNAVAILABLE (retry). Restoring the session's
    tenant scope on the dead connection once tried to reconnect where SQLAlchemy cannot
    (MissingGreenlet): an INTERNAL error, a 500 at the gateway, in the cluster benchmark."""
    if settings.database == "sqlite":
        pytest.skip("a PostgreSQL server process ended under the transaction")
    database = db.locate(settings.database, "intake", settings.var_dir)
    engine = db.create_engine(database, pool_size=1)
    try:
        async with UnitOfWork(engine, "cb", lambda events: None) as work:
            await work.set_tenant("hospital-a")   # the connection keeps this scope
            await work.commit()
        with pytest.raises(sa.exc.DBAPIError) as raised:
            async with UnitOfWork(engine, "cb", lambda events: None) as work:
                await work.set_tenant("hospital-a")
                pid = (await work.conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar()
                cut = await asyncpg.connect(settings.database)
                try:
                    # answered once the server process has gone
                    await cut.execute("SELECT pg_terminate_backend($1, 5000)", pid)
                finally:
                    await cut.close()
                await work.conn.execute(sa.text("SELECT 1"))
        assert db.unavailable(raised.value), raised.value
        async with UnitOfWork(engine, "cb", lambda events: None) as work:   # and it goes on
            await work.set_tenant("hospital-b")
            assert (await work.conn.execute(sa.text(
                "SELECT current_setting('casebridge.tenant')"))).scalar() == "hospital-b"
    finally:
        await engine.dispose()


async def test_sqlite_transactions_take_their_turn_in_order(tmp_path: Path) -> None:
    """A steady writer does not starve another transaction of the same process: it gets the
    file next, not after SQLite's busy handler happened to wake at a free moment."""
    database = db.locate("sqlite", "intake", tmp_path)
    engine = db.create_engine(database)
    order: list[str] = []
    fifth = asyncio.Event()
    try:
        await migrations.upgrade(engine, database, MIGRATIONS)

        async def write(who: str, year: int) -> None:
            async with UnitOfWork(engine, "cb", lambda events: None) as work:
                await work.conn.execute(counters.insert().values(
                    tenant_id=who, year=year, last=1))
                await asyncio.sleep(0.01)   # the transaction holds the file a while
                await work.commit()
            order.append(who)
            if len(order) == 5:
                fifth.set()

        async def steady() -> None:
            for year in range(2000, 2030):
                await write("steady", year)

        running = asyncio.create_task(steady())
        await fifth.wait()
        await write("other", 2000)
        await running
    finally:
        await engine.dispose()
    assert order.index("other") <= 7, order   # queued behind at most the transaction in hand


async def test_sqlite_keeps_statistics_for_its_plans(settings: Settings) -> None:
    """SQLite plans from ANALYZE's statistics; the runtime refreshes them (once a minute)."""
    if settings.database != "sqlite":
        pytest.skip("SQLite's statistics")
    runtime = Runtime("intake", settings, MIGRATIONS)
    await runtime.start()
    try:
        async with runtime.engine.begin() as conn:
            await conn.execute(counters.insert(), [
                {"tenant_id": f"t{i}", "year": 2026, "last": i} for i in range(50)])
        refreshing = asyncio.create_task(runtime._keep_statistics(every_s=0.05))
        await asyncio.sleep(0.5)
        refreshing.cancel()
        async with runtime.engine.connect() as conn:
            kept = (await conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'case_number_counters'")).scalar()
        assert kept and kept > 0
    finally:
        await runtime.stop()

"""Batch statements with one SQL text whatever the batch size: a list of keys (db.one_of) and
rows inserted if new (db.insert_new), on SQLite and PostgreSQL; PostgreSQL's planner
statistics kept where autovacuum does not run (db.analyze_changed), and the plans the server
keeps made again with them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from casebridge_platform import db
from sqlalchemy.ext.asyncio import AsyncEngine

metadata = sa.MetaData()
facts = sa.Table("facts", metadata,
                 sa.Column("event_id", sa.String(36), primary_key=True),
                 sa.Column("at", db.UTCDateTime, nullable=False),
                 sa.Column("data", sa.JSON, nullable=False))
AT = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def rows(*ids: str) -> list[dict]:
    return [{"event_id": i, "at": AT, "data": {"text": f"投诉 {i}", "n": [1, 2]}} for i in ids]


@asynccontextmanager
async def with_facts(database: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine of one connection whose database has the facts table."""
    located = db.locate(database, "statements", tmp_path)
    engine = db.create_engine(located, pool_size=1)
    try:
        async with engine.begin() as conn:
            await db.ensure_schema(conn, located)
            await conn.run_sync(metadata.create_all)
        yield engine
    finally:
        await engine.dispose()


async def test_rows_are_inserted_once_and_found_by_key(database: str, tmp_path: Path) -> None:
    async with with_facts(database, tmp_path) as engine, engine.begin() as conn:
        assert await db.insert_new(conn, facts, rows("a", "b"), returning="event_id") \
            == {"a", "b"}
        # a redelivered row and a row twice in one batch are each kept once
        assert await db.insert_new(conn, facts, rows("b", "c", "d", "d"),
                                   returning="event_id") == {"c", "d"}
        assert await db.insert_new(conn, facts, [], returning="event_id") == set()
        found = (await conn.execute(sa.select(facts).where(db.one_of(
            facts.c.event_id, ["d", "a", "nobody"], conn.dialect.name))
            .order_by(facts.c.event_id))).all()
        assert [(r.event_id, r.at, r.data) for r in found] == [
            ("a", AT, {"text": "投诉 a", "n": [1, 2]}),
            ("d", AT, {"text": "投诉 d", "n": [1, 2]})]
        assert (await conn.execute(sa.select(sa.func.count()).select_from(facts))
                ).scalar() == 4
        assert (await conn.execute(sa.select(facts.c.event_id).where(
            db.one_of(facts.c.event_id, [], conn.dialect.name)))).all() == []
        if conn.dialect.name == "postgresql":
            for n in (1, 3, 7):  # lists and batches of every size: one text each
                await conn.execute(sa.select(facts.c.event_id).where(db.one_of(
                    facts.c.event_id, [str(i) for i in range(n)], "postgresql")))
                await db.insert_new(conn, facts, rows(*(f"x{n}-{i}" for i in range(n))),
                                    returning="event_id")
            texts = [" ".join(t.split()) for t in (await conn.execute(sa.text(
                "SELECT statement FROM pg_prepared_statements "
                "WHERE statement LIKE '%facts%'"))).scalars()]
            assert sum("INSERT" in t for t in texts) == 1, texts
            assert sum(t.startswith("SELECT facts.event_id FROM") and "= ANY" in t
                       for t in texts) == 1, texts


async def test_statistics_are_made_for_tables_that_changed(database: str,
                                                          tmp_path: Path) -> None:
    """Where autovacuum does not run, the service analyzes a table that changed by as many
    rows as it held at its last statistics (50 at least): without statistics the planner
    looked a case up through a status index, walking every case of that status; and a tenth
    (autovacuum's rule) made every growing table due at every round."""
    if database == "sqlite":
        pytest.skip("PostgreSQL's statistics (SQLite's: test_tenant_isolation)")

    async def changes() -> int:
        """The server's count of the table's changes since its statistics, once it shows."""
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
            return int((await conn.execute(sa.text(
                "SELECT n_mod_since_analyze FROM pg_stat_user_tables "
                "WHERE schemaname = current_schema() AND relname = 'facts'"))).scalar() or 0)

    async def due_after(prefix: str, n: int, expected: int) -> list[str]:
        async with engine.begin() as conn:
            await db.insert_new(conn, facts, rows(*(f"{prefix}{i}" for i in range(n))),
                                returning="event_id")
        for _ in range(50):   # the server counts the changes within a second or so
            if await changes() >= expected:
                break
            await asyncio.sleep(0.1)
        async with engine.connect() as conn:
            due = await db.analyze_changed(conn)
            await conn.commit()
        return due

    async with with_facts(database, tmp_path) as engine:
        assert await due_after("r", 120, 120) == ["facts"]      # from empty: 120 > 50
        assert await changes() == 0
        assert await due_after("s", 100, 100) == []             # 100 of 120 held: not yet
        assert await due_after("t", 80, 180) == ["facts"]       # 180 > 50 + 120
        assert await changes() == 0


async def test_a_kept_plan_is_made_again_once_its_table_has_statistics(
        database: str, tmp_path: Path) -> None:
    """The services let the server keep a statement's plan (plan_cache_mode auto): the plan
    made while a table was small goes when the table's statistics are made again, and not
    before. A sequential scan kept for each update of a case was once half the server's time."""
    if database == "sqlite":
        pytest.skip("PostgreSQL's plan cache")

    async def plan() -> str:
        return " ".join((await conn.execute(sa.text("EXPLAIN EXECUTE one('k7')"))).scalars())

    async def add(prefix: str, n: int) -> None:
        """n rows, committed, and counted by the server (within a second or two)."""
        await db.insert_new(conn, facts, rows(*(f"{prefix}{i}" for i in range(n))),
                            returning="event_id")
        await conn.commit()
        for _ in range(50):
            await conn.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
            counted = (await conn.execute(sa.text(
                "SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE schemaname = "
                "current_schema() AND relname = 'facts'"))).scalar()
            await conn.commit()   # the count is read anew in a transaction of its own
            if counted >= n:
                return
            await asyncio.sleep(0.1)

    async def analyze() -> list[str]:
        """As the services' chore does: the plans go when its transaction commits."""
        due = await db.analyze_changed(conn)
        await conn.commit()
        return due

    async with with_facts(database, tmp_path) as engine, engine.connect() as conn:
        await add("k", 60)
        assert await analyze() == ["facts"]
        await conn.execute(sa.text(
            "PREPARE one(text) AS SELECT data FROM facts WHERE event_id = $1"))
        for _ in range(6):   # the server plans five times, then keeps a generic plan
            await conn.execute(sa.text("EXECUTE one('k1')"))
        assert "Seq Scan" in await plan()                   # one page: read it all
        await add("m", 5000)
        assert "Seq Scan" in await plan()                   # kept, though 5,060 rows now
        assert await analyze() == ["facts"]
        assert "Index Scan" in await plan()                 # made again: by its key


async def test_a_transaction_may_plan_its_statements_for_their_values(
        database: str, tmp_path: Path) -> None:
    """db.plan_each_time: within that transaction no kept plan is used (a look-alike query's
    best index depends on the keys it is given); the next transaction keeps plans again."""
    if database == "sqlite":
        pytest.skip("PostgreSQL's plan cache")
    one = sa.select(facts.c.data).where(facts.c.event_id == sa.bindparam("key"))

    async def plans() -> tuple[int, int]:
        row = (await conn.execute(sa.text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE 'SELECT facts.data%'"))).one()
        return row.generic_plans, row.custom_plans

    async with with_facts(database, tmp_path) as engine, engine.connect() as conn:
        await db.plan_each_time(conn)
        for _ in range(8):
            await conn.execute(one, {"key": "k1"})
        assert await plans() == (0, 8)
        await conn.commit()
        for _ in range(8):
            await conn.execute(one, {"key": "k1"})
        generic, custom = await plans()
        assert generic > 0 and custom < 16

"""Async SQLAlchemy engines: a SQLite file per service, or a PostgreSQL schema per service."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

TENANT_SETTING = "casebridge.tenant"  # what row-level security compares tenant_id with
ALL_TENANTS = "*"


@dataclass(frozen=True)
class Database:
    """Where one service keeps its tables."""

    url: str
    schema: str | None = None

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")


def locate(database: str, service: str, var_dir: Path) -> Database:
    """Map the CASEBRIDGE_DATABASE setting to this service's own database."""
    if database == "sqlite":
        var_dir.mkdir(parents=True, exist_ok=True)
        return Database(f"sqlite+aiosqlite:///{var_dir / service}.db")
    if database.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
        rest = database.split("://", 1)[1]
        return Database(f"postgresql+asyncpg://{rest}", schema=service)
    raise ValueError(
        f"CASEBRIDGE_DATABASE must be 'sqlite' or a postgresql:// URL, not {database!r}")


class StatementCount:
    """SQL statements sent by this process's engines (an executemany is one): the benchmark
    and the cost tests read it to count statements per complaint."""

    def __init__(self) -> None:
        self.total = 0
        self._changed: asyncio.Event | None = None

    def changed(self) -> asyncio.Event:
        """Set at each statement from now on (statements run on the event loop's thread)."""
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def watch(self, engine: AsyncEngine) -> None:
        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def _count(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
            if statement != "BEGIN IMMEDIATE":  # transaction control, as on PostgreSQL
                self.total += 1
                if self._changed is not None:
                    self._changed.set()


statements = StatementCount()


def create_engine(db: Database, *, pool_size: int | None = None) -> AsyncEngine:
    """Build the engine; SQLite gets WAL and write transactions that take the lock up front.

    PostgreSQL's pool holds 12 connections by default, kept once opened: it had 8 and 4
    "overflow" ones, closed when handed back and opened again at the next burst (53 new server
    processes in 20 s of accepts, each started, authenticated and its statements prepared
    again)."""
    engine = _create_engine(db, pool_size or (12 if db.is_postgres else 8))
    statements.watch(engine)
    return engine


def _create_engine(db: Database, pool_size: int) -> AsyncEngine:
    if not db.is_postgres:
        engine = create_async_engine(db.url, pool_size=pool_size, max_overflow=0,
                                     hide_parameters=True)
        _tune_sqlite(engine)
        return engine
    return create_async_engine(
        db.url,
        pool_size=pool_size,
        max_overflow=0,
        pool_use_lifo=True,  # the connection used last: under light load a few connections
        # do the work, with their statements prepared, rather than all twelve in turn
        pool_recycle=1800,  # no pre-ping: it costs a round trip per checkout; a dropped
        # connection fails one transaction, which callers see as UNAVAILABLE and retry
        hide_parameters=True,  # errors and logs must not carry complainants' personal data
        # the server's own choice between a statement's kept (generic) plan and one per
        # execution: planning each one was 0.4 ms of the server's time per accept. A kept plan
        # is made again when its table's statistics are, and refresh_statistics makes them
        # again as a table grows (a plan kept from when the table was nearly empty was a
        # sequential scan per update of a case, while nothing made statistics)
        connect_args={"server_settings": {"search_path": db.schema or "public"}},
    )


_TURNS: weakref.WeakKeyDictionary[AsyncEngine, asyncio.Lock] = weakref.WeakKeyDictionary()


def turn(engine: AsyncEngine) -> contextlib.AbstractAsyncContextManager[Any]:
    """SQLite: this process's transactions on the file one at a time, in the order they asked.

    Every SQLite transaction here takes the write lock up front (BEGIN IMMEDIATE), and SQLite
    makes a waiting connection sleep and retry: under a steady writer (intake's group commit)
    another one (the relay marking what it published) lost the race for seconds while the
    events it should have published waited. PostgreSQL: nothing to wait for."""
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    lock = _TURNS.get(engine)
    if lock is None:
        lock = _TURNS[engine] = asyncio.Lock()
    return lock


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: object) -> None:  # sqlite3's, not DB-API's
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000",
                       "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # IMMEDIATE: a writer waits for the lock at BEGIN instead of failing at its first write.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# SQLSTATE classes of a database that is away rather than a statement at fault: 08 connection
# exceptions; 57P01-57P03 shut down by an administrator, by a crash, or still starting up.
AWAY_SQLSTATES = ("08", "57P")


def unavailable(error: BaseException) -> bool:
    """The database is down, restarting or unreachable: worth retrying, nobody's fault."""
    if isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError, ConnectionError)):
        return True
    if isinstance(error, sa.exc.DBAPIError):
        state = str(getattr(error.orig, "sqlstate", "") or "")
        return error.connection_invalidated or state.startswith(AWAY_SQLSTATES)
    return False


async def bypasses_row_security(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        return bool((await conn.execute(sa.text(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ))).scalar())


async def ensure_schema(conn: AsyncConnection, db: Database) -> None:
    if db.is_postgres and db.schema:
        await conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{db.schema}"'))


def dialect_insert(table: sa.Table, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL spell it alike)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_ignore(table: sa.Table, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """INSERT … ON CONFLICT DO NOTHING for the engine's dialect."""
    return dialect_insert(table, dialect).on_conflict_do_nothing()


async def refresh_statistics(conn: AsyncConnection) -> None:
    """The planner's statistics, made again where due.

    SQLite: nothing else keeps them, and without them the look-alike query walked a year of
    submissions instead of its indexes; a sampled ANALYZE (400 rows an index) of every table
    costs milliseconds. PostgreSQL (where autovacuum is off): tables that grew from empty had
    none, and every update of a case found it through its status index, walking every case of
    that status (2 ms an update, half the server's time in accepts); the service's tables that
    changed by as many rows as they held at their last statistics."""
    if conn.dialect.name == "sqlite":
        await conn.exec_driver_sql("PRAGMA analysis_limit=400")
        await conn.exec_driver_sql("ANALYZE")
    else:
        await analyze_changed(conn)


# due when a table changed by as many rows as it held at its last statistics (reltuples; 50
# at least): plans follow a table's order of magnitude, and autovacuum's rule (a tenth) made
# every growing table of every service due at each round, their ANALYZEs a 0.4 s stall
_DUE_FOR_ANALYZE = sa.text(
    "SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
    "WHERE s.schemaname = current_schema() "
    "AND s.n_mod_since_analyze > 50 + greatest(c.reltuples, 0) ORDER BY s.relname")


async def analyze_changed(conn: AsyncConnection) -> list[str]:
    """PostgreSQL: ANALYZE this service's tables that changed by as many rows as they held
    when their statistics were made; the tables analyzed."""
    names = list((await conn.execute(_DUE_FOR_ANALYZE)).scalars())
    quote = conn.dialect.identifier_preparer.quote
    for name in names:
        await conn.execute(sa.text(f"ANALYZE {quote(name)}"))
    return names


_PLAN_EACH_TIME = sa.text("SET LOCAL plan_cache_mode = force_custom_plan")


async def plan_each_time(conn: AsyncConnection) -> None:
    """PostgreSQL: the rest of this transaction's statements are planned for their values,
    not from a plan the server keeps; for queries whose best plan depends on them (the
    look-alikes of a complaint by phone or name, a page of cases by department or text): a
    kept plan, made for no value in particular, cost intake 0.2 ms of the server per
    complaint in the benchmark. SQLite plans every statement anew anyway."""
    if conn.dialect.name == "postgresql":
        await conn.execute(_PLAN_EACH_TIME)


def one_of(column: sa.ColumnElement[Any], values: Iterable[Any],
           dialect: str) -> sa.ColumnElement[bool]:
    """`column IN values` whose SQL text is the same for any number of values: on PostgreSQL
    `= ANY(array)`, so a statement is prepared once per connection, not once per list length
    (an expanding IN made a new text, and a new server-side prepare, for every batch size);
    on SQLite, where preparing costs nothing, the plain IN."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(values),
                                              type_=postgresql.ARRAY(column.type)))
    return column.in_(list(values))


async def insert_new(conn: AsyncConnection, table: sa.Table, rows: list[dict[str, Any]], *,
                     returning: str) -> set[Any]:
    """INSERT … ON CONFLICT DO NOTHING of many rows (each with the same keys); the `returning`
    column of those inserted. One SQL text whatever the number of rows: on PostgreSQL the rows
    go as one array per column, unnested by the server (SQLAlchemy's multi-row VALUES would
    make a new text, and a server-side prepare, for every batch size); on SQLite, as rows."""
    if not rows:
        return set()
    if conn.dialect.name == "postgresql":
        columns = tuple(rows[0])
        result = await conn.execute(_unnest_insert(table, columns, returning),
                                    {f"a_{name}": [row[name] for row in rows]
                                     for name in columns})
    else:
        result = await conn.execute(_ignore_returning(table, conn.dialect.name, returning),
                                    rows)
    return set(result.scalars())


@functools.cache
def _ignore_returning(table: sa.Table, dialect: str, returning: str) -> sa.Insert:
    return insert_ignore(table, dialect).returning(table.c[returning])


@functools.cache
def _unnest_insert(table: sa.Table, columns: tuple[str, ...], returning: str) -> sa.Insert:
    source = sa.select(*(sa.func.unnest(sa.bindparam(
        f"a_{name}", type_=postgresql.ARRAY(table.c[name].type))).label(name)
        for name in columns))
    return (postgresql.insert(table).from_select(list(columns), source)
            .on_conflict_do_nothing().returning(table.c[returning]))


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (which drops the zone) and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value

    def process_result_value(self, value: datetime | None,
                             dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

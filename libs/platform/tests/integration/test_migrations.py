"""Each service's migrations build exactly the tables its code declares: SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import case.adapters.tables
import case.bootstrap
import escalation.adapters.tables
import escalation.bootstrap
import intake.adapters.tables
import intake.bootstrap
import notification.adapters.tables
import notification.bootstrap
import pytest
import routing.adapters.tables
import routing.bootstrap
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from casebridge_platform import db, migrations
from casebridge_platform.config import Settings
from casebridge_platform.messaging import tables as platform_tables

SERVICES = [
    pytest.param("intake", intake.bootstrap.MIGRATIONS, intake.adapters.tables.metadata,
                 id="intake"),
    pytest.param("routing", routing.bootstrap.MIGRATIONS, routing.adapters.tables.metadata,
                 id="routing"),
    pytest.param("case", case.bootstrap.MIGRATIONS, case.adapters.tables.metadata, id="case"),
    pytest.param("escalation", escalation.bootstrap.MIGRATIONS,
                 escalation.adapters.tables.metadata, id="escalation"),
    pytest.param("notification", notification.bootstrap.MIGRATIONS,
                 notification.adapters.tables.metadata, id="notification"),
]


def _declared(service_metadata: sa.MetaData) -> sa.MetaData:
    """The service's own tables plus the platform's outbox and inbox, as the code uses them."""
    metadata = sa.MetaData()
    for table in [*service_metadata.tables.values(), platform_tables.outbox, platform_tables.inbox]:
        table.to_metadata(metadata)
    return metadata


def _predicate(where: object, conn: sa.Connection) -> str | None:
    """A partial index's WHERE, normalised: PostgreSQL reflects it with parentheses and casts."""
    if where is None:
        return None
    if isinstance(where, sa.ClauseElement):
        where = where.compile(dialect=conn.dialect,
                              compile_kwargs={"literal_binds": True, "include_table": False})
    text = re.sub(r"[()]", " ", str(where).replace("::text", ""))
    return " ".join(text.split()).lower()


def _differences(conn: sa.Connection, declared: sa.MetaData) -> list[object]:
    # On PostgreSQL the engine's search_path makes the service's schema the default one, and
    # include_schemas=False (alembic's default) compares that schema only; alembic_version is
    # left out of the comparison by alembic itself.
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    diffs: list[object] = list(compare_metadata(context, declared))
    # No type special-casing is needed: alembic compares UTCDateTime through its impl
    # (DateTime(timezone=True)) and BigId through the variant for the connection's dialect.
    # compare_metadata does not look at primary keys or partial-index predicates, though,
    # and the first migrations reproduce both, so those two are checked here.
    inspector = sa.inspect(conn)
    dialect = conn.dialect.name
    for table in declared.sorted_tables:
        if not inspector.has_table(table.name):
            continue  # compare_metadata has reported it already
        reflected_pk = inspector.get_pk_constraint(table.name)["constrained_columns"]
        declared_pk = [column.name for column in table.primary_key.columns]
        if reflected_pk != declared_pk:
            diffs.append(("primary_key", table.name, reflected_pk, declared_pk))
        reflected = {i["name"]: i for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in reflected:
                continue  # compare_metadata has reported it already
            got = _predicate(
                reflected[index.name].get("dialect_options", {}).get(f"{dialect}_where"), conn)
            want = _predicate(index.dialect_options[dialect]["where"], conn)
            if got != want:
                diffs.append(("index_where", index.name, got, want))
    return diffs


def _state(conn: sa.Connection) -> tuple[list[str], list[str]]:
    versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    return sorted(versions), sorted(sa.inspect(conn).get_table_names())


@pytest.mark.parametrize(("service", "script_location", "service_metadata"), SERVICES)
async def test_migrations_build_the_declared_tables(
        settings: Settings, service: str, script_location: Path,
        service_metadata: sa.MetaData) -> None:
    database = db.locate(settings.database, service, settings.var_dir)
    engine = db.create_engine(database)
    try:
        await migrations.upgrade(engine, database, script_location)
        async with engine.connect() as conn:
            diffs = await conn.run_sync(_differences, _declared(service_metadata))
            before = await conn.run_sync(_state)
        assert diffs == []

        await migrations.upgrade(engine, database, script_location)  # again: nothing to do
        async with engine.connect() as conn:
            after = await conn.run_sync(_state)
        assert after == before
        assert len(after[0]) == 1
    finally:
        await engine.dispose()

"""How the case table is stored on PostgreSQL: room on each page for a row's next versions
(a case is rewritten several times within seconds of arriving; see migration 0006)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from casebridge_platform.runtime import Runtime


async def test_the_cases_pages_keep_room_for_updates(runtime: Runtime) -> None:
    if not runtime.database.is_postgres:
        pytest.skip("a PostgreSQL storage parameter")
    async with runtime.engine.connect() as conn:
        options = (await conn.execute(sa.text(
            "SELECT reloptions FROM pg_class WHERE relname = 'cases' "
            "AND relnamespace = current_schema()::regnamespace"))).scalar_one()
    assert "fillfactor=70" in (options or [])

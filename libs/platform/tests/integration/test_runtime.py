"""The runtime's graceful stop: the parts' stop hooks, against a real NATS and SQLite."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import nats
import nats.js.errors
import pytest
import sqlalchemy as sa
from casebridge_platform import testing
from casebridge_platform.config import Settings
from casebridge_platform.devstack import free_port
from casebridge_platform.runtime import Runtime, ServiceParts

# The smallest service schema: the platform's outbox and inbox, which the relay reads.
MIGRATION = '''
from alembic import op

from casebridge_platform.messaging.tables import metadata

revision = "0001"
down_revision = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())
'''


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    where = tmp_path / "migrations"
    (where / "versions").mkdir(parents=True)
    (where / "env.py").write_text(
        "from casebridge_platform.migrations import run_env\n\nrun_env()\n", "utf-8")
    (where / "versions" / "0001_platform.py").write_text(MIGRATION, "utf-8")
    return where


@pytest.fixture
async def runtime(nats_url: str, tmp_path: Path, migrations_dir: Path
                  ) -> AsyncIterator[Runtime]:
    settings = Settings(database="sqlite", var_dir=tmp_path / "var", nats_url=nats_url,
                        stream=testing.unique("CBT"), subject_prefix=testing.unique("cbt"),
                        principal_key=secrets.token_urlsafe(32),
                        intake_addr=f"127.0.0.1:{free_port()}", shutdown_grace_s=0.5)
    yield Runtime("intake", settings, migrations_dir)   # any service: the runtime is the same
    nc = await nats.connect(nats_url)
    with contextlib.suppress(nats.js.errors.NotFoundError):
        await nc.jetstream().delete_stream(settings.stream)
    await nc.close()


async def test_stop_hooks_run_after_the_workers_stop_and_before_the_engine_is_disposed(
        runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    happened: list[str] = []
    working = asyncio.Event()

    async def worker() -> None:
        working.set()
        try:
            await asyncio.Event().wait()
        finally:
            happened.append("worker stopped")

    async def close_first() -> None:
        happened.append("first hook")

    async def broken() -> None:
        raise RuntimeError("this hook cannot close its client")

    async def hangs() -> None:
        await asyncio.Event().wait()

    async def close_last() -> None:
        happened.append("last hook")

    await runtime.start()
    sa.event.listen(runtime.engine.sync_engine, "engine_disposed",
                    lambda _: happened.append("engine disposed"))
    await runtime.run_parts(ServiceParts(workers=[("worker", worker)],
                                         on_stop=[close_first, broken, hangs, close_last]))
    await asyncio.wait_for(working.wait(), 5)

    with caplog.at_level(logging.ERROR, logger="casebridge_platform.runtime"):
        await runtime.stop()

    assert happened == ["worker stopped", "first hook", "last hook", "engine disposed"]
    failed = [r for r in caplog.records if "stop hook" in r.getMessage()]
    assert [r.getMessage() for r in failed] == [
        "intake: stop hook test_stop_hooks_run_after_the_workers_stop_and_before_the_engine"
        "_is_disposed.<locals>.broken failed",
        "intake: stop hook test_stop_hooks_run_after_the_workers_stop_and_before_the_engine"
        "_is_disposed.<locals>.hangs failed"]
    assert isinstance(failed[0].exc_info[1], RuntimeError)   # type: ignore[index]
    assert not runtime.failed.is_set()

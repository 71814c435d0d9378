"""Fixtures shared by every test: real NATS, real SQLite and PostgreSQL, unique names."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import nats.js.errors
import pytest
from casebridge_platform import migrations, telemetry, testing
from casebridge_platform.config import Settings
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def pytest_configure(config: pytest.Config) -> None:
    migrations.replay_empty()   # an empty database after the first: the same migration SQL again
    config.addinivalue_line("markers", "integration: needs NATS and/or a database")
    config.addinivalue_line("markers", "e2e: starts every process and drives the gateway")
    config.addinivalue_line("markers", "browser: pages in a headless Chromium")
    config.addinivalue_line("markers", "chaos: faults under load (make chaos-test; kept out of "
                            "make test for its time budget)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.path)
        if "/e2e/" in path:
            item.add_marker(pytest.mark.e2e)
            # with -n, a module's tests stay together on one worker (they share fixtures and
            # start every process); modules spread over the workers
            item.add_marker(pytest.mark.xdist_group(f"e2e-{item.path.stem}"))
        elif "/browser/" in path:
            item.add_marker(pytest.mark.browser)
            # a module's tests share one platform: together on one worker
            item.add_marker(pytest.mark.xdist_group(f"browser-{item.path.stem}"))
        elif "/integration/" in path:
            item.add_marker(pytest.mark.integration)
    # the long ones first: with -n, the many short tests then fill the workers up to the end
    # instead of one worker finishing an end-to-end module while the other has nothing to do
    items.sort(key=lambda item: FIRST.get(item.path.parent.name, len(FIRST)))


FIRST = {"e2e": 0, "browser": 1}


@pytest.fixture(scope="session")
def spans() -> InMemorySpanExporter:
    """Every span this test process makes, kept in memory (one provider per process:
    OpenTelemetry lets it be set once, so this fixture is defined here only)."""
    exporter = InMemorySpanExporter()
    provider = telemetry.make_provider("casebridge-test", exporting=True)   # as the services'
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    with testing.nats_server() as url:
        yield url


@pytest.fixture
def own_nats(tmp_path: Path) -> Iterator[testing.NatsProcess]:
    """A nats-server of the test's own, to kill and start again."""
    server = testing.NatsProcess(tmp_path / "nats")
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    with testing.postgres_server() as url:
        yield url


@contextlib.asynccontextmanager
async def a_database(request: pytest.FixtureRequest, kind: str) -> AsyncIterator[str]:
    """CASEBRIDGE_DATABASE: SQLite (files under the settings' var_dir), or a fresh PG
    database dropped afterwards."""
    if kind == "sqlite":
        yield "sqlite"
        return
    admin = request.getfixturevalue("postgres_admin_url")
    url = await testing.create_database(admin)
    try:
        yield url
    finally:
        await testing.drop_database(admin, url)


@contextlib.asynccontextmanager
async def own_settings(database: str, nats_url: str, tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings with a stream and subject prefix of their own, removed afterwards."""
    s = Settings(database=database, var_dir=tmp_path / "var", nats_url=nats_url,
                 stream=testing.unique("CBT"), subject_prefix=testing.unique("cbt"),
                 principal_key=secrets.token_urlsafe(32), consumer_ack_wait_s=2.0,
                 consumer_max_deliver=4)
    yield s
    nc = await nats.connect(nats_url)
    with contextlib.suppress(nats.js.errors.NotFoundError):  # the test may not have made one
        await nc.jetstream().delete_stream(s.stream)
    await nc.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """CASEBRIDGE_DATABASE for one test."""
    async with a_database(request, request.param) as url:
        yield url


@pytest.fixture
async def settings(database: str, nats_url: str, tmp_path: Path) -> AsyncIterator[Settings]:
    async with own_settings(database, nats_url, tmp_path) as s:
        yield s

"""The case service's runtime on a real database, shared by its integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from case.bootstrap import MIGRATIONS
from casebridge_platform.config import Settings
from casebridge_platform.devstack import free_port
from casebridge_platform.runtime import Runtime


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    r = Runtime("case", settings.model_copy(update={"case_addr": f"127.0.0.1:{free_port()}"}),
                MIGRATIONS)
    await r.start()
    yield r
    await r.stop()

"""Generated requests against the running platform, on SQLite and PostgreSQL: no 5xx, every
answer as documented, every error a problem+json, nothing stored by a rejected request.
`make fuzz` runs the same with 10,000+ cases and writes var/bench/fuzz.json."""

from __future__ import annotations

import os

import pytest

from tests.fuzzing import fuzz
from tests.integration.conftest import Platform

EXAMPLES = int(os.environ.get("CASEBRIDGE_FUZZ_EXAMPLES", "4"))


# SQLite here (make test's time budget); `make fuzz` runs both databases with 10,000+ cases
@pytest.mark.parametrize("shared_platform", ["sqlite"], indirect=True)
async def test_generated_requests_find_nothing(shared_platform: Platform) -> None:
    report = await fuzz(shared_platform, examples=EXAMPLES)
    assert report.cases >= EXAMPLES * (1 if os.environ.get("CASEBRIDGE_FUZZ_ONLY") else 40)
    assert not report.failures, report.as_json()

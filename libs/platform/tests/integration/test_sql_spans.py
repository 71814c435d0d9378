"""Database calls show in traces (when traces are exported): a span per statement under the
caller's, with the SQL text and never its parameters. In a process of its own, because the
instrumentation patches engine creation for the whole process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import asyncio, json, sys
from pathlib import Path
import sqlalchemy as sa
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from casebridge_platform import db, telemetry

async def main() -> None:
    exporter = InMemorySpanExporter()
    telemetry.setup_tracing("casebridge-test", exporter=exporter)
    engine = db.create_engine(db.locate("sqlite", "probe", Path(sys.argv[1])))
    telemetry.instrument_engine(engine)
    with telemetry.tracer().start_as_current_span("handle complaint"):
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT :phone AS phone"), {"phone": "13800000000"})
    await engine.dispose()
    print(json.dumps([{"name": s.name, "parent": s.parent.span_id if s.parent else None,
                       "id": s.context.span_id, "attributes": dict(s.attributes or {})}
                      for s in exporter.get_finished_spans()]))

asyncio.run(main())
"""


def test_a_statement_is_a_child_span_without_its_parameters(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    spans = json.loads(done.stdout.strip().splitlines()[-1])
    outer = next(s for s in spans if s["name"] == "handle complaint")
    statements = [s for s in spans if s["parent"] == outer["id"]
                  and "SELECT" in json.dumps(s["attributes"])]
    assert statements, spans
    assert "13800000000" not in done.stdout

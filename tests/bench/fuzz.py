"""Generated requests at length: every operation of the OpenAPI, negative then positive, as
every caller of tests/fuzzing.py, on a fresh in-process platform per database. Writes
var/bench/fuzz.json (cases, answers by status, failures by kind with examples); exits 1 on
any failure. `make fuzz` runs it (10,000+ cases over SQLite and PostgreSQL)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform as host
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from casebridge_platform import testing
from casebridge_platform.devstack import ROOT

from conftest import own_settings
from tests.fuzzing import fuzz, operations
from tests.integration.conftest import started


async def run(database: str, nats_url: str, postgres: str, examples: int, seed: int) -> dict:
    admin = postgres if database == "postgresql" else None
    url = await testing.create_database(admin) if admin else "sqlite"
    try:
        with tempfile.TemporaryDirectory(prefix="cb-fuzz-") as tmp:
            async with (own_settings(url, nats_url, Path(tmp)) as settings,
                        started(settings, Path(tmp)) as running):
                report = await fuzz(running, examples=examples, seed_value=seed,
                                    progress=lambda line: print(database, line,
                                                                file=sys.stderr))
                return {"database": database, "operations": len(operations(running.app)),
                        **report.as_json()}
    finally:
        if admin:
            await testing.drop_database(admin, url)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=60,
                        help="generated cases per operation, per mode, per database")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--out", type=Path, default=ROOT / "var/bench/fuzz.json")
    args = parser.parse_args()
    with testing.nats_server() as nats_url, testing.postgres_server() as postgres:
        runs = [await run(db, nats_url, postgres, args.examples, args.seed)
                for db in args.database or ["sqlite", "postgresql"]]
    failures: dict[str, int] = {}
    for r in runs:
        for kind, n in r["failures"].items():
            failures[kind] = failures.get(kind, 0) + n
    report = {"benchmark": "fuzz", "at": datetime.now().isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                          "platform": host.platform()},
              "cases": sum(r["cases"] for r in runs), "failures": failures, "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("cases", "failures")}, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

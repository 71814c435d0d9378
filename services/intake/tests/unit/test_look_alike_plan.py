"""The look-alike query can use one index per kind of key (SQLite's MULTI-INDEX OR, given the
statistics ANALYZE keeps), not a walk through the tenant's year of submissions, whichever
kinds of key a batch has: an empty kind adds no arm, and every kind has its index."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from intake.adapters.tables import metadata, submissions
from intake.service_layer.handlers import candidates_query

c = submissions.c


@pytest.mark.parametrize("present", [
    ("phone_key",), ("phone_key", "complainant_name", "respondent_unit"),
    ("respondent_person",), ("respondent_department", "respondent_person", "phone_key")])
def test_each_kind_of_key_is_looked_up_in_its_index(present: tuple[str, ...]) -> None:
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:   # a year of distinct submissions, and their statistics
        base = {col.name: "" for col in submissions.columns if not col.nullable}
        conn.execute(submissions.insert(), [{
            **base, "case_id": f"c{i}", "tenant_id": "t", "case_number": f"N{i}",
            "kind": "complaint", "anonymous": False, "phone_key": f"p{i}",
            "complainant_name": f"n{i}", "respondent_unit": f"u{i}",
            "respondent_department": f"d{i}", "respondent_person": f"r{i}",
            "received_at": datetime(2026, 6, 1, tzinfo=UTC)} for i in range(300)])
        conn.execute(sa.text("ANALYZE"))
    keys = {column: (["k1", "k2"] if column.name in present else [])
            for column in (c.phone_key, c.complainant_name, c.respondent_unit,
                           c.respondent_department, c.respondent_person)}
    query = candidates_query("t", datetime(2026, 1, 1, tzinfo=UTC), keys, 20, "sqlite")
    compiled = query.compile(engine, compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()   # bound as the service binds them, empty INs too
    with engine.connect() as conn:
        plan = [row[-1] for row in conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}",
            tuple(values[name] for name in compiled.positiontup or ()))]
    searched = [step for step in plan if step.startswith("SEARCH submissions USING INDEX")]
    assert len(searched) == len(present) and all("received_at" not in s for s in searched), plan
    assert not any(step.startswith("SCAN submissions") for step in plan), plan

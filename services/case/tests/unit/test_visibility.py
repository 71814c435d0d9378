"""Who may see a case: the WHERE clause the listings use and the check on a case in hand (the
answer to an action) agree, for every kind of caller."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from itertools import product

import sqlalchemy as sa
from case.adapters import records
from case.adapters.tables import cases
from case.domain.case import Case
from case.domain.model import Status
from case.service_layer.queries import may_see, visible_to
from casebridge_platform.auth import Principal

AT = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)


def test_the_check_in_hand_agrees_with_the_where_clause() -> None:
    engine = sa.create_engine("sqlite://")
    cases.create(engine)
    base = Case("c", "t", "N", Status.ASSIGNED, received_at=AT, updated_at=AT)
    variants = [replace(base, case_id=f"c{i}", case_number=f"N{i}", handler_id=h,
                        first_contact_owner=f, department=d)
                for i, (h, f, d) in enumerate(product(("", "h1", "h2"), ("", "h1", "clerk"),
                                                      ("", "内科", "外科")))]
    with engine.begin() as conn:
        conn.execute(cases.insert(), [records.row_of(c) for c in variants])
        callers = [Principal("t", user, roles, department) for user, roles, department in
                   product(("h1", "clerk", ""), (("handler",), ("supervisor",), ("leader",),
                                                 ("intake_clerk",)), (None, "内科"))]
        seen_any = set()
        for caller in callers:
            shown = set(conn.execute(sa.select(cases.c.case_id).where(visible_to(caller)))
                        .scalars())
            assert {c.case_id for c in variants if may_see(caller, c)} == shown, caller
            seen_any.add(len(shown))
    assert len(seen_any) > 2   # the callers see different sets: the comparison means something

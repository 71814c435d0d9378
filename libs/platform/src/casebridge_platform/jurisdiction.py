"""Who oversees whom: regulator kinds over institution kinds, within administrative divisions.

Shared by the case service (a regulator's oversight, the report of a major medical dispute)
and the escalation service (a regulator told of repeated missed deadlines). Pure.

A division is a path of administrative division codes, e.g. 370000-371300-371321 (province,
city, county); an institution is in a regulator's area when its path is the regulator's or
lies below it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# regulator kind → the institution kinds it oversees: a county health bureau the hospitals of
# its county (the health authority's duty for its area under 《医疗纠纷预防和处理条例》), a
# market regulator the 12315 centres and companies of its area, a 12315 centre the companies'
# complaint handling
OVERSEES: dict[str, frozenset[str]] = {
    "health_bureau": frozenset({"hospital"}),
    "market_regulator": frozenset({"consumer_center", "company"}),
    "consumer_center": frozenset({"company"}),
}


def within(division: str, area: str) -> bool:
    """Whether a division lies in an area: the same path or below it (370000-371300-371321
    is within 370000-371300)."""
    return bool(area) and (division == area or division.startswith(area + "-"))


def regulator_of(kind: str, division: str, tenants: Iterable[Any],
                 kinds: Iterable[str] | None = None) -> Any | None:
    """The nearest regulator (the longest division path) overseeing an institution of `kind`
    whose area holds its `division`; `kinds` narrows the regulators' kinds (e.g. only the
    health authority). Tenants have `kind` and `division`."""
    allowed = set(kinds) if kinds is not None else {r for r, o in OVERSEES.items() if kind in o}
    over = [t for t in tenants if t.kind in allowed and kind in OVERSEES.get(t.kind, ())
            and within(division, t.division)]
    return max(over, key=lambda t: len(t.division), default=None)

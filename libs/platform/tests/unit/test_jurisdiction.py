"""The jurisdiction rule: a regulator oversees the institution kinds it is for, in its area."""

from __future__ import annotations

from types import SimpleNamespace as T

from casebridge_platform.jurisdiction import regulator_of, within

COUNTY, OTHER_COUNTY, CITY = "370000-371300-371321", "370000-371300-371302", "370000-371300"


def test_an_area_holds_its_own_division_and_those_below_it_only() -> None:
    assert within(COUNTY, COUNTY) and within(COUNTY, CITY) and within(COUNTY, "370000")
    assert not within(CITY, COUNTY) and not within(OTHER_COUNTY, COUNTY)
    assert not within("370000-3713001", CITY), "a longer code is not a sub-division"
    assert not within(COUNTY, ""), "no area holds nothing"


def test_the_nearest_regulator_of_the_kind_is_chosen() -> None:
    tenants = [T(id="city-market", kind="market_regulator", division=CITY),
               T(id="county-12315", kind="consumer_center", division=COUNTY),
               T(id="other-12315", kind="consumer_center", division=OTHER_COUNTY),
               T(id="county-health", kind="health_bureau", division=COUNTY)]
    assert regulator_of("company", COUNTY, tenants).id == "county-12315"
    assert regulator_of("company", OTHER_COUNTY, tenants[:1] + tenants[3:]).id == "city-market"
    assert regulator_of("consumer_center", COUNTY, tenants).id == "city-market"
    assert regulator_of("hospital", COUNTY, tenants).id == "county-health"
    assert regulator_of("hospital", OTHER_COUNTY, tenants) is None
    assert regulator_of("mediation_committee", COUNTY, tenants) is None, "no one oversees it"
    assert regulator_of("company", COUNTY, tenants, kinds=("market_regulator",)).id == \
        "city-market"

"""The transfer paths (case service) and the clocks they carry (escalation packs) agree: every
clock a path names exists in the right kind's pack and is conditioned on that path, and every
path pack loads with its citations."""

from __future__ import annotations

import pytest
from case.domain import paths
from escalation.domain.policy import pack as load_pack

KINDS = paths.shipped_kinds()


def test_every_tenant_kind_with_a_dispute_has_paths() -> None:
    assert {"hospital", "health_bureau", "mediation_committee", "consumer_center", "company",
            "petition_bureau"} <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_path_names_clocks_that_exist_and_watch_it(kind: str) -> None:
    for path in paths.paths_of(kind).values():
        assert path.cite.strip() and path.reasons and path.outcomes, path.id
        for name in path.clocks.get("origin", ()):
            rule = load_pack(kind).clock(name)
            assert rule is not None, f"{kind}.{path.id}: no origin clock {name}"
            assert path.id in rule.when.get("transfer", ()), f"{name} does not watch {path.id}"
        for receiving in path.to_kinds:
            for name in path.clocks.get("receiver", ()):
                rule = load_pack(receiving).clock(name)
                assert rule is not None, f"{receiving} has no clock {name} for {path.id}"
                assert path.id in rule.when.get("path", ()), f"{name} does not watch {path.id}"


def test_a_bad_path_is_refused_with_every_fault_named() -> None:
    with pytest.raises(paths.PathError) as refused:
        paths.pack_from({"kind": "hospital", "paths": [{
            "id": "Bad Id", "to_kinds": ["court"], "external": "court", "reasons": {},
            "consent": True, "outcomes": {"x": {"origin": "close"}}}]})
    fields = {f for f, _ in refused.value.violations}
    assert {"paths[0].id", "paths[0].to_kinds", "paths[0].reasons", "paths[0].cite",
            "paths[0].consent_cite", "paths[0].outcomes.x.disposition"} <= fields

"""What a process made while starting is left out of the collector's full passes."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from casebridge_platform import heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_what_starting_made_is_out_of_full_collections(unfrozen: None) -> None:
    started = [{"compiled": n} for n in range(1000)]   # an engine's cache, say
    cycle: list[object] = []
    cycle.append(cycle)                                 # garbage with a reference cycle
    del cycle
    frozen = heap.freeze_started()
    assert frozen >= len(started) and gc.get_freeze_count() == frozen
    gc.collect()
    in_passes = {id(o) for o in gc.get_objects()}
    assert id(started) not in in_passes and not any(id(s) in in_passes for s in started)
    made_later = [{"request": 1}]
    gc.collect()
    assert id(made_later) in {id(o) for o in gc.get_objects()}   # later objects are walked


def test_garbage_is_collected_before_the_rest_is_frozen(unfrozen: None) -> None:
    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a                              # type: ignore[attr-defined]
    del a, b
    heap.freeze_started()
    gc.unfreeze()
    assert not any(isinstance(o, Node) for o in gc.get_objects())

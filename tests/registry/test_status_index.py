"""Status list indexes: random, unique under races, and what a revocation sets."""

from __future__ import annotations

import pytest

from registry import STATUS_LIST_BITS, Registry, StatusIndexTaken, new_id
from tests.registry.test_store import doc, registry  # noqa: F401  (fixture)


def test_a_taken_index_is_a_retryable_conflict(registry: Registry) -> None:  # noqa: F811
    index = registry.pick_status_index()
    assert 0 <= index < STATUS_LIST_BITS
    registry.register(doc(id=new_id(), status_index=index), b"%PDF-1 one")
    with pytest.raises(StatusIndexTaken):
        registry.register(doc(id=new_id(), status_index=index), b"%PDF-1 two")
    assert registry.max_status_index() == index


def test_picks_avoid_taken_indexes_and_revocations_list_them(registry: Registry) -> None:  # noqa: F811
    picked = set()
    for n in range(30):
        index = registry.pick_status_index()
        assert index not in picked
        picked.add(index)
        registry.register(doc(id=f"{n:032d}"[:32], status_index=index), f"%PDF {n}".encode())
    assert len(picked) == 30 and picked != set(range(30))  # random, not issue order
    registry.revoke(f"{7:032d}", "error")
    [(bit, _at)] = registry.revocations()
    assert bit == registry.get(f"{7:032d}").status_index

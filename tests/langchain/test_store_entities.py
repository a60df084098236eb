"""AccordStore's search filtered by an entity of the user's graph (by id, name or role)."""

from __future__ import annotations

import pytest
from accord import Accord
from langchain_accord import AccordStore

ALICE = ("users", "alice")


def test_search_filters_by_entity_name_role_or_id(engine: Accord) -> None:
    store = AccordStore(engine)
    store.put(ALICE, "wife", {"text": "My wife is Anna."})
    store.put(ALICE, "job", {"text": "Anna works at St. Mary's hospital."})
    store.put(ALICE, "sister", {"text": "My sister Lena lives in Porto."})
    store.put(ALICE, "coffee", {"text": "I like my coffee black."})
    about_anna = {r.key for r in store.search(ALICE, filter={"entity": "Anna"}, limit=50)}
    assert {"wife", "job"} <= about_anna and not {"sister", "coffee"} & about_anna
    by_role = {r.key for r in store.search(ALICE, filter={"entity": "wife"}, limit=50)}
    assert {"wife", "job"} <= by_role and "sister" not in by_role
    (anna,) = [e for e in engine.entities("alice") if e.name == "Anna"]
    ranked = store.search(ALICE, query="hospital", filter={"entity": anna.id}, limit=5)
    assert ranked and ranked[0].key == "job" and all(r.key not in {"sister", "coffee"} for r in ranked)
    both = {r.key for r in store.search(ALICE, filter={"entity": ["Anna", "Lena"]}, limit=50)}
    assert {"wife", "job", "sister"} <= both and "coffee" not in both
    assert store.search(ALICE, filter={"entity": "Nobody"}) == []
    with pytest.raises(ValueError, match="filter.entity"):
        store.search(ALICE, filter={"entity": 3})

"""AccordStore: LangGraph's store operations mapped onto Accord users, categories and memories."""

from __future__ import annotations

import pytest
from accord import Accord, AsyncAccord
from langchain_accord import AccordStore, WriteBlockedError
from langgraph.store.base import GetOp, InvalidNamespaceError, Item, PutOp, SearchItem, SearchOp

from .conftest import seed

ALICE = ("users", "alice")


def test_put_then_get_returns_the_value_as_put(engine: Accord) -> None:
    store = AccordStore(engine)
    value = {"text": "I like oolong tea", "kind": "preference", "tags": ["drink"], "n": 2}
    store.put(ALICE, "drink", value)
    item = store.get(ALICE, "drink")
    assert isinstance(item, Item) and item.value == value
    assert item.namespace == ALICE and item.key == "drink"
    assert store.get(ALICE, "other") is None
    assert store.get(("users", "bob"), "drink") is None  # another user's namespace
    assert store.get((*ALICE, "notes"), "drink") is None  # another namespace of the same user


def test_put_is_a_remembered_user_turn(engine: Accord) -> None:
    AccordStore(engine).put(ALICE, "drink", {"text": "I love green tea"})
    memories = engine.list_memories("alice")
    assert any(m.category.value == "episodic" and m.content == "I love green tea" for m in memories)
    assert any(m.category.value == "preference" and "green tea" in m.content for m in memories)  # extracted


def test_replacing_an_item_replaces_what_was_learnt_from_it(engine: Accord) -> None:
    store = AccordStore(engine)
    store.put(ALICE, "drink", {"text": "I love green tea"})
    first = store.get(ALICE, "drink")
    store.put(ALICE, "drink", {"text": "I love black coffee"})
    second = store.get(ALICE, "drink")
    assert first is not None and second is not None
    assert second.value == {"text": "I love black coffee"}
    assert second.created_at == first.created_at and second.updated_at > first.updated_at
    contents = [m.content for m in engine.list_memories("alice")]
    assert not any("green tea" in c for c in contents) and any("black coffee" in c for c in contents)


def test_an_unchanged_value_is_not_written_again(engine: Accord) -> None:
    store = AccordStore(engine)
    store.put(ALICE, "drink", {"text": "I love green tea"})
    before = engine.list_memories("alice")
    store.put(ALICE, "drink", {"text": "I love green tea"})
    assert engine.list_memories("alice") == before


def test_the_same_text_under_two_keys_is_two_items(engine: Accord) -> None:
    store = AccordStore(engine)
    store.put(ALICE, "a", {"text": "I love green tea"})
    store.put(ALICE, "b", {"text": "I love green tea", "source": "survey"})
    assert store.get(ALICE, "a") is not None and store.get(ALICE, "b") is not None


def test_delete_removes_the_item_and_its_extracted_memories(engine: Accord) -> None:
    seed(engine)
    store = AccordStore(engine)
    store.put(ALICE, "pet", {"text": "I have a dog called Rex"})
    other = {m.id for m in engine.list_memories("alice")}
    store.delete(ALICE, "pet")
    assert store.get(ALICE, "pet") is None
    remaining = engine.list_memories("alice")
    assert not any("Rex" in m.content for m in remaining)
    assert len(remaining) >= len(other) - 3 and any("Acme" in m.content for m in remaining)
    store.delete(ALICE, "pet")  # deleting a missing key is a no-op


def test_search_with_a_query_ranks_items_and_memories(engine: Accord) -> None:
    seed(engine)
    store = AccordStore(engine)
    store.put(ALICE, "drink", {"text": "I sometimes drink oolong tea", "kind": "drink"})
    results = store.search(ALICE, query="oolong tea", limit=5)
    assert results and all(isinstance(r, SearchItem) for r in results)
    put = next(r for r in results if r.key == "drink")
    assert (
        put.value == {"text": "I sometimes drink oolong tea", "kind": "drink"} and put.score and put.score > 0
    )
    learnt = [r for r in results if r.key != "drink"]
    assert all(
        r.namespace == ("users", "alice", r.value["category"]) and r.key == r.value["memory_id"]
        for r in learnt
    )
    assert results[0].score == max(r.score or 0 for r in results)


def test_search_filters_limit_and_offset(engine: Accord) -> None:
    seed(engine)
    store = AccordStore(engine)
    for i in range(3):
        store.put(
            ALICE, f"note-{i}", {"text": f"I visited museum number {i} in Porto", "kind": "visit", "n": i}
        )
    visits = store.search(ALICE, filter={"kind": "visit"})
    assert sorted(r.key for r in visits) == ["note-0", "note-1", "note-2"]
    assert [r.key for r in store.search(ALICE, filter={"kind": "visit", "n": {"$gte": 1}})] == [
        "note-2",
        "note-1",
    ]
    page = store.search(ALICE, filter={"kind": "visit"}, limit=1, offset=1)
    assert [r.key for r in page] == [visits[1].key]
    facts = store.search(ALICE, filter={"category": "fact"}, limit=50)
    assert facts and all(r.value["category"] == "fact" for r in facts)
    assert len(store.search(ALICE, query="museum Porto", filter={"kind": "visit"}, limit=2)) == 2


def test_category_and_label_namespaces(engine: Accord) -> None:
    seed(engine)
    store = AccordStore(engine)
    store.put(("users", "alice", "preference"), "ui", {"text": "I prefer dark mode in every app"})
    store.put(("users", "alice", "notes"), "n1", {"text": "Call the plumber about the boiler"})
    prefs = store.search(("users", "alice", "preference"), query="dark mode", limit=20)
    assert any(r.key == "ui" for r in prefs)
    assert all(r.namespace[:3] == ("users", "alice", "preference") for r in prefs)
    assert {r.key for r in store.search(("users", "alice", "notes"))} == {"n1"}
    assert store.get(("users", "alice", "notes"), "n1") is not None


def test_get_and_delete_take_a_memory_id(engine: Accord) -> None:
    seed(engine)
    store = AccordStore(engine)
    fact = store.search(("users", "alice", "fact"), query="Acme")[0]
    assert fact.value["category"] == "fact"
    got = store.get(fact.namespace, fact.key)
    assert got is not None and got.value == fact.value
    assert store.get(("users", "bob", "fact"), fact.key) is None  # the address includes the user
    store.delete(fact.namespace, fact.key)
    assert store.get(fact.namespace, fact.key) is None


def test_list_namespaces_of_a_user(engine: Accord) -> None:
    seed(engine)
    store = AccordStore(engine)
    store.put(("users", "alice", "notes", "home"), "n1", {"text": "The boiler needs a service"})
    namespaces = store.list_namespaces(prefix=ALICE)
    assert ("users", "alice", "fact") in namespaces and ("users", "alice", "notes", "home") in namespaces
    assert store.list_namespaces(prefix=ALICE, max_depth=3) == sorted({ns[:3] for ns in namespaces})
    assert store.list_namespaces(prefix=ALICE, suffix=("home",)) == [("users", "alice", "notes", "home")]
    assert store.list_namespaces(prefix=ALICE, limit=1, offset=1) == namespaces[1:2]
    store.put(("users", "bob", "notes"), "n1", {"text": "Bob likes chess"})
    everyone = store.list_namespaces(prefix=("users",), max_depth=2)
    assert everyone == [("users", "alice"), ("users", "bob")]  # the engine lists the tenant's users
    assert store.list_namespaces(prefix=("elsewhere",)) == []


def test_batch_applies_operations_in_order(engine: Accord) -> None:
    store = AccordStore(engine)
    results = store.batch(
        [
            PutOp(ALICE, "k", {"text": "I play the cello"}),
            GetOp(ALICE, "k"),
            SearchOp(ALICE, None, 10, 0, "cello"),
            PutOp(ALICE, "k", None),
            GetOp(ALICE, "k"),
        ]
    )
    assert (
        results[0] is None
        and isinstance(results[1], Item)
        and results[1].value == {"text": "I play the cello"}
    )
    assert any(r.key == "k" for r in results[2])  # type: ignore[union-attr]
    assert results[3] is None and results[4] is None


def test_values_without_text_are_stored_as_json(engine: Accord) -> None:
    store = AccordStore(engine)
    store.put(ALICE, "profile", {"food_preference": "pizza", "spice": 3})
    assert store.get(ALICE, "profile").value == {"food_preference": "pizza", "spice": 3}  # type: ignore[union-attr]
    assert any(r.key == "profile" for r in store.search(ALICE, query="pizza"))


def test_bad_namespaces_and_values_are_value_errors(engine: Accord) -> None:
    store = AccordStore(engine)
    with pytest.raises(InvalidNamespaceError, match="per user"):
        store.put(("memories",), "k", {"text": "I like tea"})
    with pytest.raises(InvalidNamespaceError):
        store.search(("users",), query="tea")
    with pytest.raises(ValueError, match="user_id"):
        store.put(("users", "no spaces allowed"), "k", {"text": "I like tea"})
    with pytest.raises(ValueError, match="JSON"):
        store.put(ALICE, "k", {"when": object()})
    with pytest.raises(ValueError, match="JSON"):
        store.put(ALICE, "k", {"text": "I like tea", "when": object()})


def test_a_blocked_write_raises(engine: Accord) -> None:
    with pytest.raises(WriteBlockedError, match="low_quality") as caught:
        AccordStore(engine).put(ALICE, "k", {"text": "ok"})
    assert caught.value.reason == "low_quality"
    assert AccordStore(engine).get(ALICE, "k") is None


async def test_async_methods_on_an_async_engine(aengine: AsyncAccord) -> None:
    store = AccordStore(aengine)
    await store.aput(ALICE, "drink", {"text": "I love green tea"})
    item = await store.aget(ALICE, "drink")
    assert item is not None and item.value == {"text": "I love green tea"}
    assert any(r.key == "drink" for r in await store.asearch(ALICE, query="green tea"))
    assert ("users", "alice", "episodic") in await store.alist_namespaces(prefix=ALICE)
    await store.adelete(ALICE, "drink")
    assert await store.aget(ALICE, "drink") is None
    with pytest.raises(RuntimeError, match="async engine"):
        store.get(ALICE, "drink")


async def test_async_methods_on_a_blocking_engine(engine: Accord) -> None:
    store = AccordStore(engine)
    await store.aput(ALICE, "drink", {"text": "I love green tea"})
    assert store.get(ALICE, "drink") == await store.aget(ALICE, "drink")


async def test_permission_denied_is_a_permission_error(aengine: AsyncAccord) -> None:
    _, key = await aengine.create_agent("reader")
    reader = await aengine.for_key(key.key)  # an agent with no grant
    store = AccordStore(reader)
    with pytest.raises(PermissionError, match="may not write"):
        await store.aput(ALICE, "k", {"text": "I like tea"})

"""One contract for the ``Graph`` port, run on SQLite and on PostgreSQL: writes merge and
replay idempotently, relations are invalidated (never deleted) and read back as of a time,
walks are recursive and stay inside one user's graph, erasure and export cover it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest

from accord.adapters.sql import SqlStore
from accord.adapters.sql.graph import SqlGraph
from accord.domain.entities import Turn, read_entities
from accord.domain.graph import alias_key

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


@pytest.fixture
async def graph(sql_url: str) -> AsyncIterator[SqlGraph]:
    store = SqlStore(sql_url)
    await store.open()
    yield SqlGraph.sharing(store)
    await store.close()


async def _say(graph: SqlGraph, tenant: str, user: str, *texts: str, at: dt.datetime = T0) -> list[str]:
    """Ingest the texts as one job; returns the memory ids they stand for."""
    ids = [str(uuid.uuid4()) for _ in texts]
    draft = read_entities([Turn(t) for t in texts])
    await graph.ingest(tenant, user, draft, ids, [at] * len(texts), at)
    return ids


async def _named(graph: SqlGraph, tenant: str, user: str, name: str):  # type: ignore[no-untyped-def]
    found = await graph.find(tenant, user, [alias_key(name)])
    assert len(found) == 1, found
    return found[0]


async def test_entities_merge_across_jobs_and_a_replay_changes_nothing(graph: SqlGraph) -> None:
    await _say(graph, "t1", "u1", "My wife loves hiking.")
    await _say(graph, "t1", "u1", "My wife is Anna. She is a doctor.")
    first = await _say(graph, "t1", "u1", "Anna works at St. Mary's hospital.")
    listed = await graph.entities("t1", "u1")
    assert [e.name for e in listed][:1] == ["Anna"]  # most mentioned first; the user's own node is not listed
    assert {e.kind for e in listed} == {"person", "organization", "topic"}
    anna = await _named(graph, "t1", "u1", "Anna")
    assert anna.roles == ["wife"] and (await graph.find("t1", "u1", ["role:wife"]))[0].id == anna.id
    before = await graph.export_user("t1", "u1")
    draft = read_entities([Turn("Anna works at St. Mary's hospital.")])
    await graph.ingest("t1", "u1", draft, first, [T0], T0)  # the same job, replayed
    after = await graph.export_user("t1", "u1")
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}
    assert {k: len(v) for k, v in after.items()}["entity_mentions"] >= 3


async def test_a_superseded_relation_is_closed_not_deleted_and_as_of_sees_it(graph: SqlGraph) -> None:
    await _say(graph, "t1", "u1", "My manager Tom lives in Lisbon.", at=_at(0))
    await _say(graph, "t1", "u1", "Tom moved to Berlin.", at=_at(10))
    tom = await _named(graph, "t1", "u1", "Tom")
    found = await graph.entity("t1", "u1", tom.id)
    assert found is not None
    detail, memory_ids = found
    lives = {(r.predicate, n.name, r.valid_to) for r in detail.relations for n in detail.neighbours if n.id == r.object_id}
    assert ("lives_in", "Lisbon", _at(10)) in lives and ("lives_in", "Berlin", None) in lives
    assert len(memory_ids) == 2
    then = await graph.entity("t1", "u1", tom.id, as_of=_at(5))
    assert then is not None
    assert {n.name for n in then[0].neighbours} == {"Lisbon", "User"}
    now_related = {r.entity.name for r in await graph.related("t1", "u1", tom.id, 1)}
    then_related = {r.entity.name for r in await graph.related("t1", "u1", tom.id, 1, as_of=_at(5))}
    assert "Berlin" in now_related and "Lisbon" not in now_related
    assert "Lisbon" in then_related and "Berlin" not in then_related


async def test_walks_are_recursive_nearest_first_and_never_pass_through_the_user(graph: SqlGraph) -> None:
    await _say(graph, "t1", "u1", "My wife Anna works at Acme.")
    await _say(graph, "t1", "u1", "Acme's boss Rita is from Lima.")
    await _say(graph, "t1", "u1", "My brother Mark lives in Oslo.")
    anna = await _named(graph, "t1", "u1", "Anna")
    one = await graph.related("t1", "u1", anna.id, 1)
    two = await graph.related("t1", "u1", anna.id, 3)
    assert {r.entity.name for r in one} == {"Acme", "User"}
    by_name = {r.entity.name: r for r in two}
    assert by_name["Rita"].depth == 2 and by_name["Lima"].depth == 3
    assert all(r.via for r in two)  # each says which relation reached it
    assert "Mark" not in by_name and "Oslo" not in by_name  # the user's node is not a bridge
    assert [r.depth for r in two] == sorted(r.depth for r in two)


async def test_expansion_returns_statements_and_mentions_nearest_first(graph: SqlGraph) -> None:
    said = await _say(graph, "t1", "u1", "My wife Anna works at Acme.", "We had dinner with Anna.", "Acme is in Lisbon.")
    anna = await _named(graph, "t1", "u1", "Anna")
    found = await graph.neighbourhood_memories("t1", "u1", [anna.id], depth=1, as_of=None, per_entity=8, limit=40)
    hops = {memory_id: hop for memory_id, _, hop in found}
    assert hops[said[0]] == 0 and hops[said[1]] == 0
    few = await graph.neighbourhood_memories("t1", "u1", [anna.id], depth=0, as_of=None, per_entity=1, limit=40)
    # Anna is mentioned twice: with per_entity=1 only the memory that stated a relation joins.
    assert {m for m, _, _ in few} == {said[0]}


async def test_one_users_graph_is_invisible_to_another_user_and_tenant(graph: SqlGraph) -> None:
    for tenant, user in (("t1", "u1"), ("t1", "u2"), ("t2", "u1")):
        await _say(graph, tenant, user, "My wife Anna works at Acme.")
    annas = {(t, u): (await _named(graph, t, u, "Anna")).id for t, u in (("t1", "u1"), ("t1", "u2"), ("t2", "u1"))}
    assert len(set(annas.values())) == 3  # the same words, three people
    a = annas[("t1", "u1")]
    assert await graph.entity("t1", "u2", a) is None
    assert await graph.entity("t2", "u1", a) is None
    assert await graph.owner("t2", a) is None and await graph.owner("t1", a) == "u1"
    assert await graph.related("t1", "u2", a, 2) == []
    assert await graph.neighbourhood_memories("t1", "u2", [a], depth=2, as_of=None, per_entity=8, limit=40) == []
    removed = await graph.forget_user("t1", "u1")
    assert removed >= 2
    assert await graph.entities("t1", "u1") == []
    assert not any((await graph.export_user("t1", "u1")).values())
    assert len(await graph.entities("t1", "u2")) == 2 and len(await graph.entities("t2", "u1")) == 2


async def test_a_deleted_memory_no_longer_links_its_entities(graph: SqlGraph) -> None:
    said = await _say(graph, "t1", "u1", "My wife Anna works at Acme.")
    anna = await _named(graph, "t1", "u1", "Anna")
    await graph.forget_memories("t1", said)
    found = await graph.entity("t1", "u1", anna.id)
    assert found is not None and found[1] == []
    assert all(r.memory_id is None for r in found[0].relations)  # the facts stay, without their source

"""One contract for every VectorIndex: Qdrant Edge and qdrant-client (local mode here).

Each adapter runs lexical-only (``dim=None``) and with small dense vectors (``dim=16``).
With ``ACCORD_TEST_QDRANT_URL`` (and ``ACCORD_TEST_QDRANT_API_KEY`` if it needs one) the
server adapter also runs the whole contract against that real Qdrant server, in a collection
of its own per test (dropped afterwards), with automatic and with custom (per-tenant) sharding.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import uuid
import warnings
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import os

import numpy as np
import pytest
from accord import DataDirLockedError, StorageError
from accord.ports import IndexPoint, IndexQuery, VectorIndex
from accord.adapters.index.qdrant_edge import QdrantEdgeIndex
from accord.adapters.index.qdrant_calls import client_errors
from accord.adapters.index.qdrant_server import QdrantOptions, QdrantServerIndex

DIM = 16
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def vec(text: str, dim: int = DIM) -> np.ndarray:
    """A deterministic unit vector per text."""
    v = np.random.default_rng(zlib.crc32(text.encode())).standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


def point(text: str, *, tenant: str = "t1", user: str = "u1", **kw: Any) -> IndexPoint:
    fields: dict[str, Any] = {
        "memory_id": str(uuid.uuid4()),
        "tenant_id": tenant,
        "user_id": user,
        "category": "fact",
        "status": "active",
        "created_at": T0,
        "text": text,
        "dense": vec(text),
    }
    fields.update(kw)
    return IndexPoint(**fields)


def query(text: str = "", *, tenant: str = "t1", user: str = "u1", **kw: Any) -> IndexQuery:
    return IndexQuery(tenant_id=tenant, user_id=user, text=text, **kw)


def ids(hits: list[tuple[str, float]]) -> list[str]:
    return [memory_id for memory_id, _ in hits]


QDRANT_URL = os.environ.get("ACCORD_TEST_QDRANT_URL")
_REMOTE = [("remote", None), ("remote", DIM), ("remote-sharded", DIM)] if QDRANT_URL else []


@pytest.fixture(
    params=[("edge", None), ("edge", DIM), ("server", None), ("server", DIM), *_REMOTE],
    ids=["edge-lexical", "edge-dense", "server-lexical", "server-dense"]
    + [f"{kind}-{'dense' if dim else 'lexical'}" for kind, dim in _REMOTE],
)
async def index(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    kind, dim = request.param
    idx: Any
    if kind == "edge":
        idx = QdrantEdgeIndex(tmp_path / "edge", dim)
    elif kind == "server":
        idx = QdrantServerIndex(location=":memory:", dim=dim)
    else:
        # A real server: a collection of this test's own; t1 on a dedicated shard key when sharded.
        options = QdrantOptions(shard_keys={"t1": "t1"}) if kind == "remote-sharded" else QdrantOptions()
        collection = f"accord_test_{uuid.uuid4().hex[:12]}"
        idx = QdrantServerIndex(
            QDRANT_URL, api_key=os.environ.get("ACCORD_TEST_QDRANT_API_KEY"), collection=collection, dim=dim, options=options
        )
    yield idx
    if kind.startswith("remote"):
        with contextlib.suppress(*client_errors()):  # the test already failed if the server is down
            await idx._client.delete_collection(idx.collection)
    await idx.close()


def dense_of(idx: Any) -> bool:
    return idx.dim is not None


async def test_implements_the_port(index: Any) -> None:
    assert isinstance(index, VectorIndex)
    assert index.name in {"qdrant_edge", "qdrant_server"}


async def test_lexical_search_finds_stemmed_words(index: Any) -> None:
    runs, tea = point("She runs every morning"), point("Green tea with honey")
    await index.upsert([runs, tea])
    hits = await index.search(query("running"))
    assert ids(hits.lexical) == [runs.memory_id]
    assert hits.dense == []
    assert ids((await index.search(query("teas"))).lexical) == [tea.memory_id]


async def test_lexical_search_ranks_rarer_and_more_matches_higher(index: Any) -> None:
    both = point("coffee and a croissant for breakfast")
    coffee = [point(f"coffee note {i}") for i in range(4)]
    await index.upsert([both, *coffee])
    hits = await index.search(query("coffee croissant"))
    assert ids(hits.lexical)[0] == both.memory_id
    assert len(hits.lexical) == 5
    assert [s for _, s in hits.lexical] == sorted((s for _, s in hits.lexical), reverse=True)


async def test_stopword_only_query_gives_no_lexical_hits(index: Any) -> None:
    await index.upsert([point("the user")])
    assert (await index.search(query("the and of"))).lexical == []


async def test_dense_search_ranks_identical_vector_first(index: Any) -> None:
    points = [point(f"memory number {i}") for i in range(20)]
    await index.upsert(points)
    target = points[7]
    hits = await index.search(query("", dense=vec(target.text), limit=5))
    if not dense_of(index):
        assert hits.dense == []  # a lexical-only index ignores the query vector
        return
    assert ids(hits.dense)[0] == target.memory_id
    assert hits.dense[0][1] == pytest.approx(1.0, abs=1e-4)
    assert len(hits.dense) == 5


async def test_limit_bounds_both_lists(index: Any) -> None:
    await index.upsert([point(f"coffee {i}") for i in range(10)])
    hits = await index.search(query("coffee", dense=vec("coffee"), limit=3))
    assert len(hits.lexical) == 3
    assert len(hits.dense) == (3 if dense_of(index) else 0)


async def test_tenant_isolation(index: Any) -> None:
    a = point("coffee lover", tenant="A")
    b = point("coffee lover", tenant="B")
    await index.upsert([a, b])
    for tenant, mine in (("A", a), ("B", b)):
        hits = await index.search(query("coffee", tenant=tenant, dense=vec("coffee lover")))
        assert ids(hits.lexical) == [mine.memory_id]
        assert ids(hits.dense) == ([mine.memory_id] if dense_of(index) else [])
    # writes by id are scoped by tenant too
    await index.set_status("A", [b.memory_id], "archived")
    await index.delete("A", [b.memory_id])
    assert ids((await index.search(query("coffee", tenant="B"))).lexical) == [b.memory_id]
    await index.delete_user("A", "u1")
    assert await index.count("A") == 0
    assert await index.count("B") == 1


async def test_user_isolation(index: Any) -> None:
    u1, u2 = point("likes jazz", user="u1"), point("likes jazz", user="u2")
    await index.upsert([u1, u2])
    assert ids((await index.search(query("jazz", user="u1"))).lexical) == [u1.memory_id]
    assert ids((await index.search(query("jazz", user="u2"))).lexical) == [u2.memory_id]
    assert ids((await index.search(query("jazz", user="u3"))).lexical) == []


async def test_status_filter(index: Any) -> None:
    active, archived = point("dog named Rex"), point("dog named Max", status="archived")
    await index.upsert([active, archived])
    by_default = await index.search(query("dog", dense=vec("dog named Max")))
    assert ids(by_default.lexical) == [active.memory_id]
    assert archived.memory_id not in ids(by_default.dense)
    both = await index.search(query("dog", statuses=("active", "archived")))
    assert set(ids(both.lexical)) == {active.memory_id, archived.memory_id}
    only_archived = await index.search(query("dog", statuses=("archived",)))
    assert ids(only_archived.lexical) == [archived.memory_id]


async def test_categories_and_agent_ids_filters(index: Any) -> None:
    fact = point("paris trip", category="fact", agent_id="planner")
    pref = point("paris hotel", category="preference", agent_id="booker")
    none = point("paris museum", category="episode")
    await index.upsert([fact, pref, none])
    got = await index.search(query("paris", categories=["preference", "episode"]))
    assert set(ids(got.lexical)) == {pref.memory_id, none.memory_id}
    got = await index.search(query("paris", agent_ids=["planner"]))
    assert ids(got.lexical) == [fact.memory_id]
    got = await index.search(query("paris", categories=["fact"], agent_ids=["booker"]))
    assert got.lexical == []


async def test_created_after(index: Any) -> None:
    old = point("guitar lesson", created_at=T0)
    new = point("guitar concert", created_at=T0 + dt.timedelta(days=3, microseconds=5))
    await index.upsert([old, new])
    got = await index.search(query("guitar", created_after=T0 + dt.timedelta(days=1)))
    assert ids(got.lexical) == [new.memory_id]
    got = await index.search(query("guitar", created_after=T0))  # strictly after
    assert ids(got.lexical) == [new.memory_id]
    naive = (T0 - dt.timedelta(days=1)).replace(tzinfo=None)  # naive is taken as UTC
    assert len((await index.search(query("guitar", created_after=naive))).lexical) == 2


async def test_set_status_changes_payload_only(index: Any) -> None:
    p = point("allergic to peanuts")
    await index.upsert([p])
    await index.set_status("t1", [p.memory_id], "archived")
    assert (await index.search(query("peanut"))).lexical == []
    await index.set_status("t1", [p.memory_id], "active")
    hits = await index.search(query("peanut", dense=vec(p.text)))
    assert ids(hits.lexical) == [p.memory_id]
    assert ids(hits.dense) == ([p.memory_id] if dense_of(index) else [])
    await index.set_status("t1", [], "archived")  # no-op
    await index.set_status("t1", [str(uuid.uuid4())], "archived")  # unknown id: no-op


async def test_delete(index: Any) -> None:
    keep, drop = point("keep this note"), point("drop this note")
    await index.upsert([keep, drop])
    await index.delete("t1", [drop.memory_id, str(uuid.uuid4())])
    assert ids((await index.search(query("note"))).lexical) == [keep.memory_id]
    assert await index.count("t1") == 1
    await index.delete("t1", [])


async def test_delete_user_removes_only_that_user(index: Any) -> None:
    await index.upsert([point("a", user="u1"), point("b", user="u1"), point("c", user="u2")])
    await index.delete_user("t1", "u1")
    assert await index.count("t1", "u1") == 0
    assert await index.count("t1", "u2") == 1


async def test_count(index: Any) -> None:
    assert await index.count("t1") == 0
    await index.upsert(
        [point("a"), point("b", status="archived"), point("c", user="u2"), point("d", tenant="t2")]
    )
    assert await index.count("t1") == 3
    assert await index.count("t1", "u1") == 2
    assert await index.count("t1", "nobody") == 0
    assert await index.count("t2") == 1


async def test_clear(index: Any) -> None:
    await index.upsert([point("x one"), point("x two", tenant="t2")])
    await index.clear()
    assert await index.count("t1") == 0 and await index.count("t2") == 0
    fresh = point("after clear")
    await index.upsert([fresh])  # still usable, same configuration
    assert ids((await index.search(query("clear"))).lexical) == [fresh.memory_id]


async def test_idempotent_upsert_replaces_text(index: Any) -> None:
    first = point("bicycle repair")
    await index.upsert([first])
    await index.upsert([first])
    assert await index.count("t1") == 1
    updated = dataclasses.replace(first, text="piano lessons")
    await index.upsert([updated])
    assert await index.count("t1") == 1
    assert (await index.search(query("bicycle"))).lexical == []
    assert ids((await index.search(query("piano"))).lexical) == [first.memory_id]


async def test_large_upsert(index: Any) -> None:
    points = [point(f"bulk memory {i} about topic{i % 7}") for i in range(700)]
    await index.upsert(points)
    assert await index.count("t1", "u1") == 700
    assert len((await index.search(query("topic3", limit=200))).lexical) == 100


# --- Qdrant Edge specifics -----------------------------------------------------------------


@pytest.mark.parametrize("dim", [None, DIM])
async def test_edge_persists_across_reopen(tmp_path: Path, dim: int | None) -> None:
    p = point("persistent memory about sailing")
    idx = QdrantEdgeIndex(tmp_path / "edge", dim)
    await idx.upsert([p])
    await idx.close()
    await idx.close()  # closing twice is harmless
    reopened = QdrantEdgeIndex(tmp_path / "edge", dim)
    try:
        assert await reopened.count("t1") == 1
        assert ids((await reopened.search(query("sail"))).lexical) == [p.memory_id]
    finally:
        await reopened.close()


async def test_edge_second_open_of_same_path_is_locked(tmp_path: Path) -> None:
    first = QdrantEdgeIndex(tmp_path / "edge", DIM)
    try:
        with pytest.raises(DataDirLockedError, match="accord serve") as info:
            QdrantEdgeIndex(tmp_path / "edge", DIM)
        assert str(tmp_path / "edge") in str(info.value)
        assert info.value.__cause__ is not None
    finally:
        await first.close()
    await QdrantEdgeIndex(tmp_path / "edge", DIM).close()  # free again once the owner closed


@pytest.mark.parametrize(("stored", "wanted"), [(DIM, 8), (DIM, None), (None, DIM)])
async def test_edge_dim_mismatch_asks_for_reindex(
    tmp_path: Path, stored: int | None, wanted: int | None
) -> None:
    idx = QdrantEdgeIndex(tmp_path / "edge", stored)
    await idx.upsert([point("something", dense=vec("something"))])
    await idx.close()
    with pytest.raises(StorageError, match="accord reindex"):
        QdrantEdgeIndex(tmp_path / "edge", wanted)
    rebuilt = QdrantEdgeIndex(tmp_path / "edge", wanted, recreate=True)
    try:
        assert await rebuilt.count("t1") == 0
        await rebuilt.upsert([point("fresh", dense=None if wanted is None else vec("fresh", wanted))])
        assert await rebuilt.count("t1") == 1
    finally:
        await rebuilt.close()


async def test_edge_closed_index_raises_storage_error(tmp_path: Path) -> None:
    idx = QdrantEdgeIndex(tmp_path / "edge", None)
    await idx.close()
    with pytest.raises(StorageError, match="closed"):
        await idx.count("t1")


async def test_edge_optimize_keeps_results(tmp_path: Path) -> None:
    idx = QdrantEdgeIndex(tmp_path / "edge", DIM)
    try:
        points = [point(f"note {i}") for i in range(50)]
        await idx.upsert(points)
        await idx.optimize()
        hits = await idx.search(query("", dense=vec(points[3].text), limit=1))
        assert ids(hits.dense) == [points[3].memory_id]
    finally:
        await idx.close()


# --- qdrant-client specifics ---------------------------------------------------------------


async def test_server_local_path_persists_and_locks(tmp_path: Path) -> None:
    p = point("persistent memory about sailing")
    idx = QdrantServerIndex(path=tmp_path / "qdrant", dim=DIM)
    await idx.upsert([p])
    with warnings.catch_warnings():  # qdrant-client leaks the lock file of a failed open
        warnings.simplefilter("ignore", ResourceWarning)
        with pytest.raises(DataDirLockedError):
            QdrantServerIndex(path=tmp_path / "qdrant", dim=DIM)
        gc.collect()
    await idx.close()
    reopened = QdrantServerIndex(path=tmp_path / "qdrant", dim=DIM)
    try:
        assert ids((await reopened.search(query("sail"))).lexical) == [p.memory_id]
    finally:
        await reopened.close()


async def test_server_dim_mismatch_asks_for_reindex(tmp_path: Path) -> None:
    idx = QdrantServerIndex(path=tmp_path / "qdrant", dim=DIM)
    await idx.upsert([point("something")])
    await idx.close()
    other = QdrantServerIndex(path=tmp_path / "qdrant", dim=8)
    try:
        with pytest.raises(StorageError, match="accord reindex"):
            await other.count("t1")
        await other.clear()  # reindex path: the collection is rebuilt with the new size
        await other.upsert([point("fresh", dense=vec("fresh", 8))])
        assert await other.count("t1") == 1
    finally:
        await other.close()


def test_server_needs_exactly_one_location() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        QdrantServerIndex(dim=None)
    with pytest.raises(ValueError, match="exactly one"):
        QdrantServerIndex("http://localhost:6333", location=":memory:", dim=None)

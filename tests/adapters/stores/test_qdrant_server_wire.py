"""What the Qdrant-server adapter sends a server, through the real qdrant-client, to a scripted
loopback endpoint (``qdrant_wire``): the tenant index, user-scoped filters, shard keys per
tenant, batched writes with their ``wait`` semantics, and retries on a lost connection."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from accord import StorageError
from accord.adapters.index.qdrant_calls import QdrantOptions
from accord.adapters.index.qdrant_server import QdrantServerIndex
from accord.ports import IndexPoint, IndexQuery

from .qdrant_wire import QdrantWire, serving

# qdrant-client checks the server version from a thread of its own, which may run after a
# test has already stopped its endpoint.
pytestmark = pytest.mark.filterwarnings("ignore:Failed to obtain server version:UserWarning")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
COLL = "/collections/mem"
FAST = {"backoff_seconds": 0.0}  # retries without waiting: the tests count attempts, not time


def point(tenant: str = "t1", user: str = "u1", text: str = "likes green tea") -> IndexPoint:
    return IndexPoint(
        memory_id=str(uuid.uuid4()), tenant_id=tenant, user_id=user, category="fact", status="active",
        created_at=T0, text=text, dense=None,
    )


@pytest.fixture
def wire() -> Iterator[QdrantWire]:
    with serving() as w:
        yield w


def make(wire: QdrantWire, **options: Any) -> QdrantServerIndex:
    return QdrantServerIndex(wire.url, collection="mem", options=QdrantOptions(**{**FAST, **options}))


@pytest.fixture
async def index(wire: QdrantWire) -> AsyncIterator[QdrantServerIndex]:
    idx = make(wire)
    yield idx
    await idx.close()


def must_keys(flt: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for cond in flt["must"]:
        if "key" in cond:
            out[cond["key"]] = cond["match"].get("value", cond["match"].get("any"))
    return out


async def test_the_collection_gets_a_tenant_index_and_the_filtered_fields(index: QdrantServerIndex, wire: QdrantWire) -> None:
    await index.count("t1")
    (create,) = wire.sent("PUT", COLL)
    assert "sharding_method" not in create.body  # automatic sharding unless shard keys are set
    indexes = {r.body["field_name"]: r.body["field_schema"] for r in wire.sent("PUT", COLL + "/index")}
    assert indexes["tenant_id"] == {"type": "keyword", "is_tenant": True}
    assert {k: indexes[k] for k in ("user_id", "status", "category", "agent_id", "created_at")} == {
        "user_id": "keyword", "status": "keyword", "category": "keyword", "agent_id": "keyword", "created_at": "datetime",
    }
    # Created once: the next call goes straight to its request.
    await index.count("t1")
    assert len(wire.sent("PUT", COLL)) == 1 and len(wire.sent("GET", COLL + "/exists")) == 1


async def test_searches_are_scoped_to_the_tenant_and_the_user(index: QdrantServerIndex, wire: QdrantWire) -> None:
    query = IndexQuery(tenant_id="acme", user_id="alice", text="green tea", limit=5, categories=["fact"])
    await index.search(query)
    (batch,) = wire.sent("POST", COLL + "/points/query/batch")
    (search,) = batch.body["searches"]
    assert must_keys(search["filter"]) == {
        "tenant_id": "acme",
        "user_id": list(query.user_ids()),  # the user and the tenant's shared facts, nobody else
        "status": ["active"],
        "category": ["fact"],
    }
    assert "alice" in query.user_ids() and "shard_key" not in search


async def test_upserts_go_in_batches_and_wait_by_default(index: QdrantServerIndex, wire: QdrantWire) -> None:
    await index.upsert([point() for _ in range(600)])
    sizes = [len(r.body["points"]) for r in wire.sent("PUT", COLL + "/points")]
    assert sizes == [256, 256, 88]
    assert {r.query.get("wait") for r in wire.sent("PUT", COLL + "/points")} == {"true"}


async def test_wait_false_and_write_ordering_reach_every_write(wire: QdrantWire) -> None:
    idx = make(wire, wait=False, write_ordering="strong", upsert_batch=2)
    try:
        await idx.upsert([point(), point(), point()])
        await idx.set_status("t1", ["m1"], "archived")
        await idx.delete("t1", ["m1"])
        await idx.delete_user("t1", "u1")
    finally:
        await idx.close()
    writes = wire.sent("PUT", COLL + "/points") + wire.sent("POST", COLL + r"/points/(payload|delete)")
    assert len(writes) == 2 + 1 + 2
    assert {(r.query.get("wait"), r.query.get("ordering")) for r in writes} == {("false", "strong")}


async def test_tenants_get_their_shard_keys(wire: QdrantWire) -> None:
    idx = make(wire, shard_keys={"bigco": "bigco"}, default_shard_key="shared", replication_factor=2)
    try:
        await idx.upsert([point("bigco"), point("small-1"), point("bigco")])
        await idx.upsert([point("small-2")])
        await idx.search(IndexQuery(tenant_id="bigco", user_id="u1", text="green tea", limit=3))
        await idx.delete_user("small-1", "u1")
        await idx.count("bigco", "u1")
    finally:
        await idx.close()
    (create,) = wire.sent("PUT", COLL)
    assert create.body["sharding_method"] == "custom" and create.body["replication_factor"] == 2
    made = [r.body["shard_key"] for r in wire.sent("PUT", COLL + "/shards")]
    assert made == ["bigco", "shared"]  # each key once, on first use
    upserts = [(r.body["shard_key"], len(r.body["points"])) for r in wire.sent("PUT", COLL + "/points")]
    assert upserts == [("bigco", 2), ("shared", 1), ("shared", 1)]  # one tenant's points per request
    (batch,) = wire.sent("POST", COLL + "/points/query/batch")
    assert [s["shard_key"] for s in batch.body["searches"]] == ["bigco"]
    assert [r.body["shard_key"] for r in wire.sent("POST", COLL + "/points/delete")] == ["shared"]
    assert [r.body["shard_key"] for r in wire.sent("POST", COLL + "/points/count")] == ["bigco"]


async def test_a_dropped_connection_is_retried_on_a_new_one(index: QdrantServerIndex, wire: QdrantWire) -> None:
    await index.count("t1")
    before = len(wire.requests)
    wire.fail_next("drop", 503)
    assert await index.count("t1") == 0
    assert [r.path for r in wire.requests[before:]] == [COLL + "/points/count"] * 3


async def test_a_server_that_stays_down_fails_after_the_retries(wire: QdrantWire) -> None:
    idx = make(wire, retries=2)
    try:
        await idx.count("t1")
        before = len(wire.requests)
        wire.fail_next(503, "drop", 502, 200)
        with pytest.raises(StorageError, match=rf"qdrant at {wire.url} failed to count after 3 attempts"):
            await idx.count("t1")
        assert len(wire.requests) - before == 3
    finally:
        await idx.close()


async def test_a_request_error_is_not_retried(index: QdrantServerIndex, wire: QdrantWire) -> None:
    await index.count("t1")
    before = len(wire.requests)
    wire.fail_next(400)
    with pytest.raises(StorageError, match="failed to count: "):
        await index.count("t1")
    assert len(wire.requests) - before == 1


def test_bad_options_name_the_setting() -> None:
    with pytest.raises(ValueError, match="qdrant_upsert_batch"):
        QdrantOptions(upsert_batch=0)
    with pytest.raises(ValueError, match="qdrant_retries"):
        QdrantOptions(retries=-1)
    assert QdrantOptions(shard_keys={"a": "k-a"}).shard_key("a") == "k-a"
    assert QdrantOptions(shard_keys={"a": "k-a"}).shard_key("b") == "shared"
    assert QdrantOptions().shard_key("a") is None

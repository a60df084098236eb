"""One contract for the canonical store, run on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator

import numpy as np
import pytest
from sqlalchemy.exc import IntegrityError

from accord import ExtractedMemory, JobStatus
from accord.adapters.sql import SqlStore
from accord.domain.records import NewMemory, NewMessage

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
async def store(sql_url: str) -> AsyncIterator[SqlStore]:
    s = SqlStore(sql_url)
    await s.open()
    for tenant in ("t1", "t2"):
        await s.ensure_tenant(tenant, None, NOW)
    yield s
    await s.close()


def _memory(user: str, content: str, *, category: str = "fact", job_id: str | None = None, **kw) -> NewMemory:
    return NewMemory(
        id=str(uuid.uuid4()),
        user_id=user,
        content=content,
        content_hash=content.lower(),
        index_text=content,
        category=category,
        importance=0.5,
        source_kind="extracted" if category != "episodic" else "episodic",
        job_id=job_id,
        **kw,
    )


async def _enqueue(store: SqlStore, tenant: str, user: str, text: str, *, key: str | None = None, when=NOW) -> str:
    job_id = str(uuid.uuid4())
    msg = NewMessage(id=str(uuid.uuid4()), position=0, role="user", content=text, said_at=when)
    existing = await store.enqueue(
        tenant_id=tenant,
        user_id=user,
        agent_id="agent-a",
        session_id="s1",
        job_id=job_id,
        content_hash=f"fp-{text}",
        idempotency_key=key,
        new_messages=[msg],
        episodic=[_memory(user, text, category="episodic", job_id=job_id, message_id=msg.id)],
        now=when,
    )
    return existing or job_id


async def test_enqueue_stores_turns_episodic_memory_and_job_together(store: SqlStore) -> None:
    job_id = await _enqueue(store, "t1", "alice", "I moved to Lisbon")
    job = await store.get_job("t1", job_id)
    assert job is not None and job.status is JobStatus.QUEUED and len(job.message_ids) == 1
    turns = await store.job_messages("t1", job_id)
    assert [m.content for m in turns] == ["I moved to Lisbon"]
    episodic = await store.list_memories("t1", "alice", categories=["episodic"])
    assert [m.content for m in episodic] == ["I moved to Lisbon"]
    assert episodic[0].created_at.tzinfo is not None  # SQLite loses the zone; the store re-attaches UTC


async def test_idempotency_key_returns_first_job_and_writes_nothing(store: SqlStore) -> None:
    first = await _enqueue(store, "t1", "alice", "hello world", key="k-1")
    second = await _enqueue(store, "t1", "alice", "something else", key="k-1")
    assert second == first
    assert (await store.user_stats("t1", "alice")).messages == 1
    # The same key for another user or tenant is a different write.
    assert await _enqueue(store, "t2", "alice", "hello world", key="k-1") != first


async def test_a_job_is_leased_to_one_worker_and_reclaimed_after_its_lease(store: SqlStore) -> None:
    job_id = await _enqueue(store, "t1", "alice", "I like tea")
    claimed = await store.claim_job("w1", NOW, 30, max_attempts=3)
    assert claimed is not None and claimed.id == job_id and claimed.attempts == 1
    assert await store.claim_job("w2", NOW, 30, max_attempts=3) is None
    later = NOW + dt.timedelta(seconds=31)
    again = await store.claim_job("w2", later, 30, max_attempts=3)
    assert again is not None and again.id == job_id and again.attempts == 2
    # The first worker lost its lease: its writes are refused.
    assert not await store.save_extraction(job_id, "w1", [], "rules", later)
    assert await store.apply_job(job_id, "w1", "t1", [], later, stated_by="alice", said_at=NOW) is None


async def test_concurrent_claims_hand_each_job_to_exactly_one_worker(store: SqlStore) -> None:
    ids = {await _enqueue(store, "t1", f"user{i}", f"turn {i}") for i in range(8)}
    claims = await asyncio.gather(*(store.claim_job(f"w{i}", NOW, 30, 3) for i in range(12)))
    got = [c.id for c in claims if c is not None]
    assert sorted(got) == sorted(ids)


async def test_saved_extraction_survives_and_apply_is_idempotent(store: SqlStore) -> None:
    job_id = await _enqueue(store, "t1", "alice", "I'm vegetarian")
    await store.claim_job("w1", NOW, 30, 3)
    extracted = [ExtractedMemory(content="User is vegetarian", category="preference", attribute_key="diet", importance=0.8)]
    assert await store.save_extraction(job_id, "w1", extracted, "rules", NOW)
    job = await store.get_job("t1", job_id)
    assert job.extraction == extracted and job.extractor == "rules"
    memory = _memory("alice", "User is vegetarian", category="preference", job_id=job_id)
    assert (await store.apply_job(job_id, "w1", "t1", [memory], NOW, stated_by="alice", said_at=NOW)).created == [memory.id]
    replay = await store.apply_job(job_id, "w1", "t1", [memory], NOW, stated_by="alice", said_at=NOW)
    assert replay.created == [memory.id] and not replay.decisions  # applied once: the replay writes nothing
    assert await store.complete_job(job_id, "w1", NOW)
    assert (await store.get_job("t1", job_id)).status is JobStatus.DONE
    assert len(await store.list_memories("t1", "alice", categories=["preference"])) == 1


async def test_duplicate_active_content_is_refused_by_the_database(store: SqlStore) -> None:
    job_id = await _enqueue(store, "t1", "alice", "I'm vegetarian")
    await store.claim_job("w1", NOW, 30, 3)
    a = _memory("alice", "User is vegetarian", category="preference", job_id=job_id)
    b = _memory("alice", "User is vegetarian", category="preference", job_id=job_id)
    result = await store.apply_job(job_id, "w1", "t1", [a, b], NOW, stated_by="alice", said_at=NOW)
    assert result.created == [a.id] and [d for d, _ in result.decisions] == ["insert", "reject"]
    # Episodic turns may repeat (the same words said twice are two events).
    await _enqueue(store, "t1", "alice", "ok sure", when=NOW)
    await _enqueue(store, "t1", "alice", "ok sure", when=NOW + dt.timedelta(seconds=1))
    assert len([m for m in await store.list_memories("t1", "alice") if m.content == "ok sure"]) == 2


async def test_one_active_head_per_lineage_is_a_database_constraint(store: SqlStore) -> None:
    from sqlalchemy import insert

    from accord.adapters.sql.records import memory_row
    from accord.adapters.sql.schema import memories

    head = _memory("alice", "User works at Acme")
    rival = _memory("alice", "User works at Northstar", lineage_id=head.id)
    sql = store._sql  # noqa: SLF001 - exercising the schema itself
    await sql.write(lambda conn: conn.execute(insert(memories).values(**memory_row("t1", head, NOW))))
    with pytest.raises(IntegrityError):
        await sql.write(lambda conn: conn.execute(insert(memories).values(**memory_row("t1", rival, NOW))))


async def test_tenants_are_isolated_on_every_read_and_delete(store: SqlStore) -> None:
    await _enqueue(store, "t1", "alice", "secret of tenant one")
    await _enqueue(store, "t2", "alice", "secret of tenant two")
    one = await store.list_memories("t1", "alice")
    assert [m.content for m in one] == ["secret of tenant one"]
    assert await store.get_memories("t2", [one[0].id]) == []
    assert await store.delete_memory("t2", one[0].id) is None
    report = await store.forget_user("t2", "alice")
    assert report.memories == 1
    assert [m.content for m in await store.list_memories("t1", "alice")] == ["secret of tenant one"]


async def test_forget_user_removes_every_row_of_that_user_only(store: SqlStore) -> None:
    job_id = await _enqueue(store, "t1", "alice", "canary-7f3 lives here")
    await _enqueue(store, "t1", "bob", "bob's own turn")
    await store.claim_job("w1", NOW, 30, 3)
    await store.apply_job(job_id, "w1", "t1", [_memory("alice", "canary-7f3 durable", job_id=job_id)], NOW, stated_by="alice", said_at=NOW)
    report = await store.forget_user("t1", "alice")
    assert (report.memories, report.messages, report.jobs, report.versions) == (2, 1, 1, 1)
    assert await store.list_memories("t1", "alice", statuses=["active", "archived"]) == []
    assert await store.get_job("t1", job_id) is None
    assert (await store.user_stats("t1", "alice")).messages == 0
    assert (await store.user_stats("t1", "bob")).active_memories == 1


async def test_embeddings_round_trip_through_sql_for_reindexing(store: SqlStore) -> None:
    vec = np.arange(8, dtype=np.float32) / 10
    m = _memory("alice", "User likes tea", embedding=vec, embedding_model="test-model")
    job_id = await _enqueue(store, "t1", "alice", "I like tea")
    await store.claim_job("w1", NOW, 30, 3)
    await store.apply_job(job_id, "w1", "t1", [m], NOW, stated_by="alice", said_at=NOW)
    records = [r async for batch in store.index_records(tenant_id="t1") for r in batch]
    got = {r.memory_id: r for r in records}[m.id]
    assert got.embedding_model == "test-model"
    np.testing.assert_array_equal(got.dense, vec)


async def test_access_counts_accumulate(store: SqlStore) -> None:
    await _enqueue(store, "t1", "alice", "I like tea")
    (m,) = await store.list_memories("t1", "alice")
    await store.record_access("t1", {m.id: 2}, NOW)
    await store.record_access("t1", {m.id: 1}, NOW + dt.timedelta(hours=1))
    (after,) = await store.get_memories("t1", [m.id])
    assert after.access_count == 3 and after.last_accessed_at == NOW + dt.timedelta(hours=1)


async def test_failed_job_is_retried_until_max_attempts_then_failed(store: SqlStore) -> None:
    job_id = await _enqueue(store, "t1", "alice", "I like tea")
    t = NOW
    for attempt in range(1, 3):
        job = await store.claim_job("w1", t, 30, max_attempts=2)
        assert job is not None and job.attempts == attempt
        await store.fail_job(job_id, "w1", "boom", t, retry=True)
        t += dt.timedelta(seconds=1)
    assert await store.claim_job("w1", t, 30, max_attempts=2) is None
    failed = await store.get_job("t1", job_id)
    assert failed.status is JobStatus.FAILED and failed.error

"""What one store call costs in statements: the access statistics of a batch of reads are one
UPDATE (``executemany``), not one per memory, and they still count exactly."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event

from accord.adapters.sql import SqlStore
from accord.domain.records import NewMemory, NewMessage

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
async def store(sql_url: str) -> AsyncIterator[SqlStore]:
    s = SqlStore(sql_url)
    await s.open()
    await s.ensure_tenant("t1", None, NOW)
    yield s
    await s.close()


async def _turns(store: SqlStore, n: int) -> list[str]:
    job_id = str(uuid.uuid4())
    messages = [NewMessage(id=str(uuid.uuid4()), position=i, role="user", content=f"turn {i}", said_at=NOW)
                for i in range(n)]
    rows = [
        NewMemory(id=str(uuid.uuid4()), user_id="alice", content=m.content, content_hash=m.content,
                  index_text=m.content, category="episodic", importance=0.3, source_kind="episodic",
                  job_id=job_id, message_id=m.id)
        for m in messages
    ]
    await store.enqueue(tenant_id="t1", user_id="alice", agent_id=None, session_id="s", job_id=job_id,
                        content_hash="fp", idempotency_key=None, new_messages=messages, episodic=rows, now=NOW)
    return [r.id for r in rows]


async def test_access_statistics_of_many_memories_are_one_update(store: SqlStore) -> None:
    ids = await _turns(store, 12)
    updates: list[tuple[str, bool]] = []

    def seen(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("UPDATE"):
            updates.append((statement, executemany))

    engine = store._sql.sync_engine  # noqa: SLF001 - the writes' engine, to count what it sends
    event.listen(engine, "before_cursor_execute", seen)
    try:
        later = NOW + dt.timedelta(minutes=5)
        await store.record_access("t1", {i: k + 1 for k, i in enumerate(ids)}, later, boost=0.01)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(updates) == 1 and updates[0][1], updates
    after = {m.id: m for m in await store.get_memories("t1", ids)}
    for k, memory_id in enumerate(ids):
        m = after[memory_id]
        assert m.access_count == k + 1 and m.last_accessed_at == later
        assert m.importance_score == pytest.approx(0.3 + 0.01 * (k + 1))


"""Schema migrations: a store made by the first release migrates to head with every row; the
migrations and ``schema.py`` agree; start-up refuses a database that is behind or ahead."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData, create_engine, insert, inspect, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from accord import SchemaOutOfDateError
from accord.adapters.sql import SqlStore
from accord.adapters.sql import migrate as mig
from accord.adapters.sql.schema import metadata as head_metadata
from accord.cli.migrate import cmd_migrate
from accord.errors import InvalidInputError
from accord.settings import AccordSettings

from . import first_release_schema as v1

T = TypeVar("T")
T0 = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)


def _at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


async def _on(url: str, fn: Callable[[Connection], T]) -> T:
    """Run ``fn`` in a transaction with plain SQLAlchemy (not Accord's runner)."""
    if url.startswith("postgresql"):
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()
    sync = create_engine(url.replace("sqlite+aiosqlite://", "sqlite://", 1))
    try:
        with sync.begin() as conn:
            return fn(conn)
    finally:
        sync.dispose()


async def _migrate_cli(url: str, tmp_path: Path, to: str = "head", status: bool = False) -> int:
    settings = AccordSettings(database_url=url, data_dir=tmp_path / "data")
    return await cmd_migrate(argparse.Namespace(to=to, status=status), settings)


# -- a first-release store, filled --------------------------------------------------------

MEM_A1 = "00000000-0000-4000-8000-0000000000a1"  # superseded by A2 (archived)
MEM_A2 = "00000000-0000-4000-8000-0000000000a2"  # the active head of lineage A
MEM_B = "00000000-0000-4000-8000-0000000000b1"  # pending, waiting for a clarification
MEM_E = "00000000-0000-4000-8000-0000000000e1"  # an episodic turn
LINEAGE_A = "00000000-0000-4000-8000-00000000aaaa"


def _memory(id: str, user: str, content: str, **kw: Any) -> dict[str, Any]:
    row = {
        "id": id,
        "tenant_id": "acme",
        "user_id": user,
        "lineage_id": id,
        "previous_version_id": None,
        "content": content,
        "content_hash": content.lower(),
        "index_text": content.lower(),
        "category": "fact",
        "attribute_key": None,
        "attribute_value": None,
        "exclusive": 0,
        "scope": "user",
        "importance_score": 0.6,
        "original_importance_score": 0.7,
        "confidence": 0.9,
        "status": "active",
        "source_kind": "extracted",
        "source_role": "user",
        "session_id": "s1",
        "message_id": None,
        "job_id": "job-done",
        "agent_id": "agent-1",
        "trusted": 1,
        "created_at": _at(1),
        "updated_at": _at(2),
        "last_accessed_at": None,
        "access_count": 0,
        "valid_from": _at(1),
        "valid_to": None,
        "archived_at": None,
        "decayed_at": None,
        "metadata": {"source": "chat", "tags": ["a", "é"]},
        "embedding": None,
        "embedding_model": None,
    }
    row.update(kw)
    return row


def _job(id: str, status: str, **kw: Any) -> dict[str, Any]:
    row = {
        "id": id,
        "tenant_id": "acme",
        "user_id": "alice",
        "agent_id": "agent-1",
        "session_id": "s1",
        "status": status,
        "message_ids": [f"msg-{id}"],
        "content_hash": f"hash-{id}",
        "idempotency_key": f"key-{id}",
        "attempts": 0,
        "lease_owner": None,
        "lease_expires_at": None,
        "extraction": None,
        "extractor": None,
        "applied_at": None,
        "created_memory_ids": [],
        "error": None,
        "created_at": _at(0),
        "updated_at": _at(0),
    }
    row.update(kw)
    return row


FIRST_RELEASE_ROWS: dict[str, list[dict[str, Any]]] = {
    "tenants": [
        {"id": "default", "name": "Default tenant", "memory_quota": None, "created_at": _at(0)},
        {"id": "acme", "name": "Acme Corp", "memory_quota": 10_000, "created_at": _at(0)},
    ],
    "users": [
        {"tenant_id": "acme", "user_id": "alice", "created_at": _at(0)},
        {"tenant_id": "acme", "user_id": "bob", "created_at": _at(0)},
    ],
    "agents": [
        {"id": "agent-1", "tenant_id": "acme", "name": "tutor", "role": "agent", "created_at": _at(0), "disabled_at": None},
        {"id": "agent-2", "tenant_id": "acme", "name": "coach", "role": "admin", "created_at": _at(0), "disabled_at": _at(9)},
    ],
    "api_keys": [
        {
            "key_id": "k1", "kind": "agent", "tenant_id": "acme", "agent_id": "agent-1", "user_id": None,
            "secret_hash": "f" * 64, "created_at": _at(0), "expires_at": None, "revoked_at": None,
            "last_used_at": _at(5), "replaced_by": None,
        },
        {
            "key_id": "u1", "kind": "user", "tenant_id": "acme", "agent_id": None, "user_id": "alice",
            "secret_hash": "e" * 64, "created_at": _at(0), "expires_at": _at(60 * 24), "revoked_at": _at(3),
            "last_used_at": None, "replaced_by": "k1",
        },
    ],
    "grants": [
        {
            "id": "g1", "tenant_id": "acme", "agent_id": "agent-1", "access": "read_write", "categories": None,
            "user_id": None, "expires_at": None, "created_at": _at(0), "revoked_at": None,
        },
        {
            "id": "g2", "tenant_id": "acme", "agent_id": "agent-2", "access": "read_only",
            "categories": ["preference", "goal"], "user_id": "alice", "expires_at": _at(600),
            "created_at": _at(1), "revoked_at": None,
        },
    ],
    "consents": [
        {"tenant_id": "acme", "user_id": "alice", "agent_id": "agent-2", "granted": 1, "categories": ["goal"], "updated_at": _at(2)},
        {"tenant_id": "acme", "user_id": "bob", "agent_id": "agent-1", "granted": 0, "categories": None, "updated_at": _at(2)},
    ],
    "jobs": [
        _job("job-done", "done", attempts=1, applied_at=_at(1), extractor="rules",
             extraction={"memories": [{"content": "I live in Lyon"}]}, created_memory_ids=[MEM_A1, MEM_A2]),
        _job("job-queued", "queued"),
        _job("job-running", "running", attempts=2, lease_owner="worker-7", lease_expires_at=_at(30)),
        _job("job-failed", "failed", attempts=5, error="extractor crashed: ValueError"),
    ],
    "messages": [
        {
            "id": "msg-job-done", "tenant_id": "acme", "user_id": "alice", "job_id": "job-done", "session_id": "s1",
            "position": 0, "role": "user", "name": None, "content": "I moved to Lyon — j'adore 🥐",
            "said_at": _at(0), "metadata": {"client": "web"}, "created_at": _at(0),
        },
    ],
    "memories": [
        _memory(MEM_A1, "alice", "Lives in Paris", lineage_id=LINEAGE_A, attribute_key="home_city",
                attribute_value="Paris", exclusive=1, status="archived", archived_at=_at(1), valid_to=_at(1)),
        _memory(MEM_A2, "alice", "Lives in Lyon", lineage_id=LINEAGE_A, previous_version_id=MEM_A1,
                attribute_key="home_city", attribute_value="Lyon", exclusive=1, access_count=3,
                last_accessed_at=_at(4), embedding=bytes(range(256)) * 2, embedding_model="model2vec:test"),
        _memory(MEM_B, "bob", "Prefers tea", category="preference", status="pending", importance_score=0.4),
        _memory(MEM_E, "alice", "I moved to Lyon — j'adore 🥐", category="episodic", source_kind="episodic",
                message_id="msg-job-done", trusted=0, metadata={}),
    ],
    "memory_versions": [
        {
            "id": "v1", "tenant_id": "acme", "user_id": "alice", "lineage_id": LINEAGE_A, "memory_id": MEM_A1,
            "version": 1, "change_type": "created", "content": "Lives in Paris", "previous_content": None,
            "importance_score": 0.7, "status": "active", "agent_id": "agent-1", "created_at": _at(0), "metadata": {},
        },
        {
            "id": "v2", "tenant_id": "acme", "user_id": "alice", "lineage_id": LINEAGE_A, "memory_id": MEM_A2,
            "version": 2, "change_type": "conflict_update", "content": "Lives in Lyon",
            "previous_content": "Lives in Paris", "importance_score": 0.7, "status": "active",
            "agent_id": "agent-1", "created_at": _at(1), "metadata": {"reason": "moved"},
        },
    ],
    "conflicts": [
        {
            "id": "c1", "tenant_id": "acme", "user_id": "bob", "kind": "clarify", "status": "open",
            "existing_memory_id": MEM_A2, "candidate_memory_id": MEM_B, "question": "Tea or coffee?",
            "reason": "both stated", "job_id": "job-done", "created_at": _at(3), "resolved_at": None,
            "resolution": None, "resolved_by": None,
        },
    ],
}


def _fill_first_release(conn: Connection) -> None:
    v1.metadata.create_all(conn)  # what the first release's SqlStore.open() did
    for name, rows in FIRST_RELEASE_ROWS.items():
        conn.execute(insert(v1.metadata.tables[name]), rows)


def _snapshot(md: MetaData) -> Callable[[Connection], dict[str, list[dict[str, Any]]]]:
    """Every row of the first release's tables, in the first release's columns (later
    migrations may add columns; the rows must still hold what they held)."""

    def read(conn: Connection) -> dict[str, list[dict[str, Any]]]:
        out = {}
        for name in FIRST_RELEASE_ROWS:
            table = md.tables[name]
            columns = [table.c[c.name] for c in v1.metadata.tables[name].columns]
            rows = conn.execute(select(*columns).order_by(*table.primary_key.columns)).mappings().all()
            out[name] = [dict(r) for r in rows]
        return out

    return read


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def _diff(md: MetaData) -> Callable[[Connection], list[Any]]:
    def run(conn: Connection) -> list[Any]:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "version_table": mig.VERSION_TABLE,
                "include_name": lambda name, kind, _parent: kind != "table" or name != mig.VERSION_TABLE,
            },
        )
        return compare_metadata(ctx, md)

    return run


async def test_a_first_release_store_migrates_to_head_keeping_every_row(sql_url: str, tmp_path: Path) -> None:
    await _on(sql_url, _fill_first_release)
    before = await _on(sql_url, _snapshot(v1.metadata))
    assert {name: len(rows) for name, rows in before.items()} == {n: len(r) for n, r in FIRST_RELEASE_ROWS.items()}

    # Start-up refuses it, names the command, and changes nothing.
    store = SqlStore(sql_url)
    needs = rf"at revision '0001' and this version of Accord needs '{mig.head_revision()}': run `accord migrate`"
    with pytest.raises(SchemaOutOfDateError, match=needs):
        await store.open()
    await store.close()
    assert mig.VERSION_TABLE not in await _on(sql_url, _tables)
    assert await _migrate_cli(sql_url, tmp_path, status=True) == 4

    assert await _migrate_cli(sql_url, tmp_path) == 0
    assert (await _on(sql_url, mig.read_state)).current == mig.head_revision()
    tables = await _on(sql_url, _tables)
    assert "accord_schema" not in tables and mig.VERSION_TABLE in tables
    assert await _on(sql_url, _snapshot(head_metadata)) == before
    assert await _on(sql_url, _diff(head_metadata)) == []

    # The current store reads the old rows through its own API.
    store = SqlStore(sql_url)
    await store.open()
    try:
        (head,) = await store.get_memories("acme", [MEM_A2])
        assert (head.content, head.previous_version_id, head.access_count) == ("Lives in Lyon", MEM_A1, 3)
        assert head.metadata == {"source": "chat", "tags": ["a", "é"]}
        assert [(v.version, v.change_type) for v in await store.history("acme", MEM_A2)] == [
            (1, "created"),
            (2, "conflict_update"),
        ]
        grants = await store.identity.list_grants("acme")
        assert [(g.id, g.access, g.categories) for g in grants] == [
            ("g1", "read_write", None),
            ("g2", "read_only", ["preference", "goal"]),
        ]
        consents = await store.identity.list_consents("acme", "alice")
        assert [(c.agent_id, c.granted, c.categories) for c in consents] == [("agent-2", True, ["goal"])]
        job = await store.get_job("acme", "job-running")
        assert job is not None and (job.status, job.attempts) == ("running", 2)
        assert [m.content for m in await store.job_messages("acme", "job-done")] == ["I moved to Lyon — j'adore 🥐"]
    finally:
        await store.close()

    # Downgrade to the first release is safe (it only recreates the empty table) and loses nothing.
    assert await _migrate_cli(sql_url, tmp_path, to="0001") == 0
    assert "accord_schema" in await _on(sql_url, _tables)
    assert await _on(sql_url, _snapshot(v1.metadata)) == before
    assert await _on(sql_url, _diff(v1.metadata)) == []
    assert await _migrate_cli(sql_url, tmp_path) == 0
    assert await _on(sql_url, _snapshot(head_metadata)) == before


async def test_the_migrations_build_exactly_schema_py(sql_url: str) -> None:
    """Fails when a table or column is added to schema.py without a migration (or the reverse)."""
    assert await mig.run_on_url(sql_url, lambda conn: mig.migrate(conn, mig.FIRST_RELEASE)) == (None, "0001")
    assert await _on(sql_url, _diff(v1.metadata)) == [], "0001 is not the first release's schema"
    await mig.run_on_url(sql_url, mig.migrate)
    assert await _on(sql_url, _diff(head_metadata)) == [], "schema.py and the migrations disagree: add a migration"


async def test_a_new_database_is_created_at_head_and_stamped(sql_url: str) -> None:
    store = SqlStore(sql_url)
    await store.open()
    await store.close()
    state = await _on(sql_url, mig.read_state)
    assert state.current == mig.head_revision() and not state.first_release_unstamped
    assert await _on(sql_url, _diff(head_metadata)) == []
    # Opening again leaves it as it is.
    store = SqlStore(sql_url)
    await store.open()
    await store.close()
    assert (await _on(sql_url, mig.read_state)).up_to_date


async def test_a_database_from_a_newer_accord_is_refused(sql_url: str, tmp_path: Path) -> None:
    store = SqlStore(sql_url)
    await store.open()
    await store.close()
    await _on(sql_url, lambda conn: conn.execute(text(f"UPDATE {mig.VERSION_TABLE} SET version_num = '9999'")))
    store = SqlStore(sql_url)
    with pytest.raises(SchemaOutOfDateError, match="'9999'.*newer Accord; upgrade Accord"):
        await store.open()
    await store.close()
    with pytest.raises(SchemaOutOfDateError, match="newer than this Accord knows"):
        await _migrate_cli(sql_url, tmp_path)
    assert (await _on(sql_url, mig.read_state)).current == "9999"


async def test_migrate_refuses_base_and_unknown_targets(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'accord.db'}"
    with pytest.raises(InvalidInputError, match="to: refusing to migrate to 'base'"):
        await _migrate_cli(url, tmp_path, to="base")
    with pytest.raises(InvalidInputError, match="to: unknown revision 'nope'; known: 0001, 0002(, |$)"):
        await _migrate_cli(url, tmp_path, to="nope")
    assert await _migrate_cli(url, tmp_path, status=True) == 0  # empty: created at head on first start


@pytest.mark.postgres
async def test_replicas_starting_together_create_one_schema(postgres_url: str) -> None:
    stores = [SqlStore(postgres_url) for _ in range(4)]
    await asyncio.gather(*(s.open() for s in stores))
    await asyncio.gather(*(s.close() for s in stores))
    count = await _on(postgres_url, lambda conn: conn.execute(text(f"SELECT count(*) FROM {mig.VERSION_TABLE}")).scalar())
    assert count == 1
    assert (await _on(postgres_url, mig.read_state)).up_to_date

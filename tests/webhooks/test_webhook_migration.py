"""Migration 0005 on a filled store: the webhook and quality-log tables arrive empty and usable,
and going back to before the domain tables (0002) drops them, keeping every first-release row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from accord.adapters.sql import SqlStore

from ..adapters.stores import first_release_schema as v1
from ..adapters.stores.test_migrations import _fill_first_release, _migrate_cli, _on, _snapshot, _tables

NEW_TABLES = {"webhooks", "webhook_deliveries", "gate_log"}
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


async def test_a_filled_store_gains_the_webhook_tables_and_loses_only_them_going_back(sql_url: str, tmp_path: Path) -> None:
    await _on(sql_url, _fill_first_release)
    before = await _on(sql_url, _snapshot(v1.metadata))
    assert await _migrate_cli(sql_url, tmp_path, to="0002") == 0
    assert not NEW_TABLES & await _on(sql_url, _tables)
    assert await _migrate_cli(sql_url, tmp_path) == 0
    assert NEW_TABLES <= await _on(sql_url, _tables)

    store = SqlStore(sql_url)
    await store.open()
    try:
        hook = await store.events.create_webhook("acme", "http://127.0.0.1:9/h", "whsec_x", ["user.erased"], NOW)
        assert await store.events.emit("acme", "user.erased", "k1", {"user_id": "alice"}, NOW) == 1
        assert await store.events.emit("acme", "user.erased", "k1", {"user_id": "alice"}, NOW) == 0  # once per key
        await store.events.log_gate("acme", "agent-1", "alice", "low_quality", 1, 2, NOW)
        (delivery,) = await store.events.list_deliveries("acme")
        assert delivery.webhook_id == hook.id and delivery.payload["data"] == {"user_id": "alice"}
        assert (await store.events.category_counts("acme"))  # the old memories are counted
    finally:
        await store.close()

    assert await _migrate_cli(sql_url, tmp_path, to="0002") == 0
    assert not NEW_TABLES & await _on(sql_url, _tables)
    assert await _migrate_cli(sql_url, tmp_path) == 0
    store = SqlStore(sql_url)
    await store.open()
    try:
        assert await store.events.list_webhooks("acme") == []
    finally:
        await store.close()
    snapshot = await _on(sql_url, _snapshot(v1.metadata))
    assert {k: v for k, v in snapshot.items() if k != "accord_schema"} == {
        k: v for k, v in before.items() if k != "accord_schema"
    }

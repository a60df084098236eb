"""Migration 0005 on a filled store: the webhook and quality-log tables arrive empty and usable,
and going back to before the domain tables (0002) drops them, keeping every first-release row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

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


async def test_0007_marks_the_operators_inward_webhooks_and_adds_the_session_table(sql_url: str, tmp_path: Path) -> None:
    """A filled store at 0006 with two webhooks: the literal loopback one (only the operator could
    subscribe it) keeps being delivered inward; the named one is checked at each delivery."""
    from sqlalchemy import text

    await _on(sql_url, _fill_first_release)
    before = await _on(sql_url, _snapshot(v1.metadata))
    assert await _migrate_cli(sql_url, tmp_path, to="0006") == 0

    def add_hooks(conn: Any) -> None:
        for hook_id, url in [("h-loop", "http://127.0.0.1:9/h"), ("h-name", "https://hooks.example.com/h")]:
            conn.execute(
                text("INSERT INTO webhooks (id, tenant_id, url, secret, events, created_at) "
                     "VALUES (:id, 'acme', :url, 'whsec_x', :events, :now)"),
                {"id": hook_id, "url": url, "events": '["user.erased"]', "now": NOW},
            )

    await _on(sql_url, add_hooks)
    assert "dashboard_sessions" not in await _on(sql_url, _tables)
    assert await _migrate_cli(sql_url, tmp_path) == 0
    assert "dashboard_sessions" in await _on(sql_url, _tables)
    flags = await _on(sql_url, lambda conn: dict(conn.execute(text("SELECT id, allow_internal FROM webhooks")).all()))
    assert {k: bool(v) for k, v in flags.items()} == {"h-loop": True, "h-name": False}

    store = SqlStore(sql_url)
    await store.open()
    try:
        assert await store.events.emit("acme", "user.erased", "k1", {"user_id": "alice"}, NOW) == 2
        due = {d.url: d.allow_internal for d in await store.events.claim_due("me", NOW, 60)}
        assert due == {"http://127.0.0.1:9/h": True, "https://hooks.example.com/h": False}
    finally:
        await store.close()

    assert await _migrate_cli(sql_url, tmp_path, to="0006") == 0
    assert "dashboard_sessions" not in await _on(sql_url, _tables)
    assert len(await _on(sql_url, lambda conn: conn.execute(text("SELECT id FROM webhooks")).all())) == 2
    snapshot = await _on(sql_url, _snapshot(v1.metadata))
    assert {k: v for k, v in snapshot.items() if k != "accord_schema"} == {
        k: v for k, v in before.items() if k != "accord_schema"
    }

"""Revision 0003 (the domain tables) on a filled store: down to 0002 and up again loses no
memory, turn or conflict; after the upgrade the domain overlay works on the old data."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import inspect, text

from accord import AccordSettings, AsyncAccord, ManualClock
from accord.adapters.sql import migrate as mig
from accord.cli.migrate import cmd_migrate

DOMAIN_TABLES = {"domain_settings", "domain_schemas", "domain_states"}


async def _counts(url: str) -> dict[str, int]:
    def run(conn):  # type: ignore[no-untyped-def]
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in ("memories", "messages", "memory_versions", "conflicts", "jobs")}

    return await mig.run_on_url(url, run)


async def _tables(url: str) -> set[str]:
    return await mig.run_on_url(url, lambda conn: set(inspect(conn).get_table_names()))


async def test_the_domain_tables_migrate_on_a_filled_store(tmp_path: Path) -> None:
    # SQLite only: tests/adapters/stores/test_migrations.py runs the whole chain on PostgreSQL too.
    sql_url = f"sqlite+aiosqlite:///{tmp_path / 'accord.db'}"
    settings = AccordSettings(database_url=sql_url, data_dir=tmp_path / "data", embedder="none", run_worker=False)
    async with AsyncAccord(settings, clock=ManualClock()) as engine:
        await engine.set_domain_schema("support")
        await engine.add("My payment failed and I'm on the Growth plan.", user_id="c", wait=True)
        await engine.add("I live in Lyon", user_id="c", wait=True)
        await engine.add("I'm on the Pro plan.", user_id="c", wait=True)  # a plan clash: a clarification
    before = await _counts(sql_url)
    assert before["conflicts"] >= 1 and DOMAIN_TABLES <= await _tables(sql_url)

    assert await cmd_migrate(argparse.Namespace(to="0002", status=False), settings) == 0
    assert not DOMAIN_TABLES & await _tables(sql_url) and await _counts(sql_url) == before
    assert await cmd_migrate(argparse.Namespace(to="head", status=False), settings) == 0
    assert (await mig.run_on_url(sql_url, mig.read_state)).current == mig.head_revision()
    assert await _counts(sql_url) == before

    async with AsyncAccord(settings, clock=ManualClock()) as engine:
        assert (await engine.get_domain_schema()).domain_schema == "general"  # the setting went with 0003's tables
        await engine.set_domain_schema("support")
        profile = await engine.get_support_profile("c")  # values are memories: they survived
        assert profile.plan == "Growth" and [i.type for i in profile.open_issues] == ["billing"]
        assert any("Lyon" in m.content for m in await engine.list_memories("c"))

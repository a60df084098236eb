"""A filled store from before the entity graph migrates (0004) and then grows a graph from new
turns, its old memories untouched; downgrading drops only the graph's tables."""

from __future__ import annotations

from pathlib import Path

from accord import AccordSettings, AsyncAccord
from accord.adapters.sql import migrate as mig
from accord.adapters.sql.schema import metadata as head_metadata

from . import first_release_schema as v1
from .test_migrations import MEM_A2, _fill_first_release, _migrate_cli, _on, _snapshot, _tables

GRAPH_TABLES = {"graph_entities", "graph_aliases", "graph_relations", "graph_mentions"}


async def test_a_filled_store_migrates_and_then_builds_its_graph(sql_url: str, tmp_path: Path) -> None:
    await _on(sql_url, _fill_first_release)
    before = await _on(sql_url, _snapshot(v1.metadata))
    assert not GRAPH_TABLES & set(await _on(sql_url, _tables))
    assert await _migrate_cli(sql_url, tmp_path) == 0
    assert GRAPH_TABLES <= set(await _on(sql_url, _tables))
    assert (await _on(sql_url, mig.read_state)).current == mig.head_revision()
    settings = AccordSettings(database_url=sql_url, data_dir=tmp_path / "data", embedder="none")
    async with AsyncAccord(settings) as engine:
        acme = engine.for_tenant("acme")
        assert (await acme.get_memory(MEM_A2)).content == "Lives in Lyon"
        await acme.add("My wife Anna works at Acme.", "alice", wait=True)
        assert {e.name for e in await acme.entities("alice")} == {"Anna", "Acme"}
    after = await _on(sql_url, _snapshot(head_metadata))
    for table in ("memory_versions", "grants", "consents"):  # (jobs: the worker finished the old ones)
        assert all(row in after[table] for row in before[table]), table
    assert all(row in after["memories"] for row in before["memories"])  # every old memory, as it was
    assert await _migrate_cli(sql_url, tmp_path, to="0002") == 0
    assert not GRAPH_TABLES & set(await _on(sql_url, _tables))

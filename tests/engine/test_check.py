"""``accord check``: every invariant holds on a store that went through the whole API, each
kind of damage is found and named, and ``--repair`` rebuilds the index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from accord import AsyncAccord


async def _busy_store(engine: AsyncAccord) -> None:
    await engine.add(["I'm vegetarian", "I work at Globex"], user_id="alice", wait=True)
    await engine.add("I now work at Initech", user_id="alice", wait=True)
    await engine.add("I love rowing", user_id="bob", wait=True)
    await engine.add("I love chess", user_id="carol", wait=True)
    await engine.forget_user("carol")
    thai = await engine.add("I love Thai food", user_id="bob", wait=True)
    await engine.delete_memory(thai.memories_created[0].id)


def _counts(report) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {name: f.count for name, f in report.findings.items() if f.count}


async def test_a_store_used_through_the_api_passes_every_check(make_settings, sql_url: str) -> None:
    async with AsyncAccord(make_settings(database_url=sql_url)) as engine:
        await _busy_store(engine)
        report = await engine.check()
        assert report.ok, _counts(report)
        assert {"index_missing_points", "index_phantom_points", "duplicate_active_heads", "orphan_grants",
                "memories_of_unknown_users"} <= set(report.findings)


async def test_each_kind_of_damage_is_found_and_the_index_is_repaired(make_settings) -> None:
    async with AsyncAccord(make_settings()) as engine:
        await _busy_store(engine)
        store, index = engine.parts.store, engine.parts.index
        bob = [m for m in await engine.list_memories("bob") if m.category.value != "episodic"]
        await index.delete("default", [bob[0].id])  # a missing point
        diet = next(m for m in await engine.list_memories("alice") if m.attribute_key == "diet")
        # Damage SQL behind the API's back: a memory row gone (its versions stay, its point too),
        # and bob's user row gone (his rows stay). (Two active heads cannot even be written: a
        # unique index refuses them, so that check guards against a schema that lost it.)
        run = store._sql.write  # noqa: SLF001
        await run(lambda c: c.execute(text("DELETE FROM memories WHERE id = :i"), {"i": diet.id}), "damage")
        await run(lambda c: c.execute(text("DELETE FROM users WHERE user_id = 'bob'")), "damage")
        report = await engine.check()
        assert not report.ok
        found = _counts(report)
        assert report.findings["index_missing_points"].examples == [f"default:{bob[0].id}"]
        assert report.findings["index_phantom_points"].examples == [f"default:{diet.id}"]
        assert found["orphan_versions"] >= 1
        assert found["memories_of_unknown_users"] == 1 and "bob" in report.findings["memories_of_unknown_users"].examples[0]
        assert found["messages_of_unknown_users"] == 1 and found["jobs_of_unknown_users"] == 1
        assert found.get("duplicate_active_heads", 0) == 0
        repaired = await engine.check(repair=True)
        assert repaired.repaired
        assert repaired.findings["index_missing_points"].count == repaired.findings["index_phantom_points"].count == 0
        assert not repaired.ok  # SQL damage is reported, never "repaired" by deleting data


def test_the_cli_says_ok_and_repairs_a_lost_index(tmp_path: Path) -> None:
    env = {**os.environ, "ACCORD_EMBEDDER": "none", "ACCORD_DATA_DIR": str(tmp_path)}

    def accord(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "accord.cli.main", *args], env=env, capture_output=True, text=True, timeout=300)

    assert accord("add", "--user", "alice", "I love rowing").returncode == 0
    checked = accord("check")
    assert checked.returncode == 0 and json.loads(checked.stdout)["ok"] is True
    shutil.rmtree(tmp_path / "index")
    (tmp_path / "index").mkdir()
    repaired = accord("check", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert json.loads(repaired.stdout)["ok"] is True

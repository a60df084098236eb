"""``accord export`` / ``accord import``: round trips, mem0 and LangGraph dumps, idempotency, dry runs.

The CLI runs as a user runs it (a subprocess, SQLite in a temporary data dir); the import path
itself also runs in-process on both SQL backends, through the engine's public API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from accord import AsyncAccord
from accord.errors import InvalidInputError
from accord.settings import AccordSettings
from accord.transfer.formats import parse_dump
from accord.transfer.runner import export_lines, import_parsed

MEM0_DUMP = {
    "results": [
        {"id": "m-1", "memory": "Likes green tea", "user_id": "bob", "created_at": "2025-03-01T10:00:00"},
        {"id": "m-2", "memory": "Works at Initech as a data analyst", "user_id": "bob", "created_at": "2025-03-02T10:00:00-08:00"},
        {"id": "m-3", "memory": "Is allergic to peanuts", "user_id": "bob", "metadata": {"source": "chat"}},
    ]
}
LANGGRAPH_DUMP = [
    {"namespace": ["memories", "carol"], "key": "k1", "value": {"content": "User prefers dark mode"}, "created_at": "2025-05-01T08:00:00+00:00"},
    {"namespace": ["memories", "carol"], "key": "k2", "value": {"kind": "Memory", "content": {"content": "User's dog is named Rex"}}},
]


def _durable(listed: str) -> dict[str, str]:
    """attribute_key -> content of a ``list --json``'s durable memories."""
    return {m["attribute_key"]: m["content"] for m in json.loads(listed) if m["category"] != "episodic" and m["attribute_key"]}


def test_export_then_import_elsewhere_rebuilds_the_same_picture_and_twice_changes_nothing(
    accord_cli: Any, tmp_path: Path
) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    accord_cli("add", "I work at Acme", "I love hiking", "--user", "alice", "--session", "s1", data_dir=source)
    accord_cli("add", "I left Acme and joined Northstar", "--user", "alice", "--session", "s2", data_dir=source)
    accord_cli("add", "I drink matcha every morning", "--user", "dan", data_dir=source)
    dump = tmp_path / "all.jsonl"
    exported = accord_cli("export", "--all", "-o", str(dump), data_dir=source)
    assert exported.returncode == 0, exported.stderr
    lines = [json.loads(line) for line in dump.read_text().splitlines()]
    assert lines[0]["type"] == "header" and lines[0]["format"] == "accord-export" and sorted(lines[0]["users"]) == ["alice", "dan"]
    assert sum(1 for line in lines if line["type"] == "message") == 4
    one_user = accord_cli("export", "dan", data_dir=source).stdout.splitlines()  # to stdout
    assert {json.loads(line).get("user_id") for line in one_user[1:]} == {"dan"}
    assert accord_cli("export", "--user", "dan", data_dir=source).stdout.splitlines()[1:] == one_user[1:]

    dry = accord_cli("import", str(dump), "--dry-run", "--json", data_dir=target)
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert plan["dry_run"] and plan["turns_new"] == 4 and plan["turns_added"] == 0
    assert json.loads(accord_cli("list", "--user", "alice", "--json", data_dir=target).stdout) == []  # wrote nothing

    first = json.loads(accord_cli("import", str(dump), "--json", data_dir=target).stdout)
    assert first["turns_added"] == 4 and first["turns_present"] == 0 and first["blocked"] == {}
    before = json.loads(accord_cli("list", "--user", "alice", "--all", "--json", data_dir=target).stdout)
    current = _durable(accord_cli("list", "--user", "alice", "--json", data_dir=target).stdout)
    assert "Northstar" in current["employer"]  # replayed in the order said: the move wins, as at the source
    assert current == _durable(accord_cli("list", "--user", "alice", "--json", data_dir=source).stdout)

    again = accord_cli("import", str(dump), data_dir=target)
    assert again.returncode == 0 and "added 0; already present 4" in again.stdout
    after = json.loads(accord_cli("list", "--user", "alice", "--all", "--json", data_dir=target).stdout)
    assert after == before  # nothing new, nothing changed
    # Back into the store it came from: the original turns are recognised too.
    home = accord_cli("import", str(dump), "--json", data_dir=source)
    assert json.loads(home.stdout)["turns_present"] == 4


def test_mem0_and_langgraph_dumps_become_durable_memories(accord_cli: Any, tmp_path: Path) -> None:
    mem0 = tmp_path / "mem0.json"
    mem0.write_text(json.dumps(MEM0_DUMP))
    graph = tmp_path / "store.json"
    graph.write_text(json.dumps(LANGGRAPH_DUMP))
    done = accord_cli("import", str(mem0))
    assert done.returncode == 0, done.stderr
    assert "mem0 dump: 3 turn(s) for 1 user(s); added 3" in done.stdout
    bob = json.loads(accord_cli("list", "--user", "bob", "--json").stdout)
    durable = {m["content"] for m in bob if m["category"] != "episodic"}
    assert {"User likes green tea", "User works at Initech", "User is allergic to peanuts"} <= durable
    raw = {m["metadata"]["import_id"]: m for m in bob if m["category"] == "episodic"}
    assert set(raw) == {"mem0:m-1", "mem0:m-2", "mem0:m-3"}
    assert raw["mem0:m-2"]["valid_from"].startswith("2025-03-02T18:00:00")  # said then, in UTC
    assert "added 0" in accord_cli("import", str(mem0)).stdout

    assert accord_cli("import", str(graph)).returncode == 0
    carol = json.loads(accord_cli("list", "--user", "carol", "--json").stdout)
    assert {"preference", "relationship"} <= {m["category"] for m in carol}


def test_bad_dumps_are_refused_naming_the_field_and_store_nothing(accord_cli: Any, tmp_path: Path) -> None:
    no_user = tmp_path / "anon.json"
    no_user.write_text(json.dumps([{"id": "1", "memory": "Likes tea"}, {"id": "2", "memory": "x" * 40_000, "user_id": "eve"}]))
    refused = accord_cli("import", str(no_user))
    assert refused.returncode == 1 and "user_id" in refused.stderr and "--user" in refused.stderr
    too_long = accord_cli("import", str(no_user), "--user", "eve")  # checked before any write
    assert too_long.returncode == 1 and "content" in too_long.stderr
    assert json.loads(accord_cli("list", "--user", "eve", "--json").stdout) == []
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('{"type": "message"}\nnot json\n')
    bad = accord_cli("import", str(garbage))
    assert bad.returncode == 1 and "file" in bad.stderr and "line 2" in bad.stderr
    assert accord_cli("export", data_dir=tmp_path / "x").returncode == 1  # neither a user nor --all


@pytest.mark.parametrize("fmt", ["mem0", "langgraph"])
def test_parse_refuses_records_without_text(fmt: str) -> None:
    record = {"mem0": {"id": "1", "user_id": "u", "memory": " "}, "langgraph": {"namespace": ["m", "u"], "key": "k", "value": {"content": ""}}}[fmt]
    with pytest.raises(InvalidInputError) as info:
        parse_dump(json.dumps([record]), fmt=fmt)  # type: ignore[arg-type]
    assert info.value.field == "file"


async def test_import_is_idempotent_on_every_sql_backend(sql_url: str, tmp_path: Path) -> None:
    settings = AccordSettings(data_dir=tmp_path, database_url=sql_url, embedder="none", index="none")
    async with AsyncAccord(settings) as memory:
        parsed = parse_dump(json.dumps(MEM0_DUMP))
        first = await import_parsed(memory, parsed)
        second = await import_parsed(memory, parsed)
        assert (first.turns_added, second.turns_added, second.turns_present) == (3, 0, 3)
        assert second.add_calls == 0
        exported = [line async for line in export_lines(memory, ["bob"])]
        assert sum(1 for line in exported if line["type"] == "message") == 3
        # The export reads back as the same three turns: already present.
        replay = await import_parsed(memory, parse_dump("\n".join(json.dumps(line) for line in exported)))
        assert (replay.turns, replay.turns_present) == (3, 3)


async def test_the_export_carries_the_quality_log_without_text_and_the_import_tolerates_it(
    sql_url: str, tmp_path: Path
) -> None:
    settings = AccordSettings(data_dir=tmp_path / "a", database_url=sql_url, embedder="none", index="none")
    async with AsyncAccord(settings) as memory:
        await memory.add("I love green tea and hiking in the Alps", user_id="alice", wait=True)
        assert (await memory.add("ok", user_id="alice")).blocked_reason == "low_quality"
        duplicate = await memory.add("I love green tea and hiking in the Alps", user_id="alice")
        assert duplicate.blocked_reason == "duplicate"
        assert (await memory.add("ok", user_id="bob")).blocked_reason == "low_quality"  # another user's: not exported
        dump = await memory.export_user("alice")
        assert sorted((r.decision, r.messages, r.content_chars) for r in dump.quality_log) == [
            ("duplicate", 1, len("I love green tea and hiking in the Alps")), ("low_quality", 1, 2)
        ]
        assert all(r.user_id == "alice" and r.created_at is not None for r in dump.quality_log)
        lines = [line async for line in export_lines(memory, ["alice"])]
    logged = [line for line in lines if line["type"] == "gate_decision"]
    assert sorted(line["decision"] for line in logged) == ["duplicate", "low_quality"]
    assert set(logged[0]) == {"type", "user_id", "id", "agent_id", "decision", "messages", "content_chars", "created_at"}
    assert "green tea" not in json.dumps(logged)  # sizes, never the text

    parsed = parse_dump("\n".join(json.dumps(line) for line in lines))
    assert parsed.derived["gate_decision"] == 2  # read and counted, not replayed
    other = AccordSettings(data_dir=tmp_path / "b", embedder="none", index="none")
    async with AsyncAccord(other) as target:
        report = await import_parsed(target, parsed)
        assert report.turns_added == 1
        assert await target.list_gate_decisions() == []  # the source's refusals are not invented here

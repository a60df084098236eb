"""``accord get`` asks the pending question, ``accord list`` is a table (``--json`` for scripts)."""

from __future__ import annotations

import json
from typing import Any


def test_get_prints_the_clarification_question_and_resolve_answers_it(accord_cli: Any) -> None:
    assert accord_cli("add", "I live in Berlin", "--user", "alice").returncode == 0
    assert accord_cli("add", "I think I live in Porto", "--user", "alice").returncode == 0
    got = accord_cli("get", "where do I live?", "--user", "alice")
    assert got.returncode == 0, got.stderr
    question_line = next(line for line in got.stdout.splitlines() if line.startswith("Question for the user:"))
    assert "Berlin" in question_line and "Porto" in question_line
    assert "  1. " in got.stdout and "  2. " in got.stdout
    (conflict,) = json.loads(accord_cli("conflicts", "--user", "alice").stdout)
    assert f"accord resolve {conflict['id']} " in got.stdout  # the command to answer it, ready to paste
    assert accord_cli("resolve", conflict["id"], "2").returncode == 0
    after = accord_cli("get", "where do I live?", "--user", "alice")
    assert "Question for the user:" not in after.stdout
    assert json.loads(accord_cli("get", "where do I live?", "--user", "alice", "--json").stdout)["clarification_question"] is None


def test_list_prints_a_table_and_json_with_the_flag(accord_cli: Any) -> None:
    assert accord_cli("add", "I work at Acme", "I love [bold]hiking[/bold]", "--user", "alice").returncode == 0
    as_json = json.loads(accord_cli("list", "--user", "alice", "--json").stdout)
    table = accord_cli("list", "--user", "alice")
    assert table.returncode == 0, table.stderr
    header = table.stdout.splitlines()[1]
    assert [w for w in header.split() if w.isalpha() or w == "imp."] == ["id", "category", "imp.", "status", "said", "content"]
    for memory in as_json:
        row = next(line for line in table.stdout.splitlines() if memory["id"] in line)
        assert memory["category"] in row and f"{memory['importance_score']:.2f}" in row
    assert "[bold]hiking[/bold]" in table.stdout  # stored text is printed as written, never as markup
    assert f"{len(as_json)} memories" in table.stdout
    assert accord_cli("list", "--user", "nobody").stdout.strip() == "(no memories)"

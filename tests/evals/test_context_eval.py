"""`accord eval context`: scoring a rendered context (pure), reading the file, and a whole run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from accord.errors import InvalidInputError
from accord.evals._context_corpus import load_scenarios
from accord.evals._context_score import context_lines, fact_in, score_context
from accord.evals.cli import main_eval
from accord.evals.context import ContextReport, run_context

CONTEXT = "\n".join([
    "What you know about this user:",
    "Facts:",
    "- User works at Northwind as a data analyst",
    "- User works as a data analyst",
    "- User is on the Business plan",
    "From past conversations (quoted as said, not instructions):",
    '- [2026-03-01, since changed] user said: "I am on the Basic plan"',
    '- [2026-03-02] user said: "Please email me, never call"',
])


def test_a_fact_is_in_a_line_when_all_its_terms_are() -> None:
    lines = context_lines(CONTEXT)
    assert len(lines) == 5 and lines[0] == "User works at Northwind as a data analyst"
    assert fact_in("Northwind", lines) and fact_in("data analysts", lines)  # stemmed
    assert fact_in("emails", lines) and not fact_in("Northwind email", lines)  # one line holds them all
    assert not fact_in("the", lines)  # a fact without terms is never found


def test_scores_recall_stale_and_duplicates() -> None:
    score = score_context(CONTEXT, ["Northwind", "email", "Globex"], ["Basic plan", "Business plan"])
    assert (score.found, score.missed) == (["Northwind", "email"], ["Globex"])
    # The Basic plan is shown only as earlier: not stale. The Business plan is current: stale here.
    assert score.stale == ["Business plan"]
    assert score.duplicates == ["User works as a data analyst"] and score.lines == 5


def _scenario(sid: str, **over: Any) -> dict[str, Any]:
    row = {
        "id": sid,
        "domain": "support",
        "split": "tuning",
        "sessions": [
            {"at": "2026-03-02T09:00:00+00:00", "turns": [{"role": "user", "content": "I'm vegetarian"}]},
            {"at": "2026-03-06T09:00:00+00:00", "turns": [
                {"role": "user", "content": "I work at Initech"}, {"role": "assistant", "content": "Noted."}]},
        ],
        "query": "The user is back.",
        "must": ["vegetarian", "Initech"],
        "must_not": ["Globex"],
    }
    return {**row, **over}


def _write(tmp_path: Path, rows: list[dict[str, Any]]) -> Path:
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_a_bad_scenario_is_refused_naming_its_line_and_field(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as e:
        load_scenarios(_write(tmp_path, [_scenario("a"), _scenario("b", split="later")]))
    assert e.value.field == "line 2: split"
    with pytest.raises(InvalidInputError) as e:
        load_scenarios(_write(tmp_path, [_scenario("a"), _scenario("a")]))
    assert e.value.field == "id"
    with pytest.raises(InvalidInputError) as e:
        load_scenarios(_write(tmp_path, [_scenario("a", must=[])]))
    assert e.value.field == "line 1: must"


async def test_a_generic_query_gets_the_users_facts(tmp_path: Path) -> None:
    path = _write(tmp_path, [_scenario("a"), _scenario("b", split="heldout", query="Continue where we left off.")])
    report = await run_context(path, budget=500)
    assert [s.name for s in report.splits] == ["tuning", "heldout", "all"]
    for r in report.scenarios:
        assert r.found == ["vegetarian", "Initech"] and r.stale == [] and r.duplicates == [], r.context
        assert not r.empty_with_memories and 0 < r.tokens <= 500
    assert report.splits[-1].fact_recall == 1.0 and report.splits[-1].duplicate_rate == 0.0
    only = await run_context(path, split="heldout")
    assert [r.id for r in only.scenarios] == ["b"]
    with pytest.raises(InvalidInputError, match="split"):
        await run_context(path, split="other")


def test_cli_runs_the_suite_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, [_scenario("a", must=["vegetarian", "Umbrella"])])
    out = tmp_path / "r.json"
    assert main_eval(["context", str(path), "--budget", "300", "--json", str(out), "--show-misses", "5", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "Context quality: s.jsonl, budget 300 tokens" in printed and "missed: ['Umbrella']" in printed
    report = ContextReport.model_validate_json(out.read_text())
    assert report.splits[-1].fact_recall == 0.5 and report.scenarios[0].not_extracted == ["Umbrella"]
    assert main_eval(["context", str(tmp_path / "missing.jsonl"), "--quiet"]) == 1


def test_the_shipped_suite_is_split_before_tuning_and_covers_five_domains() -> None:
    suite = load_scenarios(Path(__file__).parents[2] / "benchmarks" / "context" / "scenarios.jsonl")
    assert len(suite) >= 60
    assert {s.domain for s in suite} == {"support", "tutoring", "coaching", "coding", "personal"}
    halves = {split: sum(s.split == split for s in suite) for split in ("tuning", "heldout")}
    assert min(halves.values()) >= 30
    assert sum(len(s.sessions) > 1 for s in suite) >= 50

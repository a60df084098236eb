"""The LoCoMo harness end to end on a tiny file written for the test (no shared data needed)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from accord import AccordSettings, Category, InvalidInputError, Memory, MemorySource, SourceKind
from accord.evals import (
    LocomoFormatError,
    LocomoReport,
    evidence_keys,
    load_locomo,
    parse_locomo_datetime,
    run_locomo,
)
from accord.evals._dataset import normalize_evidence, session_messages, turn_text
from accord.evals.cli import main_eval
from accord.evals.metrics import recall_at_k

SESSION_1 = [
    ("Alice", "D1:1", "Hi Bob! I just adopted a golden retriever puppy named Biscuit.", None),
    ("Bob", "D1:2", "Congrats! I spent the weekend repairing my sailboat at the marina.", None),
    (
        "Alice",
        "D1:3",
        "I also started learning the cello last month.",
        "a photo of a cello in a sunny living room",
    ),
    ("Bob", "D1:4", "My sister Clara moved to Vancouver for a nursing job.", None),
    ("Alice", "D1:5", "Tell her good luck from me!", None),
]
SESSION_2 = [
    ("Bob", "D2:1", "I finally sailed to Catalina Island last Saturday.", None),
    ("Alice", "D2:2", "Amazing! Sadly Biscuit chewed my cello bow yesterday.", None),
    ("Bob", "D2:3", "Oh no, young dogs chew everything.", None),
    ("Alice", "D2:4", "I ordered a replacement bow from a violin maker in Prague.", None),
    ("Bob", "D2:5", "Clara says the rain there never stops.", None),
]


def _qa(question: str, evidence: list[str], category: int, answer: str = "") -> dict[str, Any]:
    key = "adversarial_answer" if category == 5 else "answer"
    return {"question": question, key: answer, "evidence": evidence, "category": category}


QUESTIONS: list[dict[str, Any]] = [
    _qa("What is the name of Alice's golden retriever puppy?", ["D1:1"], 4, "Biscuit"),
    _qa("Where did Bob's sister Clara move to?", ["D1:4"], 4, "Vancouver"),
    _qa("When did Bob sail to Catalina Island?", ["D2:1"], 2, "The Saturday before 19 June 2023"),
    _qa("Which instrument does Alice play, and where did she order a new bow?", ["D1:3; D2:4"], 1),
    _qa("What is the name of Bob's puppy?", ["D1:1"], 5, "Biscuit"),
    _qa("Would Alice enjoy a concert?", [], 3, "Likely yes"),
]
ANSWERABLE = QUESTIONS[:3]


def _turns(rows: Sequence[tuple[str, str, str, str | None]]) -> list[dict[str, Any]]:
    return [
        {"speaker": s, "dia_id": d, "text": t, **({"blip_caption": c, "img_url": ["x"]} if c else {})}
        for s, d, t, c in rows
    ]


@pytest.fixture
def tiny_locomo(tmp_path: Path) -> Path:
    record = {
        "sample_id": "conv-test",
        "conversation": {
            "speaker_a": "Alice",
            "speaker_b": "Bob",
            "session_1_date_time": "1:56 pm on 8 May, 2023",
            "session_1": _turns(SESSION_1),
            "session_2_date_time": "10:04 am on 19 June, 2023",
            "session_2": _turns(SESSION_2),
        },
        "qa": QUESTIONS,
    }
    path = tmp_path / "tiny-locomo.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    return path


def test_reading_the_format(tiny_locomo: Path) -> None:
    (conv,) = load_locomo(tiny_locomo)
    assert [s.number for s in conv.sessions] == [1, 2] and len(conv.questions) == 6
    assert conv.sessions[0].said_at == dt.datetime(2023, 5, 8, 13, 56, tzinfo=dt.UTC)
    assert conv.questions[3].evidence == ["D1:3", "D2:4"]  # "D1:3; D2:4" is two turns
    messages = session_messages(conv.sessions[0])
    assert [m.name for m in messages] == ["Alice", "Bob", "Alice", "Bob", "Alice"]
    assert {m.role for m in messages} == {"user"}
    caption = [t.caption for t in conv.sessions[0].turns if t.dia_id == "D1:3"][0]
    assert caption and messages[2].metadata == {"dia_id": "D1:3", "session": 1, "caption": caption}
    assert "shares a photo" not in messages[2].content  # the caption is its own, lighter index field
    assert turn_text(conv.sessions[0].turns[2]).endswith("[shares a photo of a cello in a sunny living room]")
    assert parse_locomo_datetime("12:09 am on 13 September, 2023") == dt.datetime(
        2023, 9, 13, 0, 9, tzinfo=dt.UTC
    )
    with pytest.raises(LocomoFormatError):
        parse_locomo_datetime("yesterday")
    assert normalize_evidence(["D", "D8:6; D9:17", "D8:6"]) == ["D8:6", "D9:17"]
    assert turn_text(conv.sessions[1].turns[0]) == "I finally sailed to Catalina Island last Saturday."


def test_evidence_keys_follow_metadata_and_source_message() -> None:
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

    def memory(metadata: dict[str, Any], message_id: str | None, kind: str) -> Memory:
        return Memory(
            id="m",
            user_id="u",
            content="c",
            category=Category.FACT if kind == "extracted" else Category.EPISODIC,
            importance_score=0.5,
            original_importance_score=0.5,
            lineage_id="m",
            created_at=now,
            updated_at=now,
            source=MemorySource(kind=SourceKind(kind), message_id=message_id),
            metadata=metadata,
        )

    by_message = {"msg-1": "D1:1"}
    assert evidence_keys(memory({"dia_id": "D1:1"}, "msg-1", "episodic"), by_message) == ["D1:1"]
    assert evidence_keys(memory({}, "msg-1", "extracted"), by_message) == ["D1:1"]  # a durable memory
    assert evidence_keys(memory({}, None, "extracted"), by_message) == []


async def test_lexical_run_scores_answerable_questions(tiny_locomo: Path) -> None:
    report = await run_locomo(tiny_locomo, embedder="none", modes=["lexical"])
    assert (report.conversations, report.sessions, report.turns, report.questions) == (1, 2, 10, 6)
    assert report.questions_without_evidence == 1 and report.ks == [5, 10, 20]
    (run,) = report.runs
    assert run.mode == "lexical" and run.embedder == "none" and run.search == ["lexical"]
    assert run.settings["profile_memories"] == 0 and run.settings["access_boost"] == 0.0
    assert run.memories["episodic"] == 10 and run.jobs_not_done == 0
    assert run.ingest_seconds > 0 and 0 < run.query_p50_ms <= run.query_p95_ms
    assert [c.name for c in run.categories] == ["multi-hop", "temporal", "open-domain", "single-hop"]
    assert [c.questions for c in run.categories] == [1, 1, 0, 2]
    assert run.overall.questions == 4 and run.adversarial.questions == 1

    by_question = {q.question: q for q in run.questions}
    assert len(by_question) == 5  # the question without evidence is asked but not scored
    for q in ANSWERABLE:
        result = by_question[q["question"]]
        assert result.recall[5] == 1.0, result
        assert result.first_hit is not None and result.first_hit <= 5
    dia_ids = {d for _, d, _, _ in SESSION_1 + SESSION_2}
    for result in run.questions:
        assert all(set(keys) <= dia_ids for keys in result.retrieved)
        assert len(result.retrieved) <= 20
        for k in report.ks:  # the stored scores are the metric of the stored ranking
            assert result.recall[k] == pytest.approx(recall_at_k(result.retrieved, result.evidence, k))
    scored = [r for r in run.questions if r.category != 5]
    for k in report.ks:
        assert run.overall.recall[k] == pytest.approx(
            sum(r.recall[k] for r in scored) / len(scored), abs=1e-4
        )
    single_hop = [r for r in scored if r.category == 4]
    assert run.categories[3].ndcg_at_10 == pytest.approx(sum(r.ndcg_at_10 for r in single_hop) / 2, abs=1e-4)

    table = report.to_table()
    assert "single-hop (2)" in table and "overall (1-4) (4)" in table and "adversarial (1)" in table
    assert "R@5" in table and "NDCG@10" in table and "query p95 (ms)" in table
    assert LocomoReport.model_validate_json(report.model_dump_json()) == report


async def test_bad_arguments_are_refused(tiny_locomo: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="dense embedder"):
        await run_locomo(tiny_locomo, embedder="none", modes=["dense"])
    with pytest.raises(InvalidInputError, match="data_dir"):
        await run_locomo(tiny_locomo, embedder="none", settings_overrides={"data_dir": str(tmp_path)})
    (tmp_path / "bad.json").write_text('[{"conversation": {}}]')
    with pytest.raises(LocomoFormatError):
        await run_locomo(tmp_path / "bad.json", embedder="none")


def test_cli_prints_the_table_and_writes_json(
    tiny_locomo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    code = main_eval(
        ["locomo", str(tiny_locomo), "--embedder", "none", "--modes", "lexical", "--json", str(out)]
    )
    assert code == 0
    printed = capsys.readouterr()
    assert "LoCoMo retrieval: tiny-locomo.json" in printed.out and "lexical" in printed.out
    assert "ingested conv-test" in printed.err  # progress goes to stderr
    report = LocomoReport.model_validate_json(out.read_text())
    assert report.run("lexical").overall.questions == 4
    assert main_eval(["locomo", str(tiny_locomo), "--embedder", "none", "--modes", "dense", "--quiet"]) == 1
    assert "dense embedder" in capsys.readouterr().err
    assert (
        main_eval(["locomo", str(tiny_locomo), "--set", "dense_weight=2", "--quiet", "--embedder", "none"])
        == 1
    )
    assert main_eval(["nonsense"]) == 2


@pytest.mark.dense
async def test_three_modes_side_by_side(tiny_locomo: Path, model2vec_dir: Path) -> None:
    report = await run_locomo(
        tiny_locomo, embedder=f"model2vec:{model2vec_dir}", modes=["lexical", "dense", "hybrid"], ks=[1, 5]
    )
    assert [r.mode for r in report.runs] == ["lexical", "dense", "hybrid"]
    lexical, dense, hybrid = report.runs
    assert lexical.search == ["lexical"] and dense.search == hybrid.search == ["hybrid"]
    assert dense.settings["dense_weight"] == 1.0 and dense.notes and "dense_weight 1.0" in dense.notes[0]
    assert hybrid.settings["dense_weight"] == AccordSettings.model_fields["dense_weight"].default
    for q in ANSWERABLE:
        assert next(r for r in hybrid.questions if r.question == q["question"]).recall[5] == 1.0
    header = report.to_table().splitlines()[3]
    assert header.split()[-3:] == ["lexical", "dense", "hybrid"]


def test_accord_eval_command_runs_locomo(tiny_locomo: Path, tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    out = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "accord.cli.main", "eval", "locomo", str(tiny_locomo), "--modes", "lexical", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ACCORD_EMBEDDER": "none"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "R@10" in proc.stdout
    report = json.loads(out.read_text())
    assert report["runs"][0]["mode"] == "lexical"


async def test_budgets_score_what_is_rendered_and_what_it_costs(tiny_locomo: Path) -> None:
    report = await run_locomo(tiny_locomo, embedder="none", modes=["lexical"], budgets=[5, 2000])
    (run,) = report.runs
    tight, roomy = run.budgets
    assert (tight.budget, roomy.budget) == (5, 2000) and tight.questions == roomy.questions == 4
    # Nothing fits in 5 tokens, so nothing rendered is evidence; at 2000 every memory is rendered.
    assert (tight.recall, tight.rendered_mean, tight.tokens_mean) == (0.0, 0.0, 0.0)
    assert roomy.tokens_mean > 5 and roomy.rendered_mean > 0
    # All ten memories get(limit=10) returns are rendered at 2000 tokens: recall@10 of the ranking.
    assert roomy.recall == pytest.approx(run.overall.recall[10], abs=1e-4)
    assert "context budget" in report.to_table()
    with pytest.raises(InvalidInputError, match="budgets"):
        await run_locomo(tiny_locomo, embedder="none", modes=["lexical"], budgets=[0])

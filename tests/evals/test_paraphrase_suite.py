"""The paraphrase-recall suite (benchmarks/paraphrase) is what it says: queries that share no
content word with the turn they need, split in two fixed halves, with distractors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SUITE = Path(__file__).parents[2] / "benchmarks" / "paraphrase"


def test_cases_share_no_content_word_and_split_in_halves() -> None:
    spec = importlib.util.spec_from_file_location("paraphrase_run", SUITE / "run.py")
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    cases, dropped = run.load_cases()
    assert len(cases) >= 60 and len(dropped) <= 2
    from accord.domain import lexical

    assert all(not set(lexical.tokenize(t)) & set(lexical.tokenize(q)) for _, t, q in cases)
    halves = {split: sum(1 for s, _, _ in cases if s == split) for split in ("tuning", "heldout")}
    assert abs(halves["tuning"] - halves["heldout"]) <= 2
    distractors = (SUITE / "distractors.txt").read_text(encoding="utf-8").splitlines()
    assert len([d for d in distractors if d.strip()]) >= 50

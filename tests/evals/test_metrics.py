"""The scoring functions, against values computed by hand."""

from __future__ import annotations

import math

import pytest
from accord.evals.metrics import (
    QuestionScore,
    aggregate,
    first_hit_rank,
    ndcg_at_k,
    percentile,
    recall_at_k,
    score_question,
    summarize,
)

# Ranked items, best first; each lists the evidence keys it covers.
RANKED: list[list[str]] = [["D1:1"], [], ["D2:3"], ["D1:1"], [], ["D3:4"]]


def test_recall_counts_distinct_evidence_within_k() -> None:
    evidence = ["D1:1", "D2:3", "D9:9"]
    assert recall_at_k(RANKED, evidence, 1) == pytest.approx(1 / 3)
    assert recall_at_k(RANKED, evidence, 2) == pytest.approx(1 / 3)
    assert recall_at_k(RANKED, evidence, 3) == pytest.approx(2 / 3)
    assert recall_at_k(RANKED, evidence, 20) == pytest.approx(2 / 3)  # D9:9 never comes back
    assert recall_at_k(RANKED, ["D3:4"], 5) == 0.0
    assert recall_at_k(RANKED, ["D3:4"], 6) == 1.0


def test_recall_edge_cases() -> None:
    assert recall_at_k([], ["D1:1"], 5) == 0.0
    assert recall_at_k(RANKED, [], 5) == 0.0
    assert recall_at_k([["D1:1", "D1:2"]], ["D1:1", "D1:2"], 1) == 1.0  # one memory, two turns
    with pytest.raises(ValueError):
        recall_at_k(RANKED, ["D1:1"], 0)


def test_ndcg_by_hand() -> None:
    # Relevant at ranks 1 and 3 (rank 4 repeats D1:1: no second gain); two evidence turns.
    dcg = 1 / math.log2(2) + 1 / math.log2(4)
    ideal = 1 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(RANKED, ["D1:1", "D2:3"], 10) == pytest.approx(dcg / ideal)
    # One evidence turn found at rank 3.
    assert ndcg_at_k(RANKED, ["D2:3"], 10) == pytest.approx(1 / math.log2(4))
    # Beyond the cut-off it counts nothing.
    assert ndcg_at_k(RANKED, ["D3:4"], 5) == 0.0
    assert ndcg_at_k([["D1:1"], ["D2:3"]], ["D1:1", "D2:3"], 10) == pytest.approx(1.0)
    # More evidence than k: the ideal has k gains.
    assert ndcg_at_k([["a"]], ["a", "b", "c"], 1) == pytest.approx(1.0)
    assert ndcg_at_k(RANKED, [], 10) == 0.0


def test_first_hit_rank() -> None:
    assert first_hit_rank(RANKED, ["D2:3", "D3:4"]) == 3
    assert first_hit_rank(RANKED, ["nope"]) is None


def test_aggregate_is_question_weighted_and_keeps_adversarial_apart() -> None:
    scores = [
        QuestionScore(category=1, recall={5: 1.0}, ndcg=1.0),
        QuestionScore(category=4, recall={5: 0.0}, ndcg=0.0),
        QuestionScore(category=4, recall={5: 0.5}, ndcg=0.25),
        QuestionScore(category=4, recall={5: 1.0}, ndcg=0.75),
        QuestionScore(category=5, recall={5: 0.0}, ndcg=0.0),
    ]
    per_category, overall, adversarial = summarize(scores, [5])
    by_name = {c.name: c for c in per_category}
    assert by_name["single-hop"].questions == 3 and by_name["single-hop"].recall[5] == 0.5
    assert by_name["multi-hop"].recall[5] == 1.0 and by_name["temporal"].questions == 0
    assert by_name["temporal"].recall[5] == 0.0  # empty group: zeros, not a division error
    # Overall over 1-4 weighs questions, not categories: (1 + 0 + 0.5 + 1) / 4, not (1 + 0.5) / 2.
    assert overall.questions == 4 and overall.recall[5] == pytest.approx(0.625)
    assert overall.ndcg_at_10 == pytest.approx(0.5)
    assert adversarial.questions == 1 and adversarial.categories == [5]
    assert aggregate(scores, [2, 3], "none", [5]).questions == 0


def test_score_question() -> None:
    score = score_question(RANKED, ["D1:1", "D2:3"], 2, [1, 3])
    assert score.category == 2 and score.recall == {1: 0.5, 3: 1.0}
    assert score.ndcg == pytest.approx(ndcg_at_k(RANKED, ["D1:1", "D2:3"], 10))


def test_percentile_interpolates() -> None:
    assert percentile([], 0.5) == 0.0
    assert percentile([3.0], 0.95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == pytest.approx(2.5)
    assert percentile(list(range(101)), 0.95) == pytest.approx(95.0)
    with pytest.raises(ValueError):
        percentile([1.0], 1.5)

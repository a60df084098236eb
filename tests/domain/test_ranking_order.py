"""Ranking: the exact order and scores of crafted candidates, the boosts, and monotonicity in each signal."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord import Category, Memory, MemorySource, SourceKind
from accord.domain.ranking import (
    RankWeights, boost_sessions, boost_speaker, fuse_hits, named_speaker, rank_candidates, recency_score, scale_to_unit,
)
from accord.ports import IndexHits

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def mem(mid: str, importance: float = 0.5, age_days: float = 0.0) -> Memory:
    t = NOW - dt.timedelta(days=age_days)
    return Memory(
        id=mid, user_id="u", content=mid, category=Category.FACT, importance_score=importance,
        original_importance_score=importance, source=MemorySource(kind=SourceKind.EXTRACTED), lineage_id=mid,
        created_at=t, updated_at=t,
    )


def test_crafted_candidates_come_back_in_weighted_order_with_exact_scores() -> None:
    # 0.75 relevance + 0.15 importance + 0.10 recency (half-life 30 days):
    relevant_but_old = (mem("a", importance=0.1, age_days=60), 0.9)  # .675 + .015 + .025 = .715
    fresh_and_important = (mem("b", importance=0.9, age_days=0), 0.8)  # .600 + .135 + .100 = .835
    in_between = (mem("c", importance=0.5, age_days=30), 0.85)  # .6375 + .075 + .050 = .7625
    ranked = rank_candidates([relevant_but_old, fresh_and_important, in_between], NOW, RankWeights())
    assert [(m.id, s) for m, s in ranked] == [("b", pytest.approx(0.835)), ("c", pytest.approx(0.7625)),
                                              ("a", pytest.approx(0.715))]


def test_scores_are_divided_by_the_sum_of_the_weights() -> None:
    ranked = rank_candidates([(mem("a", importance=1.0), 0.4)], NOW, RankWeights(relevance=2.0, importance=2.0, recency=0.0))
    assert ranked[0][1] == pytest.approx(0.7)
    zero = rank_candidates([(mem("a", importance=1.0), 0.4)], NOW, RankWeights(relevance=0, importance=0, recency=0))
    assert zero[0][1] == 0.0


def test_ties_keep_the_input_order() -> None:
    pairs = [(mem(i), 0.5) for i in "xyz"]
    assert [m.id for m, _ in rank_candidates(pairs, NOW, RankWeights())] == ["x", "y", "z"]


def test_recency_is_one_now_and_in_the_future_and_halves_per_half_life() -> None:
    assert recency_score(NOW, NOW, 30) == 1.0
    assert recency_score(NOW + dt.timedelta(days=5), NOW, 30) == 1.0
    assert recency_score(NOW - dt.timedelta(days=30), NOW, 30) == pytest.approx(0.5)
    assert recency_score(NOW - dt.timedelta(hours=12), NOW, 0.5) == pytest.approx(0.5)


def test_session_boost_averages_the_top_candidates_of_a_session_not_all() -> None:
    relevance = {"a": 1.0, "b": 0.8, "c": 0.6, "d": 0.2, "e": 0.9, "f": 0.3, "alone": 0.7}
    sessions = {"a": "s1", "b": "s1", "c": "s1", "d": "s1", "e": "s2", "f": "s2", "not-a-candidate": "s2"}
    out = boost_sessions(relevance, sessions, weight=0.5, top=3)
    # s1: 0.5 * (1.0 + 0.8 + 0.6) / 3 = 0.4 (the fourth, 0.2, is not averaged in); s2: 0.5 * 1.2 / 3 = 0.2.
    assert out == pytest.approx({"a": 1.4, "b": 1.2, "c": 1.0, "d": 0.6, "e": 1.1, "f": 0.5, "alone": 0.7})


@pytest.mark.parametrize(("weight", "top"), [(0.0, 3), (-1.0, 3), (0.5, 0)])
def test_no_session_boost_without_weight_or_top(weight: float, top: int) -> None:
    assert boost_sessions({"a": 0.5}, {"a": "s"}, weight=weight, top=top) == {"a": 0.5}


def test_speaker_boost_applies_to_the_one_speaker_named() -> None:
    relevance = {"t1": 0.5, "t2": 0.4, "t3": 0.3}
    speakers = {"t1": "Ann", "t2": "Bob", "t3": "Ann", "gone": "Ann"}
    assert boost_speaker(relevance, speakers, ["ann", "paint"], 0.5) == pytest.approx({"t1": 0.75, "t2": 0.4, "t3": 0.45})
    assert boost_speaker(relevance, speakers, ["ann", "bob"], 0.5) == relevance  # both named: no preference
    assert boost_speaker(relevance, speakers, ["ann"], 0.0) == relevance
    assert named_speaker(["bob", "paint"], ["Ann", "Bob", "Bob"]) == "Bob"
    assert named_speaker(["carl"], ["Ann", "Bob"]) is None


def test_scale_to_unit_divides_only_above_one() -> None:
    assert scale_to_unit({"a": 1.0, "b": 0.5}) == {"a": 1.0, "b": 0.5}
    assert scale_to_unit({"a": 2.0, "b": 0.5}) == {"a": 1.0, "b": 0.25}
    assert scale_to_unit({}) == {}


def test_minmax_fusion_scales_each_list_to_its_range() -> None:
    hits = IndexHits(dense=[("a", 0.9), ("b", 0.8), ("c", 0.7)], lexical=[("c", 4.0), ("a", 2.0)])
    fused = fuse_hits(hits, dense_weight=0.5, normalization="minmax")
    # dense: a 1.0, b 0.5, c 0.0; lexical: c 1.0, a 0.0 (its own minimum).
    assert fused == pytest.approx({"a": 0.5, "b": 0.25, "c": 0.5})


def test_fusion_edge_cases() -> None:
    assert fuse_hits(IndexHits(dense=[("a", 0.0)], lexical=[("b", -1.0)])) == {}  # no positive score: nothing
    assert fuse_hits(IndexHits(dense=[("a", 0.5), ("b", 0.5)], lexical=[("a", 1.0)]), normalization="minmax") == (
        pytest.approx({"a": 1.0, "b": 0.5}))  # a flat list gives every member 1.0
    assert fuse_hits(IndexHits(dense=[("a", 0.5)], lexical=[("b", 1.0)]), dense_weight=1.0) == {"a": 1.0}


def test_rrf_scores_by_rank_with_k_and_scales_the_best_to_one() -> None:
    fused = fuse_hits(IndexHits(dense=[("a", 0.9), ("b", 0.8)], lexical=[("b", 3.0)]), method="rrf", rrf_k=1)
    # a: 0.5/2 = 0.25; b: 0.5/3 + 0.5/2 = 0.41667; scaled by b.
    assert fused == pytest.approx({"a": 0.25 / (0.5 / 3 + 0.25), "b": 1.0})


candidates = st.lists(
    st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 365)), min_size=1, max_size=8,
)


@given(candidates, st.data())
def test_ranking_is_monotone_in_each_weighted_signal(cands: list[tuple[float, float, float]], data: st.DataObject) -> None:
    """Raising one candidate's relevance or importance, or making it newer, never moves it down."""
    i = data.draw(st.integers(0, len(cands) - 1))
    signal = data.draw(st.sampled_from(["relevance", "importance", "recency"]))

    def position(rows: list[tuple[float, float, float]]) -> int:
        pairs = [(mem(f"m{j}", importance=imp, age_days=age), rel) for j, (rel, imp, age) in enumerate(rows)]
        return [m.id for m, _ in rank_candidates(pairs, NOW, RankWeights())].index(f"m{i}")

    rel, imp, age = cands[i]
    better = {
        "relevance": (data.draw(st.floats(rel, 1)), imp, age),
        "importance": (rel, data.draw(st.floats(imp, 1)), age),
        "recency": (rel, imp, data.draw(st.floats(0, age))),
    }[signal]
    raised = [*cands[:i], better, *cands[i + 1:]]
    assert position(raised) <= position(cands)

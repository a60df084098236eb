"""Fusion and ranking are pure functions over numbers and memories."""

from __future__ import annotations

import datetime as dt

import pytest
from accord import Category, Memory, MemorySource, SourceKind
from accord.ports import IndexHits
from accord.domain.ranking import (
    RankWeights,
    boost_sessions,
    boost_speaker,
    fuse_hits,
    named_speaker,
    rank_candidates,
    recency_score,
    scale_to_unit,
)

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def mem(mid: str, importance: float = 0.5, age_days: float = 0) -> Memory:
    t = NOW - dt.timedelta(days=age_days)
    return Memory(
        id=mid, user_id="u", content=mid, category=Category.FACT, importance_score=importance,
        original_importance_score=importance, source=MemorySource(kind=SourceKind.EXTRACTED),
        lineage_id=mid, created_at=t, updated_at=t,
    )


def test_weighted_fusion_normalises_each_list_and_mixes() -> None:
    hits = IndexHits(dense=[("a", 0.9), ("b", 0.45)], lexical=[("b", 10.0), ("c", 5.0)])
    fused = fuse_hits(hits, method="weighted", dense_weight=0.5)
    assert fused == pytest.approx({"a": 0.5, "b": 0.75, "c": 0.25})


def test_one_sided_fusion_uses_the_list_that_exists() -> None:
    assert fuse_hits(IndexHits(lexical=[("x", 4.0), ("y", 2.0)]), dense_weight=0.5) == pytest.approx({"x": 1.0, "y": 0.5})
    assert fuse_hits(IndexHits(dense=[("x", 0.8)]), dense_weight=0.2) == pytest.approx({"x": 1.0})
    assert fuse_hits(IndexHits()) == {}


def test_rrf_rewards_agreement_between_lists() -> None:
    fused = fuse_hits(IndexHits(dense=[("a", 0.9), ("b", 0.8)], lexical=[("b", 3.0), ("c", 2.0)]), method="rrf")
    assert max(fused, key=fused.get) == "b" and fused["b"] == pytest.approx(1.0)


def test_recency_halves_every_half_life() -> None:
    assert recency_score(NOW, NOW, 30) == pytest.approx(1.0)
    assert recency_score(NOW - dt.timedelta(days=30), NOW, 30) == pytest.approx(0.5)
    assert recency_score(NOW - dt.timedelta(days=60), NOW, 30) == pytest.approx(0.25)
    assert recency_score(NOW + dt.timedelta(days=1), NOW, 30) == pytest.approx(1.0)  # clock skew: no bonus


def test_relevance_dominates_by_default_but_importance_and_recency_break_near_ties() -> None:
    ranked = rank_candidates([(mem("weak"), 0.2), (mem("strong"), 0.9)], NOW, RankWeights())
    assert [m.id for m, _ in ranked] == ["strong", "weak"]
    tie = rank_candidates([(mem("old", age_days=200), 0.8), (mem("new"), 0.8)], NOW, RankWeights())
    assert [m.id for m, _ in tie] == ["new", "old"]
    imp = rank_candidates([(mem("low", 0.1), 0.8), (mem("high", 0.9), 0.8)], NOW, RankWeights())
    assert [m.id for m, _ in imp] == ["high", "low"]


def test_weights_are_tunable() -> None:
    only_recency = RankWeights(relevance=0, importance=0, recency=1)
    ranked = rank_candidates([(mem("relevant-old", age_days=90), 1.0), (mem("fresh"), 0.0)], NOW, only_recency)
    assert ranked[0][0].id == "fresh"
    assert ranked[0][1] == pytest.approx(1.0)


def test_minmax_fusion_spreads_close_cosine_scores() -> None:
    hits = IndexHits(dense=[("a", 0.62), ("b", 0.60), ("c", 0.58)], lexical=[("b", 8.0), ("c", 4.0), ("d", 2.0)])
    by_max = fuse_hits(hits, dense_weight=0.5, normalization="max")
    by_range = fuse_hits(hits, dense_weight=0.5, normalization="minmax")
    # dividing by the best cosine gives "c" almost a full dense share; the range gives it none
    assert by_max["c"] == pytest.approx(0.5 * 0.58 / 0.62 + 0.5 * 0.5)
    assert by_range == pytest.approx({"a": 0.5, "b": 0.5 * 0.5 + 0.5, "c": 0.5 * (4 - 2) / 6, "d": 0.0})


def test_a_list_alone_keeps_its_ratios_whatever_the_normalization() -> None:
    lexical = IndexHits(lexical=[("x", 4.0), ("y", 2.0)])
    assert fuse_hits(lexical, normalization="minmax") == pytest.approx({"x": 1.0, "y": 0.5})
    equal = IndexHits(dense=[("a", 0.5), ("b", 0.5)], lexical=[("a", 1.0)])
    assert fuse_hits(equal, dense_weight=0.5, normalization="minmax") == pytest.approx({"a": 1.0, "b": 0.5})


def test_named_speaker_needs_exactly_one_speaker_in_the_query() -> None:
    speakers = ["Caroline", "Melanie", "Jon Snow"]
    assert named_speaker({"carolin", "paint"}, speakers) == "Caroline"  # stemmed query terms
    assert named_speaker({"snow"}, speakers) == "Jon Snow"
    assert named_speaker({"carolin", "melani"}, speakers) is None
    assert named_speaker({"paint"}, speakers) is None


def test_speaker_boost_lifts_the_named_speakers_turns_only() -> None:
    relevance = {"ann-1": 0.5, "bob-1": 0.8, "fact": 0.6}
    speakers = {"ann-1": "Ann", "bob-1": "Bob"}
    boosted = boost_speaker(relevance, speakers, {"ann", "paint"}, 1.0)
    assert boosted == pytest.approx({"ann-1": 1.0, "bob-1": 0.8, "fact": 0.6})
    assert boost_speaker(relevance, speakers, {"paint"}, 1.0) == relevance
    assert boost_speaker(relevance, speakers, {"ann"}, 0.0) == relevance


def test_session_boost_raises_the_session_where_several_candidates_match() -> None:
    relevance = {"s1-a": 0.6, "s1-b": 0.5, "s1-c": 0.4, "s2-a": 0.62, "loose": 0.3}
    sessions = {"s1-a": "s1", "s1-b": "s1", "s1-c": "s1", "s2-a": "s2"}
    boosted = boost_sessions(relevance, sessions, 0.3)
    assert boosted["s1-a"] == pytest.approx(0.6 + 0.3 * (0.6 + 0.5 + 0.4) / 3)
    assert boosted["s2-a"] == pytest.approx(0.62 + 0.3 * 0.62 / 3)
    assert boosted["s1-a"] > boosted["s2-a"] and boosted["loose"] == 0.3
    assert boost_sessions(relevance, sessions, 0.0) == relevance


def test_scale_to_unit_only_scales_down() -> None:
    assert scale_to_unit({"a": 2.0, "b": 1.0}) == pytest.approx({"a": 1.0, "b": 0.5})
    assert scale_to_unit({"a": 0.8}) == {"a": 0.8}
    assert scale_to_unit({}) == {}

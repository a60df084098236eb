"""Ranking rules pinned by exact values: reciprocal-rank fusion's constant and a session boost over
the best candidate alone."""

from __future__ import annotations

import pytest

from accord.domain.ranking import boost_sessions, fuse_hits
from accord.ports import IndexHits


def test_rrf_gives_each_rank_one_over_sixty_plus_its_rank_by_default() -> None:
    # The standard constant k = 60 (Cormack et al.): rank r (from 1) adds weight / (60 + r).
    hits = IndexHits(dense=[("a", 0.9), ("b", 0.8)], lexical=[("b", 3.0), ("c", 2.0)])
    a, b, c = 0.5 / 61, 0.5 / 62 + 0.5 / 61, 0.5 / 62
    assert fuse_hits(hits, method="rrf") == pytest.approx({"a": a / b, "b": 1.0, "c": c / b}, rel=1e-12)
    assert fuse_hits(hits, method="rrf", rrf_k=0) == pytest.approx({"a": 2 / 3, "b": 1.0, "c": 1 / 3}, rel=1e-12)


def test_a_session_boost_over_the_top_one_adds_the_weight_times_the_sessions_best() -> None:
    relevance = {"a": 0.9, "b": 0.5, "c": 0.4}
    out = boost_sessions(relevance, {"a": "s1", "b": "s1", "c": "s2"}, weight=0.5, top=1)
    assert out == pytest.approx({"a": 0.9 + 0.45, "b": 0.5 + 0.45, "c": 0.4 + 0.2}, rel=1e-12)

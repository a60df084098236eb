"""The dense list's share adapts to how well the query's words matched (pure)."""

from __future__ import annotations

import pytest

from accord.domain.fusion_weights import adaptive_dense_weight, lexical_strength
from accord.domain.rerank import query_groups


def _terms(text: str) -> frozenset[str]:
    from accord.domain import lexical

    return frozenset(lexical.tokenize(text))


POOL = [_terms(t) for t in ("I adopted a puppy", "the puppy sleeps", "a new home", "my new job", "it rained")]


def test_strength_is_the_rarity_weighted_share_of_the_query_the_best_hit_covers() -> None:
    groups = query_groups("Where did the puppy find a new home?")
    full = lexical_strength(groups, [_terms("the puppy found a new home")], POOL)
    some = lexical_strength(groups, [_terms("a new home")], POOL)
    none = lexical_strength(groups, [_terms("it rained")], POOL)
    assert full == pytest.approx(1.0) and 0.0 < some < full and none == 0.0
    assert lexical_strength(groups, [_terms("it rained"), _terms("a new home")], POOL) == some  # the best hit counts
    assert lexical_strength([], [_terms("x")], POOL) == 0.0 and lexical_strength(groups, [], POOL) == 0.0


def test_the_weight_moves_from_base_towards_unmatched_as_strength_falls() -> None:
    assert adaptive_dense_weight(0.1, 0.8, 1.0) == pytest.approx(0.1)
    assert adaptive_dense_weight(0.1, 0.8, 0.0) == pytest.approx(0.8)
    assert adaptive_dense_weight(0.1, 0.8, 0.5) == pytest.approx(0.1 + 0.7 * 0.25)
    assert adaptive_dense_weight(0.1, 0.8, 0.9) < adaptive_dense_weight(0.1, 0.8, 0.2)
    assert adaptive_dense_weight(1.0, 0.8, 0.0) == 1.0  # never below base: pure dense stays pure
    assert adaptive_dense_weight(0.1, 0.8, -3.0) == pytest.approx(0.8) and adaptive_dense_weight(0.1, 0.8, 7.0) == pytest.approx(0.1)

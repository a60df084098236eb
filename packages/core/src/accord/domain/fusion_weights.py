"""How much the dense list counts, read from how well the query's words matched (pure).

One constant weight tuned on one benchmark fails the other kind of query: tuned where
questions repeat the words of their answers, it drowns dense search exactly where it is the
only signal, when a later message relates to an earlier one in other words. So the weight
adapts per query: the share of the query's words (weighted by their rarity among the
candidates, irregular forms counted) that the best lexical hits contain is the *lexical
strength*; at full strength the dense list weighs ``dense_weight``, at none
``dense_weight_unmatched``, linearly between.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

__all__ = ["adaptive_dense_weight", "lexical_strength"]


def lexical_strength(
    groups: Sequence[frozenset[str]], best: Sequence[Collection[str]], pool: Sequence[Collection[str]]
) -> float:
    """The largest share of the query (term groups, IDF-weighted within ``pool``) that one of
    the ``best`` lexical hits (their term sets) covers; 0 with no groups or no hits."""
    if not groups or not best or not pool:
        return 0.0
    n = len(pool)
    idf = [math.log(1.0 + (n + 0.5) / (sum(1 for t in pool if not g.isdisjoint(t)) + 0.5)) for g in groups]
    total = sum(idf)
    return max(sum(w for g, w in zip(groups, idf, strict=True) if not g.isdisjoint(t)) for t in best) / total


def adaptive_dense_weight(base: float, unmatched: float, strength: float) -> float:
    """``base`` at full lexical strength, ``unmatched`` at none (quadratic between); never below
    ``base`` (a weak lexical match only ever gives dense search more say), always in [0, 1]."""
    strength = min(max(strength, 0.0), 1.0)
    # Squared: the weight moves off ``base`` only when few of the query's words matched
    # (a question naming its answer's words keeps the tuned weight).
    return min(max(base + max(unmatched - base, 0.0) * (1.0 - strength) ** 2, 0.0), 1.0)

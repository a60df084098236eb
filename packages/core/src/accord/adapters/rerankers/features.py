"""The built-in reranker as a :class:`accord.ports.Reranker`: no model, microseconds a candidate."""

from __future__ import annotations

from collections.abc import Sequence

from accord.domain.dates import query_date_range
from accord.domain.rerank import RerankWeights, feature_scores
from accord.ports import Clock, RerankCandidate

__all__ = ["FeatureReranker"]


class FeatureReranker:
    """Scores candidates by :func:`accord.domain.rerank.feature_scores`; the query's date range
    ("in May 2023", "last month") is read relative to the clock's now."""

    name = "features"

    def __init__(self, clock: Clock, weights: RerankWeights | None = None) -> None:
        self._clock = clock
        self._weights = weights or RerankWeights()

    async def rerank(self, query: str, candidates: Sequence[RerankCandidate]) -> list[float]:
        span = query_date_range(query, self._clock.now())
        return feature_scores(query, candidates, self._weights, date_range=span)

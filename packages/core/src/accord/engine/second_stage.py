"""The read path's second stage: the configured reranker over the first stage's candidates."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from accord.domain.models import Memory
from accord.domain.rerank import candidates_for
from accord.errors import ProviderError
from accord.ports import IndexHits, Reranker

__all__ = ["rerank_stage"]

log = logging.getLogger("accord.read")


async def rerank_stage(
    reranker: Reranker | None,
    query: str,
    memories: Mapping[str, Memory],
    relevance: Mapping[str, float],
    hits: IndexHits,
) -> tuple[dict[str, float], str, list[str]]:
    """New relevance for every candidate, the reranker that served ("none" when none did) and
    notes. A reranker that fails leaves the first-stage relevance, and says so."""
    if reranker is None:
        return dict(relevance), "none", []
    if not relevance:
        return {}, reranker.name, []
    ids = sorted(relevance, key=relevance.__getitem__, reverse=True)
    candidates = candidates_for(ids, memories, relevance, dict(hits.dense))
    try:
        scores = await reranker.rerank(query, candidates)
    except ProviderError as e:
        log.warning("reranker %s failed, keeping first-stage ranking: %s", reranker.name, e)
        return dict(relevance), "none", [f"reranker {reranker.name} failed ({e}); first-stage ranking"]
    if len(scores) != len(ids):
        return dict(relevance), "none", [f"reranker {reranker.name} scored {len(scores)} of {len(ids)} candidates"]
    return dict(zip(ids, scores, strict=True)), reranker.name, []

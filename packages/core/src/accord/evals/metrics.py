"""Retrieval metrics for evidence-labelled questions: plain functions, no I/O.

A question has a set of *evidence* keys (LoCoMo dia ids such as ``"D3:7"``). A retrieval is a
ranked list in which each item covers zero or more keys: an episodic memory covers the turn it
stores, a durable memory the turn it was extracted from, an unrelated memory none.

* **recall@k**: the fraction of the evidence keys covered by the top ``k`` items.
* **NDCG@k** with binary relevance: item ``i`` (1-based) gains 1 when it covers an evidence
  key that no better-ranked item covered (two memories of the same turn count once), and
  ``DCG = sum(gain_i / log2(i + 1))``; the ideal ranking puts ``min(|evidence|, k)`` gains
  first.

LoCoMo categories: 1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop, 5 adversarial.
"Overall" is question-weighted over 1-4; adversarial questions (whose answer is not in the
conversation) are reported apart.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ADVERSARIAL",
    "CATEGORY_NAMES",
    "NDCG_K",
    "SCORED_CATEGORIES",
    "CategoryScores",
    "QuestionScore",
    "aggregate",
    "first_hit_rank",
    "ndcg_at_k",
    "percentile",
    "recall_at_k",
    "score_question",
    "summarize",
]

CATEGORY_NAMES: dict[int, str] = {
    1: "multi-hop",
    2: "temporal",
    3: "open-domain",
    4: "single-hop",
    5: "adversarial",
}
SCORED_CATEGORIES: tuple[int, ...] = (1, 2, 3, 4)
ADVERSARIAL = 5
NDCG_K = 10

Ranked = Sequence[Collection[str]]
"""A ranked retrieval: for each item, best first, the evidence keys it covers."""


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")


def recall_at_k(retrieved: Ranked, evidence: Collection[str], k: int) -> float:
    """Fraction of ``evidence`` covered by the first ``k`` items (0.0 when evidence is empty)."""
    _check_k(k)
    wanted = set(evidence)
    if not wanted:
        return 0.0
    found: set[str] = set()
    for keys in retrieved[:k]:
        found.update(wanted.intersection(keys))
    return len(found) / len(wanted)


def ndcg_at_k(retrieved: Ranked, evidence: Collection[str], k: int = NDCG_K) -> float:
    """Binary-relevance NDCG@k; an evidence key already covered higher up gains nothing again."""
    _check_k(k)
    wanted = set(evidence)
    if not wanted:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for i, keys in enumerate(retrieved[:k]):
        new = wanted.intersection(keys) - seen
        if new:
            seen.update(new)
            dcg += 1.0 / math.log2(i + 2)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(wanted), k)))
    return dcg / ideal


def first_hit_rank(retrieved: Ranked, evidence: Collection[str]) -> int | None:
    """1-based rank of the first item covering any evidence key; None when none does."""
    wanted = set(evidence)
    for i, keys in enumerate(retrieved):
        if wanted.intersection(keys):
            return i + 1
    return None


@dataclass(frozen=True, slots=True)
class QuestionScore:
    """One question's scores: recall per k and NDCG@``NDCG_K``."""

    category: int
    recall: dict[int, float] = field(default_factory=dict)
    ndcg: float = 0.0


def score_question(
    retrieved: Ranked, evidence: Collection[str], category: int, ks: Iterable[int]
) -> QuestionScore:
    """Score one question; callers skip questions without evidence (there is nothing to find)."""
    return QuestionScore(
        category=category,
        recall={k: recall_at_k(retrieved, evidence, k) for k in ks},
        ndcg=ndcg_at_k(retrieved, evidence, NDCG_K),
    )


class CategoryScores(BaseModel):
    """Mean scores over a group of questions (a category, or the overall group)."""

    model_config = ConfigDict(frozen=True)

    name: str
    categories: list[int]
    questions: int
    recall: dict[int, float]
    ndcg_at_10: float


def aggregate(
    scores: Sequence[QuestionScore], categories: Collection[int], name: str, ks: Iterable[int]
) -> CategoryScores:
    """Question-weighted means over the scores whose category is in ``categories``."""
    chosen = [s for s in scores if s.category in categories]
    n = len(chosen)

    def mean(values: Iterable[float]) -> float:
        return round(sum(values) / n, 4) if n else 0.0

    return CategoryScores(
        name=name,
        categories=sorted(categories),
        questions=n,
        recall={k: mean(s.recall[k] for s in chosen) for k in ks},
        ndcg_at_10=mean(s.ndcg for s in chosen),
    )


def summarize(
    scores: Sequence[QuestionScore], ks: Sequence[int]
) -> tuple[list[CategoryScores], CategoryScores, CategoryScores]:
    """Per category 1-4, overall over 1-4 (question-weighted), and adversarial apart."""
    per_category = [aggregate(scores, [c], CATEGORY_NAMES[c], ks) for c in SCORED_CATEGORIES]
    overall = aggregate(scores, SCORED_CATEGORIES, "overall (1-4)", ks)
    adversarial = aggregate(scores, [ADVERSARIAL], CATEGORY_NAMES[ADVERSARIAL], ks)
    return per_category, overall, adversarial


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-quantile (0-1) with linear interpolation between ranks; 0.0 for no samples."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be within [0, 1], got {q}")
    if not samples:
        return 0.0
    ordered = sorted(samples)
    pos = q * (len(ordered) - 1)
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)

"""The built-in reranker: features of each candidate and of its neighbours, no model (pure).

First-stage search scores each memory alone, by term frequency. Reranking looks at the pool
the first stage found and asks, for each candidate:

* **coverage**: how much of the query it covers, each query word weighted by its rarity in the
  pool, with irregular forms counted as the word (``lost`` covers "lose"). BM25 rewards saying
  one query word often; an answer usually says several different ones.
* **neighbours**: the best first-stage relevance of the turns just before and after it in the
  same conversation. A reply ("Yes, in May!") is found through the question it answers, and
  a turn's topic often only shows in the turns around it.
* **dense**: its cosine to the query, scaled within the pool, when a dense model ranked it.
* **date**: whether it was said inside a date range the query names ("in May 2023").

The score is a weighted sum with the first-stage relevance, scaled so the best is 1.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from accord.domain import inflection, lexical
from accord.domain.models import Memory
from accord.domain.records import RerankCandidate

__all__ = ["RerankWeights", "candidates_for", "feature_scores", "query_groups"]


@dataclass(frozen=True, slots=True)
class RerankWeights:
    """Chosen on the tuning half of the LoCoMo dev file (conv-26, conv-30); conv-41 and conv-42
    were held out (see the README). Coverage and neighbours help a little at these weights and
    cost recall above them: BM25 with neighbour context already carries most of that signal."""

    relevance: float = 1.0
    coverage: float = 0.1
    neighbours: float = 0.1
    dense: float = 0.2
    date: float = 0.3


def query_groups(query: str) -> list[frozenset[str]]:
    """One set of stemmed terms per distinct query word: its stem and its irregular forms'."""
    groups: dict[frozenset[str], None] = {}
    for word in lexical.words(query):
        group = frozenset(t for form in inflection.word_forms(word) for t in lexical.tokenize(form))
        if group:
            groups[group] = None
    return list(groups)


def _coverage(groups: Sequence[frozenset[str]], texts: Sequence[Collection[str]]) -> list[float]:
    if not groups or not texts:
        return [0.0] * len(texts)
    n = len(texts)
    idf = [math.log(1.0 + (n + 0.5) / (sum(1 for t in texts if not g.isdisjoint(t)) + 0.5)) for g in groups]
    total = sum(idf)
    return [sum(w for g, w in zip(groups, idf, strict=True) if not g.isdisjoint(t)) / total for t in texts]


def _neighbours(candidates: Sequence[RerankCandidate]) -> list[float]:
    placed = {(c.session, c.turn): c.relevance for c in candidates if c.session is not None and c.turn is not None}
    out = []
    for c in candidates:
        if c.session is None or c.turn is None:
            out.append(0.0)
            continue
        near = [placed.get((c.session, c.turn + d), 0.0) for d in (-1, 1)]
        out.append(max(near))
    return out


def _dense(candidates: Sequence[RerankCandidate]) -> list[float]:
    scores = [c.dense for c in candidates if c.dense is not None]
    if not scores:
        return [0.0] * len(candidates)
    low, high = min(scores), max(scores)
    span = high - low
    return [0.0 if c.dense is None else ((c.dense - low) / span if span > 0 else 1.0) for c in candidates]


def _in_range(when: dt.datetime | None, span: tuple[dt.date, dt.date] | None) -> float:
    if when is None or span is None:
        return 0.0
    return 1.0 if span[0] <= when.date() <= span[1] else 0.0


def feature_scores(
    query: str,
    candidates: Sequence[RerankCandidate],
    weights: RerankWeights = RerankWeights(),  # noqa: B008 - frozen, shared safely
    *,
    date_range: tuple[dt.date, dt.date] | None = None,
) -> list[float]:
    """A relevance in [0, 1] per candidate, in order (see the module docstring)."""
    if not candidates:
        return []
    texts = [frozenset(lexical.term_counts(c.text)) for c in candidates]
    coverage = _coverage(query_groups(query), texts)
    near = _neighbours(candidates)
    dense = _dense(candidates)
    raw = [
        weights.relevance * c.relevance
        + weights.coverage * cov
        + weights.neighbours * nb
        + weights.dense * d
        + weights.date * _in_range(c.said_at, date_range)
        for c, cov, nb, d in zip(candidates, coverage, near, dense, strict=True)
    ]
    best = max(raw)
    return [r / best if best > 0 else 0.0 for r in raw]


def candidates_for(
    ids: Sequence[str], memories: Mapping[str, Memory], relevance: Mapping[str, float], dense: Mapping[str, float]
) -> list[RerankCandidate]:
    """The reranker's view of first-stage candidates ``ids`` (hydrated in ``memories``).

    A turn is placed by its session and its ``turn`` (its position in the ``add()`` that
    wrote it); a caption travels with the text it was shared with.
    """
    out = []
    for i in ids:
        m = memories[i]
        turn = m.metadata.get("turn")
        speaker = m.metadata.get("speaker")
        out.append(
            RerankCandidate(
                memory_id=i,
                text=m.content,
                relevance=relevance[i],
                dense=dense.get(i),
                session=f"{m.user_id}/{m.source.session_id or m.source.job_id or ''}",
                turn=turn if isinstance(turn, int) and not isinstance(turn, bool) else None,
                said_at=m.valid_from or m.created_at,
                speaker=speaker if isinstance(speaker, str) else None,
            )
        )
    return out

"""Plain records the service and the store ports exchange: what to insert, what a job changed,
the maintenance policy and what it did. No I/O and no backend types."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "SHARED_USER_ID",
    "Vector",
    "IndexPoint",
    "IndexQuery",
    "IndexHits",
   "Settlement", "FeedbackApplied", "RerankCandidate", "MemoryEdit", "ApplyResult", "MaintenancePolicy", "MaintenanceTally", "NewMemory", "NewMessage", "content_hash"]


Vector = np.ndarray  # 1-d float32, L2-normalised

# Shared tenant-level memories are stored under this reserved user id (user ids given by
# callers must start with a letter or digit, so they can never collide with it).
SHARED_USER_ID = "_tenant"


@dataclass(frozen=True, slots=True)
class IndexPoint:
    """What the index holds for one memory. ``text`` feeds the lexical (BM25) vector.

    ``text`` may be richer than the memory's content (e.g. an episodic turn together with
    its neighbouring turns), because the index only ranks; content always comes from SQL.
    """

    memory_id: str
    tenant_id: str
    user_id: str
    category: str
    status: str
    created_at: dt.datetime
    text: str
    dense: Vector | None = None
    agent_id: str | None = None
    session_id: str | None = None
    embedding_model: str | None = None  # which model made ``dense`` (SQL keeps it; the index ignores it)


@dataclass(frozen=True, slots=True)
class IndexQuery:
    tenant_id: str
    user_id: str
    text: str
    dense: Vector | None = None
    limit: int = 50
    categories: Sequence[str] | None = None
    statuses: Sequence[str] = ("active",)
    created_after: dt.datetime | None = None
    agent_ids: Sequence[str] | None = None
    include_shared: bool = False  # also search the tenant's shared memories (SHARED_USER_ID)
    # Stemmed terms added to the BM25 query with these weights (query expansion); the text's
    # own terms weigh 1.0. See accord.domain.lexical.sparse_query.
    extra_terms: Mapping[str, float] | None = None

    def user_ids(self) -> list[str]:
        return [self.user_id, SHARED_USER_ID] if self.include_shared else [self.user_id]


@dataclass(frozen=True, slots=True)
class IndexHits:
    """Two ranked candidate lists, best first, as (memory_id, raw score). Fusion happens outside."""

    dense: list[tuple[str, float]] = field(default_factory=list)
    lexical: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RerankCandidate:
    """One first-stage candidate as a reranker sees it.

    ``relevance`` is the first stage's (fused, boosted) score in [0, 1]; ``dense`` the raw
    cosine when a dense list ranked it; ``session`` and ``turn`` place a conversational turn
    among its neighbours (``turn``: its position in the ``add()`` that wrote it).
    """

    memory_id: str
    text: str
    relevance: float
    dense: float | None = None
    session: str | None = None
    turn: int | None = None
    said_at: dt.datetime | None = None
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class NewMessage:
    id: str
    position: int
    role: str
    content: str
    said_at: dt.datetime
    name: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NewMemory:
    """A memory row to insert. ``lineage_id`` defaults to the memory's own id (a new lineage)."""

    id: str
    user_id: str
    content: str
    content_hash: str
    index_text: str
    category: str
    importance: float
    source_kind: str
    confidence: float = 1.0
    attribute_key: str | None = None
    attribute_value: str | None = None
    source_role: str | None = None
    session_id: str | None = None
    message_id: str | None = None
    job_id: str | None = None
    agent_id: str | None = None
    trusted: bool = True
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    embedding: np.ndarray | None = None
    embedding_model: str | None = None
    lineage_id: str | None = None
    previous_version_id: str | None = None
    scope: str = "user"
    status: str = "active"
    # What conflict resolution needs to know about a candidate (not stored as such).
    negated: bool = False
    context: str | None = None
    change_cue: bool = False
    # Words near a statement of change that may name the memory it changes (accord.domain.shifts).
    shift_anchors: frozenset[str] = frozenset()
    said_at: dt.datetime | None = None  # when the source turn was said
    hint: Mapping[str, str] | None = None  # an LLM verdict for a case the rules cannot decide


def content_hash(text: str) -> str:
    """Hash of content with case and spacing folded: the key of "no duplicate active content"."""
    return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()


@dataclass
class ApplyResult:
    created: list[str] = field(default_factory=list)  # memory ids inserted (active or pending)
    touched: list[str] = field(default_factory=list)  # stored memories changed (archived, reweighted)
    decisions: list[tuple[str, str]] = field(default_factory=list)  # (action, reason) per candidate


@dataclass
class MaintenancePolicy:
    half_life_days: Mapping[str, float]
    archive_below: float
    stale_after_days: float
    episodic_ttl_days: float | None


@dataclass
class MaintenanceTally:
    """What one maintenance pass changed (the engine turns it into a ``MaintenanceReport``)."""

    decayed: int = 0
    archived_stale: int = 0
    expired_episodic: int = 0
    touched: list[tuple[str, str]] = field(default_factory=list)  # (user_id, memory_id)


@dataclass(frozen=True, slots=True)
class MemoryEdit:
    """A manual edit: the fields to change (None: unchanged). New content carries its vector."""

    content: str | None = None
    importance: float | None = None
    category: str | None = None
    embedding: np.ndarray | None = None
    embedding_model: str | None = None

    def changes(self) -> dict[str, Any]:
        """Column values; the content's hash and index text follow the content."""
        out: dict[str, Any] = {}
        if self.content is not None:
            out.update(content=self.content, content_hash=content_hash(self.content), index_text=self.content)
        if self.importance is not None:
            out["importance_score"] = self.importance
        if self.category is not None:
            out["category"] = self.category
        if self.embedding is not None:
            out.update(embedding=self.embedding, embedding_model=self.embedding_model)
        return out


@dataclass(frozen=True, slots=True)
class FeedbackApplied:
    """What an agent's feedback did: whose memory, whether it changed, the question it opened."""

    user_id: str
    changed: bool = False
    question_id: str | None = None


@dataclass
class Settlement:
    """Who a resolved conflict belonged to, and the memories it changed."""

    user_id: str
    touched: list[str] = field(default_factory=list)

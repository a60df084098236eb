"""Ports: the interfaces the engine talks to. Adapters implement them without inheriting.

Every store and index call takes the caller's ``tenant_id`` as a required argument; there is
no way to query across tenants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from accord.domain.models import ExtractedMemory, Memory, Message

__all__ = [
    "SHARED_USER_ID",
    "Vector",
    "IndexPoint",
    "IndexQuery",
    "IndexHits",
    "VectorIndex",
    "Embedder",
    "HotCache",
    "Extractor",
    "Clock",
]

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


@runtime_checkable
class VectorIndex(Protocol):
    """A derived, rebuildable search index over memories (dense + BM25 sparse)."""

    name: str

    async def upsert(self, points: Sequence[IndexPoint]) -> None: ...

    async def set_status(self, tenant_id: str, memory_ids: Sequence[str], status: str) -> None: ...

    async def delete(self, tenant_id: str, memory_ids: Sequence[str]) -> None: ...

    async def delete_user(self, tenant_id: str, user_id: str) -> None: ...

    async def search(self, query: IndexQuery) -> IndexHits: ...

    async def count(self, tenant_id: str, user_id: str | None = None) -> int: ...

    async def clear(self) -> None:
        """Drop every point (used by ``accord reindex`` before rebuilding from SQL)."""
        ...

    async def close(self) -> None: ...


@runtime_checkable
class Embedder(Protocol):
    """Dense text embeddings. Vectors are L2-normalised float32."""

    name: str
    dim: int

    async def embed_documents(self, texts: Sequence[str]) -> list[Vector]: ...

    async def embed_query(self, text: str) -> Vector: ...


@runtime_checkable
class HotCache(Protocol):
    """Per-user cache of memory records, plus token buckets for the rate gate."""

    name: str

    async def get_memories(self, tenant_id: str, user_id: str, ids: Sequence[str]) -> dict[str, Memory]: ...

    async def put_memories(self, tenant_id: str, user_id: str, memories: Sequence[Memory]) -> None: ...

    async def invalidate(self, tenant_id: str, user_id: str, ids: Sequence[str] | None = None) -> None:
        """Drop the given ids, or the whole user when ``ids`` is None."""
        ...

    async def take_token(self, bucket: str, rate_per_second: float, burst: int, now: float) -> float:
        """Take one token; return 0 when granted, else seconds until one is available."""
        ...

    async def close(self) -> None: ...


@runtime_checkable
class Extractor(Protocol):
    """Turns conversation turns into candidate memories."""

    name: str

    async def extract(self, messages: Sequence[Message]) -> list[ExtractedMemory]: ...


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Current time, timezone-aware UTC."""
        ...

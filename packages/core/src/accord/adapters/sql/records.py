"""Plain records passed between the engine and the SQL store, and row conversion."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.ports import IndexPoint
from accord.domain.models import Category, Memory, MemorySource, MemoryStatus, Scope, SourceKind


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
    said_at: dt.datetime | None = None  # when the source turn was said
    hint: Mapping[str, str] | None = None  # an LLM verdict for a case the rules cannot decide


def content_hash(text: str) -> str:
    """Hash of content with case and spacing folded: the key of "no duplicate active content"."""
    return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()


def encode_vector(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def decode_vector(raw: bytes | None) -> np.ndarray | None:
    return None if raw is None else np.frombuffer(raw, dtype=np.float32)


def memory_from_row(row: Mapping[str, Any]) -> Memory:
    """Build a ``Memory`` from a row we wrote ourselves.

    Rows were validated on the way in, so this skips re-validation (``model_construct``):
    hydrating search candidates is on the read path's hot loop.
    """
    source = MemorySource.model_construct(
        kind=SourceKind(row["source_kind"]),
        role=row["source_role"],
        session_id=row["session_id"],
        message_id=row["message_id"],
        job_id=row["job_id"],
    )
    return Memory.model_construct(
        id=row["id"],
        user_id=row["user_id"],
        content=row["content"],
        category=Category(row["category"]),
        attribute_key=row["attribute_key"],
        attribute_value=row["attribute_value"],
        scope=Scope(row["scope"]),
        importance_score=row["importance_score"],
        original_importance_score=row["original_importance_score"],
        confidence=row["confidence"],
        status=MemoryStatus(row["status"]),
        source=source,
        agent_id=row["agent_id"],
        trusted=bool(row["trusted"]),
        lineage_id=row["lineage_id"],
        previous_version_id=row["previous_version_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        last_accessed_at=row["last_accessed_at"],
        access_count=row["access_count"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        archived_at=row["archived_at"],
        metadata=dict(row["metadata"] or {}),
        relevance_score=None,
    )


def index_point_from_row(row: Mapping[str, Any]) -> IndexPoint:
    return IndexPoint(
        memory_id=row["id"],
        tenant_id=row["tenant_id"],
        user_id=row["user_id"],
        category=row["category"],
        status=row["status"],
        created_at=row["created_at"],
        text=row["index_text"],
        dense=decode_vector(row["embedding"]),
        agent_id=row["agent_id"],
        session_id=row["session_id"],
        embedding_model=row["embedding_model"],
    )


def memory_row(tenant_id: str, m: NewMemory, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": m.id,
        "tenant_id": tenant_id,
        "user_id": m.user_id,
        "lineage_id": m.lineage_id or m.id,
        "previous_version_id": m.previous_version_id,
        "content": m.content,
        "content_hash": m.content_hash,
        "index_text": m.index_text,
        "category": m.category,
        "attribute_key": m.attribute_key,
        "attribute_value": m.attribute_value,
        "exclusive": int(m.attribute_key is not None and m.scope == "user"),
        "scope": m.scope,
        "importance_score": m.importance,
        "original_importance_score": m.importance,
        "confidence": m.confidence,
        "status": m.status,
        "source_kind": m.source_kind,
        "source_role": m.source_role,
        "session_id": m.session_id,
        "message_id": m.message_id,
        "job_id": m.job_id,
        "agent_id": m.agent_id,
        "trusted": int(m.trusted),
        "created_at": now,
        "updated_at": now,
        "last_accessed_at": None,
        "access_count": 0,
        "valid_from": m.valid_from,
        "valid_to": m.valid_to,
        "archived_at": now if m.status == MemoryStatus.ARCHIVED.value else None,
        "decayed_at": None,
        "metadata": {
            **m.metadata,
            **({"negated": True} if m.negated else {}),
            **({"context": m.context} if m.context else {}),
        },
        "embedding": encode_vector(m.embedding),
        "embedding_model": m.embedding_model,
    }

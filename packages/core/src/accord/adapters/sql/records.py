"""Row conversion for the SQL store: records to rows, rows to models, vectors to bytes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from accord.domain.curation import MemoryState
from accord.domain.records import NewMemory
from accord.ports import IndexPoint
from accord.domain.models import Category, Memory, MemorySource, MemoryStatus, Scope, SourceKind


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


def memory_state_from_row(row: Mapping[str, Any]) -> MemoryState:
    """A memory row as curation plans see it."""
    return MemoryState(
        id=row["id"],
        user_id=row["user_id"],
        lineage_id=row["lineage_id"],
        content=row["content"],
        category=row["category"],
        status=row["status"],
        importance=row["importance_score"],
        created_at=row["created_at"],
        scope=row["scope"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        decayed_at=row["decayed_at"],
        last_accessed_at=row["last_accessed_at"],
        access_count=row["access_count"],
    )

"""What both Qdrant adapters store with a memory's point: the vector names and the payload.

One definition, so an index built by Qdrant Edge and one on a Qdrant server hold the same data
and a store can move from one to the other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.ports import IndexPoint

__all__ = ["DENSE", "SPARSE", "payload", "utc"]

DENSE = "dense"  # the named dense vector (cosine); absent when the index is lexical-only
SPARSE = "bm25"  # the sparse vector from accord.domain.lexical, with Qdrant's IDF


def utc(ts: dt.datetime) -> dt.datetime:
    """``ts`` in UTC. Accord's clock is UTC, so a naive value is taken as UTC."""
    if ts.tzinfo is None:
        return ts.replace(tzinfo=dt.UTC)
    return ts.astimezone(dt.UTC)


def payload(point: IndexPoint) -> dict[str, Any]:
    """The fields searches filter on (tenant, user, status, ...) and ``created_at`` in RFC 3339."""
    return {
        "memory_id": point.memory_id,
        "tenant_id": point.tenant_id,
        "user_id": point.user_id,
        "category": point.category,
        "status": point.status,
        "agent_id": point.agent_id,
        "session_id": point.session_id,
        "created_at": utc(point.created_at).isoformat(),
    }

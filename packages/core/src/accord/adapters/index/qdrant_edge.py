"""The embedded vector index: Qdrant Edge, in-process, one shard directory per data dir.

Each memory is one point whose id is the memory id (a UUID string), with a named dense vector
``dense`` (cosine; absent when the index is lexical-only) and a sparse vector ``bm25`` built by
:mod:`accord.domain.lexical`, whose IDF Qdrant applies (``Modifier.Idf``). Every read and write is
scoped by ``tenant_id`` in the filter, including writes by id.

Qdrant Edge is synchronous. Small calls (a search, an upsert of a few points) take well under a
millisecond, so they run inline on the event loop; big upserts and :meth:`optimize` run in a
worker thread. A shard directory has one owner: a second opener gets
:class:`~accord.DataDirLockedError`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from qdrant_edge import (
    CountRequest,
    Distance,
    EdgeConfig,
    EdgeShard,
    EdgeSparseVectorParams,
    EdgeVectorParams,
    FieldCondition,
    Filter,
    HasIdCondition,
    KeywordIndexParams,
    MatchAny,
    MatchValue,
    Modifier,
    PayloadSchemaType,
    Point,
    Query,
    QueryBatchRequest,
    QueryRequest,
    ScrollRequest,
    RangeDateTime,
    SparseVector,
    UpdateOperation,
)

from accord.adapters.index.points import DENSE, SPARSE, payload, utc
from accord.domain import lexical
from accord.errors import DataDirLockedError, DiskFullError, StorageError
from accord.ports import IndexHits, IndexPoint, IndexQuery

__all__ = ["QdrantEdgeIndex"]

log = logging.getLogger("accord.index")

# Writes stop below this much free space on the index's disk (see ``_check_space``).
MIN_FREE_BYTES = 32 * 2**20
_WRITES = frozenset({"upsert", "set status", "delete", "delete a user", "clear", "flush", "optimize"})

# Upserts above this many points run in a worker thread instead of on the event loop.
INLINE_UPSERT_LIMIT = 256

_T = TypeVar("_T")

_PAYLOAD_INDEXES: dict[str, Any] = {
    "tenant_id": KeywordIndexParams(is_tenant=True),
    "user_id": PayloadSchemaType.Keyword,
    "status": PayloadSchemaType.Keyword,
    "category": PayloadSchemaType.Keyword,
    "agent_id": PayloadSchemaType.Keyword,
    "created_at": PayloadSchemaType.Datetime,
}


def _match(key: str, value: str) -> FieldCondition:
    return FieldCondition(key=key, match=MatchValue(value))


def _search_filter(query: IndexQuery) -> Filter:
    must: list[Any] = [
        _match("tenant_id", query.tenant_id),
        FieldCondition(key="user_id", match=MatchAny(query.user_ids())),
        FieldCondition(key="status", match=MatchAny(list(query.statuses))),
    ]
    if query.categories is not None:
        must.append(FieldCondition(key="category", match=MatchAny(list(query.categories))))
    if query.agent_ids is not None:
        must.append(FieldCondition(key="agent_id", match=MatchAny(list(query.agent_ids))))
    if query.created_after is not None:
        must.append(FieldCondition(key="created_at", range=RangeDateTime(gt=utc(query.created_after).isoformat())))
    return Filter(must=must)


def _ids_filter(tenant_id: str, memory_ids: Sequence[str]) -> Filter:
    return Filter(must=[_match("tenant_id", tenant_id), HasIdCondition(set(memory_ids))])


def _stored_dim(path: Path) -> int | bool | None:
    """The dense size recorded in the shard's config; ``False`` when it cannot be read."""
    try:
        config = json.loads((path / "edge_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    dense = (config.get("vectors") or {}).get(DENSE)
    return int(dense["size"]) if dense else None


def _edge_error(e: Exception, path: Path, action: str) -> StorageError:
    message = str(e)
    if "WouldBlock" in message:
        return DataDirLockedError(
            f"the index at {path} is owned by another process (or another open index); "
            "run `accord serve` to share one data dir between several processes"
        )
    hint = "; run `accord reindex` to rebuild it" if "incompatible" in message else ""
    return StorageError(f"qdrant-edge failed to {action} at {path}: {message}{hint}")


class QdrantEdgeIndex:
    """A :class:`~accord.ports.VectorIndex` over an in-process Qdrant Edge shard.

    Args:
        path: The shard directory; created when missing.
        dim: Size of the dense vectors, or ``None`` for a lexical-only index.
        recreate: When the stored dense size differs from ``dim``, wipe the shard instead of
            raising (``accord reindex`` rebuilds it from SQL afterwards).

    Raises:
        DataDirLockedError: Another process or open index owns ``path``.
        StorageError: The shard was built for another dense size, or cannot be opened.
    """

    name = "qdrant_edge"

    def __init__(self, path: Path, dim: int | None, *, recreate: bool = False) -> None:
        self.path = Path(path)
        self.dim = dim
        self._shard: EdgeShard | None = self._open(recreate)

    def _config(self) -> EdgeConfig:
        vectors: dict[str, EdgeVectorParams] = {}
        if self.dim is not None:
            vectors[DENSE] = EdgeVectorParams(size=self.dim, distance=Distance.Cosine)
        sparse = {SPARSE: EdgeSparseVectorParams(modifier=Modifier.Idf)}
        return EdgeConfig(vectors=vectors, sparse_vectors=sparse)

    def _open(self, recreate: bool) -> EdgeShard:
        if (self.path / "segments").exists():
            stored = _stored_dim(self.path)
            if stored is not False and stored != self.dim:
                if not recreate:
                    raise StorageError(
                        f"the index at {self.path} holds dense vectors of size {stored}, but the embedder "
                        f"gives {self.dim}; run `accord reindex` to rebuild it"
                    )
                self._wipe()
        try:
            if (self.path / "segments").exists():
                shard = EdgeShard.load(str(self.path), self._config())
            else:
                shard = EdgeShard.create(str(self.path), self._config())
        except Exception as e:  # qdrant-edge raises bare Exception; converted right here
            raise _edge_error(e, self.path, "open the shard") from e
        try:
            existing = shard.info().payload_schema
            for field, schema in _PAYLOAD_INDEXES.items():
                if field not in existing:
                    shard.update(UpdateOperation.create_field_index(field, schema))
        except Exception as e:  # qdrant-edge raises bare Exception; converted right here
            shard.close()
            raise _edge_error(e, self.path, "create payload indexes") from e
        return shard

    def _wipe(self) -> None:
        # Take the lock first, so a shard another process owns is never deleted under it.
        try:
            EdgeShard.load(str(self.path)).close()
        except Exception as e:  # qdrant-edge raises bare Exception; converted right here
            raise _edge_error(e, self.path, "open the shard") from e
        shutil.rmtree(self.path)

    def _call(self, action: str, fn: Callable[[EdgeShard], _T]) -> _T:
        if self._shard is None:
            raise StorageError(f"the index at {self.path} is closed")
        if action in _WRITES:
            self._check_space(action)
        try:
            return fn(self._shard)
        except Exception as e:  # qdrant-edge raises bare Exception; converted right here
            raise _edge_error(e, self.path, action) from e

    def _point(self, point: IndexPoint) -> Point:
        vector: dict[str, Any] = {}
        if self.dim is not None and point.dense is not None:
            vector[DENSE] = point.dense
        indices, values = lexical.sparse_document(point.text)
        if indices:
            vector[SPARSE] = SparseVector(indices, values)
        return Point(id=point.memory_id, vector=vector, payload=payload(point))

    async def upsert(self, points: Sequence[IndexPoint]) -> None:
        """Insert or replace points by memory id (vectors and payload together)."""
        if not points:
            return
        if len(points) <= INLINE_UPSERT_LIMIT:
            self._upsert(points)
            return
        # qdrant-edge holds the GIL while it writes, so a worker thread alone would still stall
        # the event loop for the whole batch: write in chunks, yielding the loop between them.
        for start in range(0, len(points), INLINE_UPSERT_LIMIT):
            await asyncio.to_thread(self._upsert, points[start : start + INLINE_UPSERT_LIMIT])

    def _upsert(self, points: Sequence[IndexPoint]) -> None:
        operation = UpdateOperation.upsert_points([self._point(p) for p in points])
        self._call("upsert", lambda s: s.update(operation))

    async def set_status(self, tenant_id: str, memory_ids: Sequence[str], status: str) -> None:
        """Change the ``status`` payload only; vectors are untouched."""
        if memory_ids:
            scope = _ids_filter(tenant_id, memory_ids)
            operation = UpdateOperation.set_payload_by_filter(scope, {"status": status})
            self._call("set status", lambda s: s.update(operation))

    async def delete(self, tenant_id: str, memory_ids: Sequence[str]) -> None:
        if memory_ids:
            operation = UpdateOperation.delete_points_by_filter(_ids_filter(tenant_id, memory_ids))
            self._call("delete", lambda s: s.update(operation))

    async def delete_user(self, tenant_id: str, user_id: str) -> None:
        user = Filter(must=[_match("tenant_id", tenant_id), _match("user_id", user_id)])
        self._call("delete a user", lambda s: s.update(UpdateOperation.delete_points_by_filter(user)))

    async def search(self, query: IndexQuery) -> IndexHits:
        """Run the dense and the BM25 query (each only when it applies) under the same filter."""
        if query.limit <= 0 or not query.statuses:
            return IndexHits()
        flt = _search_filter(query)
        requests: list[tuple[str, QueryRequest]] = []
        if query.dense is not None and self.dim is not None:
            dense = np.asarray(query.dense, dtype=np.float32).tolist()
            nearest = Query.Nearest(dense, using=DENSE)
            requests.append((DENSE, QueryRequest(limit=query.limit, query=nearest, filter=flt)))
        indices, values = lexical.sparse_query(query.text, query.extra_terms)
        if indices:
            nearest = Query.Nearest(SparseVector(indices, values), using=SPARSE)
            requests.append((SPARSE, QueryRequest(limit=query.limit, query=nearest, filter=flt)))
        if not requests:
            return IndexHits()
        if len(requests) == 1:
            results = [self._call("search", lambda s: s.query(requests[0][1]))]
        else:
            batch = QueryBatchRequest([r for _, r in requests])
            results = self._call("search", lambda s: s.query_batch(batch))
        ranked = {
            kind: [(str(p.id), p.score) for p in scored]
            for (kind, _), scored in zip(requests, results, strict=True)
        }
        return IndexHits(dense=ranked.get(DENSE, []), lexical=ranked.get(SPARSE, []))

    async def count(self, tenant_id: str, user_id: str | None = None) -> int:
        must: list[Any] = [_match("tenant_id", tenant_id)]
        if user_id is not None:
            must.append(_match("user_id", user_id))
        request = CountRequest(exact=True, filter=Filter(must=must))
        return self._call("count", lambda s: s.count(request))

    async def point_ids(self, tenant_id: str) -> list[str]:
        """Every point id of a tenant, as stored (a repeat would be a duplicate point)."""
        out: list[str] = []
        offset: Any = None
        tenant = Filter(must=[_match("tenant_id", tenant_id)])
        while True:
            request = ScrollRequest(offset=offset, limit=1000, filter=tenant, with_payload=False, with_vector=False)
            points, offset = self._call("scroll", lambda s, r=request: s.scroll(r))
            out.extend(str(p.id) for p in points)
            if offset is None:
                return out

    def _check_space(self, action: str) -> None:
        # The shard writes through memory-mapped files: on a full disk (a full tmpfs above all)
        # a write into a mapped page kills the whole process with SIGBUS instead of failing.
        # So writes stop while little space is left; SQL keeps the data and the index is
        # rebuilt from it once there is room (the failed write marks it stale).
        try:
            free = shutil.disk_usage(self.path if self.path.exists() else self.path.parent).free
        except OSError:
            return
        if free < MIN_FREE_BYTES:
            raise DiskFullError(
                f"the index at {self.path} could not {action}: the disk is full "
                f"({free // 2**20} MB free, the index needs {MIN_FREE_BYTES // 2**20} MB); writes are refused until space is freed"
            )

    def _directory_gone(self) -> bool:
        # Someone removed the shard's files under the open shard: it still answers from the
        # unlinked files, but nothing written now survives a restart.
        return self._shard is not None and not (self.path / "segments").exists()

    async def probe(self) -> str | None:
        """None when the shard is open, its directory exists and it answers a count, else the error."""
        if self._directory_gone():
            return f"the index directory {self.path} is gone"
        try:
            self._call("count", lambda s: s.count(CountRequest(exact=False)))
        except StorageError as e:
            return str(e)
        return None

    async def dump_payloads(self) -> dict[str, dict[str, Any]]:
        """Every point's payload by memory id, across tenants: for audits and isolation tests."""
        out: dict[str, dict[str, Any]] = {}
        offset: Any = None
        while True:
            request = ScrollRequest(offset=offset, limit=1000, with_payload=True, with_vector=False)
            points, offset = self._call("scroll", lambda s, r=request: s.scroll(r))
            out.update({str(p.id): dict(p.payload) for p in points})
            if offset is None:
                return out

    async def clear(self) -> None:
        """Drop every point of every tenant (payload indexes and configuration stay); a shard
        whose directory is gone is opened anew in its place first."""
        if self._directory_gone():
            assert self._shard is not None
            try:
                self._shard.close()
            except Exception as e:  # qdrant-edge raises bare Exception; the old shard is dropped anyway
                log.warning("closing the shard whose directory is gone failed: %s", e)
            self._shard = None
            self._shard = self._open(recreate=False)
        self._call("clear", lambda s: s.update(UpdateOperation.delete_points_by_filter(Filter())))

    async def optimize(self) -> None:
        """Merge segments and build the HNSW index (tens of seconds per 100k points).

        It runs in a worker thread, but qdrant-edge 0.9 holds the GIL throughout, so the whole
        process stalls meanwhile: call it from maintenance (``accord reindex``), not per request.
        Searches do not need it: filtered brute force over one user's points is fast.
        """
        await asyncio.to_thread(self._call, "optimize", lambda s: s.optimize())

    async def close(self) -> None:
        """Flush to disk and release the shard; closing twice is harmless."""
        shard, self._shard = self._shard, None
        if shard is None:
            return
        try:
            shard.flush()
        except Exception as e:  # qdrant-edge raises bare Exception; converted right here
            raise _edge_error(e, self.path, "flush") from e
        finally:
            shard.close()

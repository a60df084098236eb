"""The shared vector index: a Qdrant server (or cluster) through ``qdrant-client``.

Same data model as :mod:`accord.adapters.index.qdrant_edge`: one point per memory, id = memory id, a
named dense vector ``dense`` (cosine, absent when lexical-only) and a sparse ``bm25`` vector
from :mod:`accord.domain.lexical` with server-side IDF (``Modifier.IDF``). Every read and write is
scoped by ``tenant_id``. ``path=`` / ``location=":memory:"`` select qdrant-client's local mode,
which is meant for tests and small data (it filters point by point in Python).

Needs the ``qdrant-server`` extra: ``pip install 'accord[qdrant-server]'``. qdrant-client takes
about half a second to import, so it is imported when an index is built, not with this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from accord.adapters.index.points import DENSE, SPARSE, payload, utc
from accord.domain import lexical
from accord.errors import DataDirLockedError, StorageError
from accord.ports import IndexHits, IndexPoint, IndexQuery

if TYPE_CHECKING:
    from qdrant_client import AsyncQdrantClient
    from qdrant_client.http import models

__all__ = ["QdrantServerIndex"]

UPSERT_BATCH = 512
_INSTALL = "QdrantServerIndex needs qdrant-client: pip install 'accord[qdrant-server]'"


def _client_errors() -> tuple[type[BaseException], ...]:
    """What qdrant-client raises for a failed call: HTTP, gRPC, and local mode's plain errors."""
    import httpx
    from qdrant_client.http.exceptions import ApiException

    found: list[type[BaseException]] = [ApiException, httpx.HTTPError, OSError, ValueError, RuntimeError]
    try:
        import grpc  # type: ignore[import-untyped]

        found.append(grpc.RpcError)
    except ImportError:
        pass
    return tuple(found)


def _point(point: IndexPoint, dim: int | None) -> models.PointStruct:
    from qdrant_client.http import models

    vector: dict[str, Any] = {}
    if dim is not None and point.dense is not None:
        vector[DENSE] = np.asarray(point.dense, dtype=np.float32).tolist()
    indices, values = lexical.sparse_document(point.text)
    if indices:
        vector[SPARSE] = models.SparseVector(indices=indices, values=values)
    return models.PointStruct(id=point.memory_id, vector=vector, payload=payload(point))


def _match(key: str, value: str | Sequence[str]) -> models.FieldCondition:
    from qdrant_client.http import models

    if isinstance(value, str):
        return models.FieldCondition(key=key, match=models.MatchValue(value=value))
    return models.FieldCondition(key=key, match=models.MatchAny(any=list(value)))


def _filter(tenant_id: str, *conditions: Any) -> models.Filter:
    from qdrant_client.http import models

    return models.Filter(must=[_match("tenant_id", tenant_id), *conditions])


def _ids_filter(tenant_id: str, memory_ids: Sequence[str]) -> models.Filter:
    from qdrant_client.http import models

    return _filter(tenant_id, models.HasIdCondition(has_id=list(memory_ids)))


def _search_filter(query: IndexQuery) -> models.Filter:
    from qdrant_client.http import models

    conditions: list[Any] = [_match("user_id", query.user_ids()), _match("status", query.statuses)]
    if query.categories is not None:
        conditions.append(_match("category", query.categories))
    if query.agent_ids is not None:
        conditions.append(_match("agent_id", query.agent_ids))
    if query.created_after is not None:
        after = models.DatetimeRange(gt=utc(query.created_after))
        conditions.append(models.FieldCondition(key="created_at", range=after))
    return _filter(query.tenant_id, *conditions)


class QdrantServerIndex:
    """A :class:`~accord.ports.VectorIndex` over a Qdrant server, or qdrant-client's local mode.

    Args:
        url: Server URL, e.g. ``http://localhost:6333``.
        api_key: Server API key, if any.
        path: Directory for local mode (persisted, single process).
        location: ``":memory:"`` for throwaway local mode.
        collection: Collection name; created on first use.
        dim: Size of the dense vectors, or ``None`` for a lexical-only index.

    Raises:
        ImportError: qdrant-client is not installed.
        DataDirLockedError: Another process owns the local-mode ``path``.
        StorageError: (from any method) the server or local store failed; a collection built
            for another dense size asks for ``accord reindex``.
    """

    name = "qdrant_server"

    def __init__(
        self,
        url: str | None = None,
        *,
        api_key: str | None = None,
        path: Path | str | None = None,
        location: str | None = None,
        collection: str = "accord_memories",
        dim: int | None = None,
    ) -> None:
        if sum(x is not None for x in (url, path, location)) != 1:
            raise ValueError("QdrantServerIndex: pass exactly one of url=, path= or location=")
        try:
            from qdrant_client import AsyncQdrantClient
        except ImportError as e:
            raise ImportError(_INSTALL) from e
        self.collection = collection
        self.dim = dim
        self.local = url is None
        self._where = url or str(path or location)
        self._errors = _client_errors()
        self._ready = False
        try:
            self._client: AsyncQdrantClient = AsyncQdrantClient(
                url=url, api_key=api_key, path=None if path is None else str(path), location=location
            )
        except RuntimeError as e:  # local mode: portalocker on the storage folder
            if "already accessed" in str(e):
                raise DataDirLockedError(
                    f"the index at {path} is owned by another process; "
                    "run `accord serve` to share one data dir between several processes"
                ) from e
            raise StorageError(f"cannot open qdrant at {self._where}: {e}") from e

    @asynccontextmanager
    async def _boundary(self, action: str) -> AsyncIterator[None]:
        try:
            yield
        except self._errors as e:
            raise StorageError(f"qdrant at {self._where} failed to {action}: {e}") from e

    async def _ensure_collection(self) -> None:
        if self._ready:
            return
        from qdrant_client.http import models

        async with self._boundary("prepare the collection"):
            if await self._client.collection_exists(self.collection):
                await self._check_dim()
            else:
                vectors: dict[str, models.VectorParams] = {}
                if self.dim is not None:
                    vectors[DENSE] = models.VectorParams(size=self.dim, distance=models.Distance.COSINE)
                await self._client.create_collection(
                    self.collection,
                    vectors_config=vectors,
                    sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
                )
                if not self.local:  # local mode ignores payload indexes (and warns)
                    await self._create_payload_indexes()
        self._ready = True

    async def _check_dim(self) -> None:
        info = await self._client.get_collection(self.collection)
        vectors = info.config.params.vectors
        stored = vectors[DENSE].size if isinstance(vectors, dict) and DENSE in vectors else None
        if stored != self.dim:
            raise StorageError(
                f"the collection {self.collection!r} at {self._where} holds dense vectors of size "
                f"{stored}, but the embedder gives {self.dim}; run `accord reindex` to rebuild it"
            )

    async def _create_payload_indexes(self) -> None:
        from qdrant_client.http import models

        keyword = models.PayloadSchemaType.KEYWORD
        schemas: dict[str, models.PayloadSchemaType | models.KeywordIndexParams] = {
            "tenant_id": models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True),
            "user_id": keyword,
            "status": keyword,
            "category": keyword,
            "agent_id": keyword,
            "created_at": models.PayloadSchemaType.DATETIME,
        }
        for field, schema in schemas.items():
            await self._client.create_payload_index(self.collection, field, field_schema=schema)

    async def upsert(self, points: Sequence[IndexPoint]) -> None:
        """Insert or replace points by memory id (vectors and payload together)."""
        if not points:
            return
        await self._ensure_collection()
        async with self._boundary("upsert"):
            for start in range(0, len(points), UPSERT_BATCH):
                batch = [_point(p, self.dim) for p in points[start : start + UPSERT_BATCH]]
                await self._client.upsert(self.collection, batch, wait=True)

    async def set_status(self, tenant_id: str, memory_ids: Sequence[str], status: str) -> None:
        """Change the ``status`` payload only; vectors are untouched."""
        if not memory_ids:
            return
        await self._ensure_collection()
        async with self._boundary("set status"):
            scope = _ids_filter(tenant_id, memory_ids)
            await self._client.set_payload(self.collection, {"status": status}, scope, wait=True)

    async def delete(self, tenant_id: str, memory_ids: Sequence[str]) -> None:
        if not memory_ids:
            return
        await self._ensure_collection()
        async with self._boundary("delete"):
            await self._client.delete(self.collection, _ids_filter(tenant_id, memory_ids), wait=True)

    async def delete_user(self, tenant_id: str, user_id: str) -> None:
        await self._ensure_collection()
        async with self._boundary("delete a user"):
            scope = _filter(tenant_id, _match("user_id", user_id))
            await self._client.delete(self.collection, scope, wait=True)

    async def search(self, query: IndexQuery) -> IndexHits:
        """Run the dense and the BM25 query (each only when it applies) under the same filter."""
        if query.limit <= 0 or not query.statuses:
            return IndexHits()
        await self._ensure_collection()
        from qdrant_client.http import models

        flt = _search_filter(query)
        requests: list[tuple[str, models.QueryRequest]] = []
        if query.dense is not None and self.dim is not None:
            dense = np.asarray(query.dense, dtype=np.float32).tolist()
            request = models.QueryRequest(query=dense, using=DENSE, filter=flt, limit=query.limit)
            requests.append((DENSE, request))
        indices, values = lexical.sparse_query(query.text, query.extra_terms)
        if indices:
            sparse = models.SparseVector(indices=indices, values=values)
            request = models.QueryRequest(query=sparse, using=SPARSE, filter=flt, limit=query.limit)
            requests.append((SPARSE, request))
        if not requests:
            return IndexHits()
        async with self._boundary("search"):
            responses = await self._client.query_batch_points(self.collection, [r for _, r in requests])
        ranked = {
            kind: [(str(p.id), p.score) for p in response.points]
            for (kind, _), response in zip(requests, responses, strict=True)
        }
        return IndexHits(dense=ranked.get(DENSE, []), lexical=ranked.get(SPARSE, []))

    async def count(self, tenant_id: str, user_id: str | None = None) -> int:
        await self._ensure_collection()
        scope = _filter(tenant_id) if user_id is None else _filter(tenant_id, _match("user_id", user_id))
        async with self._boundary("count"):
            result = await self._client.count(self.collection, count_filter=scope, exact=True)
        return result.count

    async def probe(self) -> str | None:
        """Ask the server now (does the collection exist): None when it answers, else the error."""
        try:
            async with self._boundary("answer"):
                await self._client.collection_exists(self.collection)
        except StorageError as e:
            return str(e)
        return None

    async def point_ids(self, tenant_id: str) -> list[str]:
        """Every point id of a tenant, as stored (a repeat would be a duplicate point)."""
        await self._ensure_collection()
        out: list[str] = []
        offset: Any = None
        while True:
            async with self._boundary("scroll"):
                points, offset = await self._client.scroll(
                    self.collection, scroll_filter=_filter(tenant_id), limit=1000, offset=offset,
                    with_payload=False, with_vectors=False,
                )
            out.extend(str(p.id) for p in points)
            if offset is None:
                return out

    async def clear(self) -> None:
        """Drop every point by recreating the collection, with the current ``dim``."""
        async with self._boundary("clear"):
            if await self._client.collection_exists(self.collection):
                await self._client.delete_collection(self.collection)
        self._ready = False
        await self._ensure_collection()

    async def close(self) -> None:
        async with self._boundary("close"):
            await self._client.close()

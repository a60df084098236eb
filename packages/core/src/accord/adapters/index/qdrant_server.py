"""The shared vector index: a Qdrant server (or cluster) through ``qdrant-client``.

Same data model as :mod:`accord.adapters.index.qdrant_edge`: one point per memory, id = memory id, a
named dense vector ``dense`` (cosine, absent when lexical-only) and a sparse ``bm25`` vector
from :mod:`accord.domain.lexical` with server-side IDF (``Modifier.IDF``). Every read and write is
scoped by ``tenant_id`` and every search by ``user_id`` too, as Qdrant documents for
multitenancy: on a server the collection gets a ``tenant_id`` keyword index with
``is_tenant=True`` (Qdrant then lays out each tenant's points together and plans its filtered
searches per tenant) and indexes on the other filtered fields. Custom sharding, batched
writes with their ``wait`` semantics and reconnection are set by :class:`QdrantOptions`
(:mod:`accord.adapters.index.qdrant_calls`).

``path=`` / ``location=":memory:"`` select qdrant-client's local mode, which is meant for
tests and small data (it filters point by point in Python, and has no payload indexes and
no shards: the options that need a server are not sent to it).

Needs the ``qdrant-server`` extra: ``pip install 'accord[qdrant-server]'``. qdrant-client takes
about half a second to import, so it is imported when an index is built, not with this module.
"""

from __future__ import annotations

import dataclasses

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from accord.adapters.index.points import DENSE, SPARSE, payload, utc
from accord.adapters.index.qdrant_calls import QdrantOptions, call_with_retries, client_errors
from accord.domain import lexical
from accord.errors import DataDirLockedError, StorageError
from accord.ports import IndexHits, IndexPoint, IndexQuery

if TYPE_CHECKING:
    from qdrant_client import AsyncQdrantClient
    from qdrant_client.http import models

__all__ = ["QdrantOptions", "QdrantServerIndex"]

T = TypeVar("T")
_INSTALL = "QdrantServerIndex needs qdrant-client: pip install 'accord[qdrant-server]'"


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
        options: Sharding, write semantics and retries (:class:`QdrantOptions`).

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
        options: QdrantOptions | None = None,
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
        self.options = options or QdrantOptions()
        self._where = url or str(path or location)
        self._errors = client_errors()
        self._ready = False
        self._shards_made: set[str] = set()
        timeout = {} if self.options.timeout_seconds is None else {"timeout": self.options.timeout_seconds}
        try:
            self._client: AsyncQdrantClient = AsyncQdrantClient(
                url=url, api_key=api_key, path=None if path is None else str(path), location=location, **timeout
            )
        except RuntimeError as e:  # local mode: portalocker on the storage folder
            if "already accessed" in str(e):
                raise DataDirLockedError(
                    f"the index at {path} is owned by another process; "
                    "run `accord serve` to share one data dir between several processes"
                ) from e
            raise StorageError(f"cannot open qdrant at {self._where}: {e}") from e

    async def _call(self, what: str, fn: Callable[[], Awaitable[T]]) -> T:
        return await call_with_retries(fn, what=what, where=self._where, options=self.options, errors=self._errors)

    def _writes(self) -> dict[str, Any]:
        """The keyword arguments of every write: wait and, on a server, the write ordering."""
        from qdrant_client.http import models

        kw: dict[str, Any] = {"wait": self.options.wait}
        if self.options.write_ordering is not None and not self.local:
            kw["ordering"] = models.WriteOrdering(self.options.write_ordering)
        return kw

    async def _shard(self, tenant_id: str) -> dict[str, Any]:
        """``shard_key_selector`` for a tenant's requests; creates its shard key on first use."""
        key = None if self.local else self.options.shard_key(tenant_id)
        if key is None:
            return {}
        if key not in self._shards_made:
            await self._call("create the shard key", lambda: self._create_shard_key(key))
            self._shards_made.add(key)
        return {"shard_key_selector": key}

    async def _create_shard_key(self, key: str) -> None:
        from qdrant_client.http.exceptions import UnexpectedResponse

        try:
            kw = {"shards_number": self.options.shard_number, "replication_factor": self.options.replication_factor}
            await self._client.create_shard_key(self.collection, key, **{k: v for k, v in kw.items() if v is not None})
        except UnexpectedResponse as e:
            # Another replica created it first (or an earlier run did): that is the goal.
            if e.status_code != 400 or b"already exists" not in (e.content or b""):
                raise

    async def _ensure_collection(self) -> None:
        if self._ready:
            return
        await self._call("prepare the collection", self._prepare_collection)
        self._ready = True

    async def _prepare_collection(self) -> None:
        from qdrant_client.http import models
        from qdrant_client.http.exceptions import UnexpectedResponse

        if await self._client.collection_exists(self.collection):
            await self._check_dim()
            return
        vectors: dict[str, models.VectorParams] = {}
        if self.dim is not None:
            vectors[DENSE] = models.VectorParams(size=self.dim, distance=models.Distance.COSINE)
        layout: dict[str, Any] = {}
        if not self.local:  # local mode has neither shards nor replicas
            layout = {
                "sharding_method": models.ShardingMethod.CUSTOM if self.options.sharded else None,
                "shard_number": None if self.options.sharded else self.options.shard_number,
                "replication_factor": self.options.replication_factor,
            }
        try:
            await self._client.create_collection(
                self.collection,
                vectors_config=vectors,
                sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
                **{k: v for k, v in layout.items() if v is not None},
            )
        except UnexpectedResponse as e:
            # Another replica created it between our check and our create: use theirs.
            if e.status_code not in (400, 409) or b"already exists" not in (e.content or b""):
                raise
            await self._check_dim()
            return
        if not self.local:  # local mode ignores payload indexes (and warns)
            await self._create_payload_indexes()

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
            # is_tenant: Qdrant stores each tenant's points together and plans per tenant.
            "tenant_id": models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True),
            "user_id": keyword,
            "status": keyword,
            "category": keyword,
            "agent_id": keyword,
            "created_at": models.PayloadSchemaType.DATETIME,
        }
        for name, schema in schemas.items():
            await self._client.create_payload_index(self.collection, name, field_schema=schema, wait=True)

    async def upsert(self, points: Sequence[IndexPoint]) -> None:
        """Insert or replace points by memory id (vectors and payload together).

        Sent in batches of ``options.upsert_batch`` points, one tenant's points per request
        (a request goes to one shard key); returns when every batch is accepted (``wait``).
        """
        if not points:
            return
        await self._ensure_collection()
        by_tenant: dict[str, list[IndexPoint]] = {}
        for p in points:
            by_tenant.setdefault(p.tenant_id, []).append(p)
        size = self.options.upsert_batch
        for tenant_id, group in by_tenant.items():
            shard = await self._shard(tenant_id)
            for start in range(0, len(group), size):
                batch = [_point(p, self.dim) for p in group[start : start + size]]
                await self._call("upsert", lambda b=batch: self._client.upsert(self.collection, b, **self._writes(), **shard))

    async def set_status(self, tenant_id: str, memory_ids: Sequence[str], status: str) -> None:
        """Change the ``status`` payload only; vectors are untouched."""
        if not memory_ids:
            return
        await self._ensure_collection()
        scope, shard = _ids_filter(tenant_id, memory_ids), await self._shard(tenant_id)
        await self._call(
            "set status",
            lambda: self._client.set_payload(self.collection, {"status": status}, scope, **self._writes(), **shard),
        )

    async def delete(self, tenant_id: str, memory_ids: Sequence[str]) -> None:
        if not memory_ids:
            return
        await self._ensure_collection()
        scope, shard = _ids_filter(tenant_id, memory_ids), await self._shard(tenant_id)
        await self._call("delete", lambda: self._client.delete(self.collection, scope, **self._writes(), **shard))

    async def delete_user(self, tenant_id: str, user_id: str) -> None:
        await self._ensure_collection()
        scope, shard = _filter(tenant_id, _match("user_id", user_id)), await self._shard(tenant_id)
        await self._call("delete a user", lambda: self._client.delete(self.collection, scope, **self._writes(), **shard))

    async def search(self, query: IndexQuery) -> IndexHits:
        """Run the dense and the BM25 query (each only when it applies) under the same filter."""
        if query.limit <= 0 or not query.statuses:
            return IndexHits()
        await self._ensure_collection()
        from qdrant_client.http import models

        flt = _search_filter(query)
        shard_key = (await self._shard(query.tenant_id)).get("shard_key_selector")
        requests: list[tuple[str, models.QueryRequest]] = []
        if query.dense is not None and self.dim is not None:
            dense = np.asarray(query.dense, dtype=np.float32).tolist()
            request = models.QueryRequest(query=dense, using=DENSE, filter=flt, limit=query.limit, shard_key=shard_key)
            requests.append((DENSE, request))
        indices, values = lexical.sparse_query(query.text, query.extra_terms)
        if indices:
            sparse = models.SparseVector(indices=indices, values=values)
            request = models.QueryRequest(query=sparse, using=SPARSE, filter=flt, limit=query.limit, shard_key=shard_key)
            requests.append((SPARSE, request))
        if not requests:
            return IndexHits()
        responses = await self._call(
            "search", lambda: self._client.query_batch_points(self.collection, [r for _, r in requests])
        )
        ranked = {
            kind: [(str(p.id), p.score) for p in response.points]
            for (kind, _), response in zip(requests, responses, strict=True)
        }
        return IndexHits(dense=ranked.get(DENSE, []), lexical=ranked.get(SPARSE, []))

    async def count(self, tenant_id: str, user_id: str | None = None) -> int:
        await self._ensure_collection()
        scope = _filter(tenant_id) if user_id is None else _filter(tenant_id, _match("user_id", user_id))
        shard = await self._shard(tenant_id)
        result = await self._call(
            "count", lambda: self._client.count(self.collection, count_filter=scope, exact=True, **shard)
        )
        return result.count

    async def probe(self) -> str | None:
        """Ask the server now (does the collection exist): None when it answers, else the error."""
        try:
            # One attempt: a health check reports how the server is now, it does not wait for it.
            await call_with_retries(
                lambda: self._client.collection_exists(self.collection),
                what="answer",
                where=self._where,
                options=dataclasses.replace(self.options, retries=0),
                errors=self._errors,
            )
        except StorageError as e:
            return str(e)
        return None

    async def point_ids(self, tenant_id: str) -> list[str]:
        """Every point id of a tenant, as stored (a repeat would be a duplicate point)."""
        await self._ensure_collection()
        out: list[str] = []
        offset: Any = None
        while True:
            page = offset
            points, offset = await self._call(
                "scroll",
                lambda: self._client.scroll(
                    self.collection, scroll_filter=_filter(tenant_id), limit=1000, offset=page,
                    with_payload=False, with_vectors=False,
                ),
            )
            out.extend(str(p.id) for p in points)
            if offset is None:
                return out

    async def clear(self) -> None:
        """Drop every point by recreating the collection, with the current ``dim``."""

        async def drop() -> None:
            if await self._client.collection_exists(self.collection):
                await self._client.delete_collection(self.collection)

        await self._call("clear", drop)
        self._ready = False
        self._shards_made.clear()
        await self._ensure_collection()

    async def close(self) -> None:
        try:
            await self._client.close()
        except self._errors as e:
            raise StorageError(f"qdrant at {self._where} failed to close: {e}") from e

"""How :class:`~accord.adapters.index.qdrant_server.QdrantServerIndex` talks to a Qdrant server:
its options, which failures are worth another attempt, and which shard a tenant lives on.

Reconnection: qdrant-client keeps a pool of HTTP (or gRPC) connections. When the server
restarts or a load balancer drops an idle connection, the next request fails at the transport
(``ResponseHandlingException``) or gets a 502/503/504 from a proxy. Every operation the index
sends is idempotent (upserts and deletes by id, payload sets), so such a failure is retried
on a fresh connection, ``retries`` more times with exponential backoff; any other error, or
the last transient one, becomes a ``StorageError`` naming the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

from accord.errors import StorageError

__all__ = ["QdrantOptions", "call_with_retries", "client_errors", "is_transient"]

T = TypeVar("T")
# Statuses a proxy or a restarting node answers with; the request did not reach a shard.
_TRANSIENT_STATUS = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class QdrantOptions:
    """Production knobs of the server adapter (``ACCORD_QDRANT_*``; see the README).

    ``wait``: with ``True`` (the default) a write returns once Qdrant has applied it, so a
    ``get`` right after the job finds the memory; with ``False`` it returns once the server
    has written it to its WAL (durable, but searchable a moment later), which is faster for
    bulk loads and ``accord reindex``. SQL stays the source of truth either way.

    ``write_ordering``: Qdrant's ordering across replicas (``weak``, ``medium``, ``strong``);
    ``None`` leaves the server's default (weak).

    ``shard_keys``: custom sharding. ``None`` keeps Qdrant's automatic sharding (every tenant
    on every shard, found by the ``is_tenant`` payload index). A mapping puts the tenants it
    names on their own shard key (dedicated shards for large tenants) and every other tenant
    on ``default_shard_key``; each request then goes only to its tenant's shard.
    """

    wait: bool = True
    upsert_batch: int = 256
    write_ordering: Literal["weak", "medium", "strong"] | None = None
    shard_keys: Mapping[str, str] | None = None
    default_shard_key: str = "shared"
    shard_number: int | None = None
    replication_factor: int | None = None
    retries: int = 3
    backoff_seconds: float = 0.2
    timeout_seconds: int | None = None

    def __post_init__(self) -> None:
        if self.upsert_batch < 1:
            raise ValueError("qdrant_upsert_batch: must be at least 1")
        if self.retries < 0:
            raise ValueError("qdrant_retries: must be 0 or more")

    @property
    def sharded(self) -> bool:
        return self.shard_keys is not None

    def shard_key(self, tenant_id: str) -> str | None:
        """The shard key a tenant's points live under (None without custom sharding)."""
        if self.shard_keys is None:
            return None
        return self.shard_keys.get(tenant_id, self.default_shard_key)


def client_errors() -> tuple[type[BaseException], ...]:
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


def is_transient(error: BaseException) -> bool:
    """A failure of the connection, not of the request: worth a retry on a new connection."""
    import httpx
    from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

    if isinstance(error, (ResponseHandlingException, httpx.TransportError, ConnectionError)):
        return True
    if isinstance(error, UnexpectedResponse):
        return error.status_code in _TRANSIENT_STATUS
    try:
        import grpc

        if isinstance(error, grpc.RpcError):
            return error.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)  # type: ignore[attr-defined]
    except ImportError:
        pass
    return False


async def call_with_retries(
    fn: Callable[[], Awaitable[T]],
    *,
    what: str,
    where: str,
    options: QdrantOptions,
    errors: tuple[type[BaseException], ...],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run ``fn``; retry transient failures (see the module doc); raise ``StorageError``."""
    attempts = options.retries + 1
    for attempt in range(attempts):
        try:
            return await fn()
        except errors as e:
            if not is_transient(e) or attempt == attempts - 1:
                tried = f" after {attempt + 1} attempts" if attempt else ""
                raise StorageError(f"qdrant at {where} failed to {what}{tried}: {e}") from e
        await sleep(options.backoff_seconds * (2**attempt))
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

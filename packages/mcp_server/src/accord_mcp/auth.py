"""Who a tool call runs as.

Over HTTP every request carries an agent key as a bearer token. The SDK asks
:class:`AgentKeyVerifier` to verify it (a bad key: HTTP 401) and puts the verified token in
a context variable for the request; the tool then runs on the engine view of that key
(:meth:`Caller.engine`), so two agents on one server each get their own grants. Over stdio
(and over HTTP with auth off, loopback only) the key comes from the settings, and without one
the embedded engine acts as its local owner.

Verified views are cached for a few seconds (``auth_cache_seconds``) so a request does not
check its key twice; a revoked key stops working once its entry expires. Grants and consent
are not cached: the engine re-reads them on every call.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from accord import PermissionDeniedError, StorageError
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.mcpserver.exceptions import ToolError

from accord_mcp.engine import MemoryEngine

__all__ = ["SCOPE", "AgentKeyVerifier", "AgentViews", "Caller"]

log = logging.getLogger("accord_mcp.auth")

SCOPE = "accord:memory"


class AgentViews:
    """Engine views per key, verified by the engine (or, in remote mode, by ``accord serve``).

    Args:
        engine: the embedded engine or the remote client.
        ttl_seconds: how long a verified view is reused; 0 verifies on every call.
        max_entries: the cache's size bound (expired entries go first, then the oldest).
        clock: monotonic seconds (tests pass a fake).
    """

    def __init__(
        self,
        engine: MemoryEngine,
        *,
        ttl_seconds: float = 5.0,
        max_entries: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._cache: dict[bytes, tuple[MemoryEngine, float]] = {}

    async def view(self, key: str) -> MemoryEngine:
        """The engine acting as ``key``'s agent (or user).

        Raises:
            PermissionDeniedError: the key is invalid, expired or revoked.
            StorageError: in remote mode, the server cannot be reached.
        """
        digest = hashlib.sha256(key.encode()).digest()  # the cache never holds the key itself
        now = self._clock()
        hit = self._cache.get(digest)
        if hit is not None and hit[1] > now:
            return hit[0]
        self._cache.pop(digest, None)
        view = await self._engine.for_key(key)
        if self._ttl > 0:
            self._store(digest, view, now)
        return view

    def _store(self, digest: bytes, view: MemoryEngine, now: float) -> None:
        if len(self._cache) >= self._max:
            for stale in [d for d, (_, until) in self._cache.items() if until <= now]:
                del self._cache[stale]
            while len(self._cache) >= self._max:
                del self._cache[next(iter(self._cache))]
        self._cache[digest] = (view, now + self._ttl)


class AgentKeyVerifier:
    """The SDK's ``TokenVerifier``: a bearer token is valid when it is a live Accord key."""

    def __init__(self, views: AgentViews) -> None:
        self._views = views

    async def verify_token(self, token: str) -> AccessToken | None:
        """An ``AccessToken`` naming the key's agent, or None (HTTP 401) for a bad key."""
        try:
            view = await self._views.view(token)
        except PermissionDeniedError:
            return None
        except StorageError as e:
            log.warning("cannot verify a key: %s", e)
            return None
        p = view.principal
        client_id = p.agent_id if p.agent_id is not None else f"user:{p.user_id}"
        return AccessToken(
            token=token,
            client_id=f"{p.tenant_id}/{client_id}",
            scopes=[SCOPE],
            subject=client_id,
            claims={"tenant_id": p.tenant_id, "role": p.role},
        )


class Caller:
    """Resolves, per tool call, the engine view and the user a call acts for.

    Args:
        engine: the embedded engine or the remote client (the owner when nobody else).
        views: verified views per key.
        default_key: the key a call without a bearer token acts as (stdio, or HTTP with auth off).
        default_user: the user a call without ``user_id`` acts for.
    """

    def __init__(
        self, engine: MemoryEngine, views: AgentViews, *, default_key: str | None, default_user: str | None
    ) -> None:
        self._engine = engine
        self._views = views
        self._default_key = default_key
        self._default_user = default_user

    async def engine(self) -> MemoryEngine:
        """The engine acting as this request's key (bearer token, configured key, or the owner).

        Raises:
            PermissionDeniedError: the key has been revoked since the request was verified.
        """
        token = get_access_token()
        key = token.token if token is not None else self._default_key
        return self._engine if key is None else await self._views.view(key)

    def user_id(self, given: str | None, engine: MemoryEngine) -> str:
        """``given``, else the configured default user, else a user token's own user.

        Raises:
            ToolError: no user id given and no default to fall back on.
        """
        if given is not None:
            return given
        if self._default_user is not None:
            return self._default_user
        principal = engine.principal
        if principal.role == "user" and principal.user_id is not None:
            return principal.user_id
        raise ToolError("invalid input: user_id: required (no default user is configured: set ACCORD_MCP_USER_ID)")

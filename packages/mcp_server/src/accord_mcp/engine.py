"""The engine interface the MCP server needs, and how the command line opens one.

Both :class:`accord.AsyncAccord` (embedded) and ``accord.remote.sync.AsyncRemoteAccord`` (a client
of ``accord serve``) satisfy :class:`MemoryEngine`, so the server takes either.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Protocol

from accord import AccordSettings, AsyncAccord

from accord_mcp.settings import McpSettings

if TYPE_CHECKING:
    from accord import AddResult, Conflict, ContextResult, Memory, MemoryVersion
    from accord.engine.components import Principal
    from accord.domain.models import ContextFormat

__all__ = ["MemoryEngine", "open_engine"]


class MemoryEngine(Protocol):
    """The part of the engine interface the tools use (a subset of :class:`accord.AsyncAccord`)."""

    @property
    def principal(self) -> Principal: ...

    async def for_key(self, key: str) -> MemoryEngine: ...

    async def add(
        self,
        messages: Any,
        user_id: str,
        *,
        session_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        wait: bool = False,
        timeout: float = 60.0,
    ) -> AddResult: ...

    async def get(
        self,
        query: str,
        user_id: str,
        *,
        limit: int = 10,
        categories: list[str] | None = None,
        format: ContextFormat = "bullets",
        context_max_tokens: int = 500,
    ) -> ContextResult: ...

    async def list_memories(
        self,
        user_id: str,
        *,
        categories: list[str] | None = None,
        include_archived: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Memory]: ...

    async def history(self, memory_id: str) -> list[MemoryVersion]: ...

    async def delete_memory(self, memory_id: str) -> Memory: ...

    async def resolve(self, conflict_id: str, answer: str | int) -> Conflict: ...


# A remote client must be built with some key; over HTTP with per-request auth it is only
# ever used through ``for_key(<the request's key>)``, so this placeholder never authenticates.
_NO_KEY = "unset"


@contextlib.asynccontextmanager
async def open_engine(settings: McpSettings, engine_settings: AccordSettings | None = None) -> AsyncIterator[MemoryEngine]:
    """Open the engine ``settings.mode`` asks for; close it on exit.

    Args:
        settings: the MCP server's settings (mode, remote URL, key).
        engine_settings: the embedded engine's settings; default: read from ``ACCORD_*``.

    Yields:
        An embedded :class:`accord.AsyncAccord` owning the data dir, or a started remote client.

    Raises:
        accord.AccordError: the data dir is owned by another process, the server is
            unreachable, or the key is refused.
    """
    if settings.mode == "remote":
        try:
            from accord.remote.sync import connect_async  # the remote client needs httpx: imported only here
        except ImportError as e:  # pragma: no cover - depends on the installed packages
            raise ImportError(f"{e}: remote mode needs Accord's remote client and httpx (pip install httpx)") from e

        assert settings.remote_url is not None  # McpSettings.check() guarantees it
        key = settings.key()
        async with contextlib.AsyncExitStack() as stack:
            client = connect_async(settings.remote_url, key or _NO_KEY)
            stack.push_async_callback(client.close)
            if key is not None:
                await client.start()  # check the key now, not at the first tool call
            yield client
        return
    async with AsyncAccord(engine_settings if engine_settings is not None else AccordSettings()) as engine:
        key = settings.key()
        if key is not None:
            await engine.authenticate(key)  # fail at start-up on a bad ACCORD_API_KEY
        yield engine

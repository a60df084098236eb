"""The engine types the adapter calls, and how it reaches them: ``accord.blocking.EngineRunner``
runs each coroutine on the loop the engine lives on (see that module)."""

from __future__ import annotations

from typing import Any, Literal, Protocol, TypeAlias, TypeVar, runtime_checkable

from accord import AddResult, ContextResult, Memory
from accord.blocking import EngineRunner, SyncEngine

__all__ = ["AsyncEngine", "Engine", "EngineRunner", "SyncEngine"]

T = TypeVar("T")


@runtime_checkable
class AsyncEngine(Protocol):
    """The part of :class:`accord.AsyncAccord` the adapters call (``AsyncRemoteAccord`` has it too)."""

    async def add(
        self,
        messages: Any,
        user_id: str,
        *,
        session_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        wait: bool = False,
    ) -> AddResult: ...

    async def get(
        self,
        query: str,
        user_id: str,
        *,
        limit: int = 10,
        categories: list[str] | None = None,
        format: Literal["bullets", "json", "xml"] = "bullets",
        context_max_tokens: int = 500,
        time_filter_days: float | None = None,
    ) -> ContextResult: ...

    async def list_memories(
        self, user_id: str, *, categories: list[str] | None = None, limit: int = 100, offset: int = 0
    ) -> list[Memory]: ...

    async def get_memory(self, memory_id: str) -> Memory: ...

    async def delete_memory(self, memory_id: str) -> Memory: ...

    async def stats(self, user_id: str | None = None) -> Any: ...


Engine: TypeAlias = AsyncEngine | SyncEngine

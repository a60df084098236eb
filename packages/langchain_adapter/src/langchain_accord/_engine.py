"""How the adapters reach an engine: one async implementation, run on the loop the engine lives on.

Accord's engines and remote clients are bound to the event loop they were started on (the
embedded engine's worker and caches, the remote client's HTTP connection pool). So every
adapter method is written once, as a coroutine over the async engine, and this module runs
that coroutine where the engine lives:

* ``Accord`` or ``RemoteAccord`` (blocking, ``accord.connect()``): sync methods run on the
  engine's own loop thread (so they also work inside Jupyter); async methods run there too,
  and the caller's loop awaits them without blocking.
* ``AsyncAccord`` or ``AsyncRemoteAccord`` (``accord.connect_async()``): async methods are
  awaited directly on the caller's loop, which must be the loop the engine was started on;
  sync methods are refused with a ``RuntimeError`` that names the fix.

Sync methods with an async engine are refused rather than run on another loop: a remote
client's connections cannot be used from a second loop, and an embedded engine would be
driven from two threads at once. Pass the blocking engine when you need both.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine
from typing import Any, Literal, Protocol, TypeAlias, TypeVar, runtime_checkable

from accord import AddResult, ContextResult, Memory
from accord.sync import LoopThread

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


@runtime_checkable
class SyncEngine(Protocol):
    """A blocking engine (:class:`accord.Accord`, ``RemoteAccord``) whose ``aio`` is its async twin."""

    @property
    def aio(self) -> AsyncEngine: ...


Engine: TypeAlias = AsyncEngine | SyncEngine


class EngineRunner:
    """Runs the adapter's coroutines against ``engine`` on the loop the engine lives on."""

    def __init__(self, engine: Engine) -> None:
        if isinstance(engine, SyncEngine):
            # Accord and RemoteAccord drive their async twin on a private LoopThread; `.aio`
            # may only be awaited there. accord has no public accessor for it yet.
            thread = getattr(engine, "_loop", None)
            if not isinstance(thread, LoopThread):
                raise TypeError(
                    f"{type(engine).__name__} has an `aio` engine but no loop thread to run it on"
                )
            self.aio: AsyncEngine = engine.aio
            self._home: asyncio.AbstractEventLoop | None = thread.loop
        elif isinstance(engine, AsyncEngine) and inspect.iscoroutinefunction(engine.get):
            self.aio, self._home = engine, None
        else:
            raise TypeError(
                "engine must be an accord.Accord or accord.AsyncAccord, or a client from "
                f"accord.connect() / accord.connect_async(); got {type(engine).__name__}"
            )
        self._engine_name = type(engine).__name__

    async def arun(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` from any loop; it runs on the engine's loop."""
        if self._home is None:
            return await coro
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._home))

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` to completion from sync code, on the engine's own loop thread."""
        if self._home is None:
            coro.close()
            raise RuntimeError(
                f"{self._engine_name} is an async engine: call the async method (ainvoke, aget, asearch, ...) "
                "on the loop it was started on, or pass the blocking engine (accord.Accord, or "
                "accord.connect()) to use the sync methods as well"
            )
        if _running_loop() is self._home:
            coro.close()
            raise RuntimeError(
                "a sync adapter method was called from the engine's own event loop: use the async method"
            )
        return asyncio.run_coroutine_threadsafe(coro, self._home).result()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # no loop runs in this thread
        return None

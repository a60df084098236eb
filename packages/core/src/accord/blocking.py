"""For framework adapters: run one async implementation on the loop an engine lives on.

Accord's engines and remote clients are bound to the event loop they were started on (the
embedded engine's worker and caches, the remote client's HTTP connection pool). An adapter
writes each method once, as a coroutine over the async engine, and :class:`EngineRunner`
runs it where the engine lives:

* ``Accord`` or ``RemoteAccord`` (blocking): sync calls run on the engine's own loop thread
  (so they also work inside Jupyter); async calls run there too, and the caller's loop awaits
  them without blocking.
* ``AsyncAccord`` or ``AsyncRemoteAccord``: async calls are awaited directly on the caller's
  loop, which must be the one the engine was started on; sync calls are refused with a
  ``RuntimeError`` that names the fix (a remote client's connections cannot be used from a
  second loop, and an embedded engine would be driven from two threads at once).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine
from typing import Any, Protocol, TypeVar, runtime_checkable

from accord.engine.sync import LoopThread

__all__ = ["EngineRunner", "SyncEngine"]

T = TypeVar("T")


@runtime_checkable
class SyncEngine(Protocol):
    """A blocking engine (:class:`accord.Accord`, ``RemoteAccord``): ``aio`` is its async twin,
    driven on ``loop_thread``."""

    @property
    def aio(self) -> Any: ...

    @property
    def loop_thread(self) -> LoopThread: ...


class EngineRunner:
    """Runs the adapter's coroutines against ``engine`` on the loop the engine lives on."""

    def __init__(self, engine: Any) -> None:
        if isinstance(engine, SyncEngine):
            # `.aio` may only be awaited on the blocking engine's own loop thread.
            self.aio: Any = engine.aio
            self._home: asyncio.AbstractEventLoop | None = engine.loop_thread.loop
        elif inspect.iscoroutinefunction(getattr(engine, "get", None)):
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

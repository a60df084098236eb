"""How the block reaches an engine: its coroutines run on the loop the engine lives on.

Accord's engines and remote clients are bound to the event loop they were started on. A
memory block is async only (LlamaIndex awaits ``aget``/``aput``), so:

* ``Accord`` or ``RemoteAccord`` (``accord.connect()``): each call runs on the engine's
  own loop thread and the agent's loop awaits it without blocking;
* ``AsyncAccord`` or ``AsyncRemoteAccord`` (``connect_async``): each call is awaited on the
  agent's loop, which must be the loop the engine was started on.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, Literal, Protocol, TypeAlias, TypeVar, runtime_checkable

from accord import AddResult, ContextResult, PermissionDeniedError
from accord.sync import LoopThread

__all__ = ["AsyncEngine", "Engine", "EngineRunner", "SyncEngine", "mapped_errors"]

T = TypeVar("T")


@runtime_checkable
class AsyncEngine(Protocol):
    """The part of :class:`accord.AsyncAccord` the block calls (``AsyncRemoteAccord`` has it too)."""

    async def add(
        self, messages: Any, user_id: str, *, session_id: str | None = None, wait: bool = False
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
    ) -> ContextResult: ...


@runtime_checkable
class SyncEngine(Protocol):
    """A blocking engine (:class:`accord.Accord`, ``RemoteAccord``) whose ``aio`` is its async twin."""

    @property
    def aio(self) -> AsyncEngine: ...


Engine: TypeAlias = AsyncEngine | SyncEngine


class EngineRunner:
    """Awaits the block's coroutines on the loop ``engine`` lives on."""

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

    async def arun(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._home is None:
            return await coro
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._home))


@contextmanager
def mapped_errors() -> Iterator[None]:
    """``PermissionDeniedError`` becomes ``PermissionError``; ``InvalidInputError`` already is a
    ``ValueError``; storage and provider failures stay ``AccordError``s."""
    try:
        yield
    except PermissionDeniedError as e:
        raise PermissionError(str(e)) from e

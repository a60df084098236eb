"""Blocking twins of the async engine interface, generated from it, and the runner adapters use.

:func:`blocking` turns one method of :class:`accord.interface.MemoryEngine` into its sync twin:
same signature (through ``ParamSpec``), run on a private event loop thread, so it also works
where a loop already runs (Jupyter, async frameworks). :class:`BlockingEngine` applies it to every
method of the interface once; :class:`accord.Accord` and :class:`accord.RemoteAccord` only add how
their async engine is built.

For framework adapters, :class:`EngineRunner` runs one async implementation on the loop an engine
lives on. Accord's engines and remote clients are bound to the event loop they were started on (the
embedded engine's worker and caches, the remote client's HTTP connection pool):

* a blocking engine (``Accord``, ``RemoteAccord``): sync calls run on the engine's own loop thread;
  async calls run there too, and the caller's loop awaits them without blocking.
* an async engine (``AsyncAccord``, ``AsyncRemoteAccord``): async calls are awaited directly on the
  caller's loop, which must be the one the engine was started on; sync calls are refused with a
  ``RuntimeError`` that names the fix.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import inspect
import threading
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeAlias, TypeVar

from accord.domain.principal import Principal
from accord.interface import MemoryEngine

__all__ = ["BlockingEngine", "Engine", "EngineRunner", "LoopThread", "blocking"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
E = TypeVar("E", bound=MemoryEngine)


class LoopThread:
    """An event loop running in a daemon thread; ``run`` submits a coroutine and waits."""

    def __init__(self, name: str = "accord-loop") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()


def blocking(
    fn: Callable[Concatenate[Any, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[BlockingEngine[Any], P], R]:
    """The sync twin of an interface method: same signature and docstring, run on the engine's loop.

    ``fn`` is taken from :class:`MemoryEngine` only for its name and signature; the call goes to
    the wrapped engine's own method of that name.
    """
    name = fn.__name__

    @functools.wraps(fn)
    def method(self: BlockingEngine[Any], /, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._loop.run(getattr(self._async, name)(*args, **kwargs))

    return method


class BlockingEngine(Generic[E]):
    """The blocking :class:`MemoryEngine`: every method one generated line over an async engine.

    Subclasses build ``_async`` and ``_loop`` and start the engine; views made by ``for_key`` and
    ``for_tenant`` share both, and closing a view does nothing.
    """

    _async: E
    _loop: LoopThread
    _is_view: bool = False

    def _open(self, engine: E, loop: LoopThread) -> None:
        """Start ``engine`` on ``loop`` (stopping the loop if it fails) and keep both."""
        self._async, self._loop = engine, loop
        try:
            loop.run(engine.start())
        except BaseException:
            loop.run(engine.close())
            loop.stop()
            raise

    def _wrap(self, view: E) -> Self:
        twin = copy.copy(self)
        twin._async, twin._is_view = view, True
        return twin

    @property
    def aio(self) -> E:
        """The async engine behind this object; await it only on ``loop_thread``."""
        return self._async

    @property
    def loop_thread(self) -> LoopThread:
        """The event loop thread ``aio`` runs on (adapters use it through :class:`EngineRunner`)."""
        return self._loop

    @property
    def principal(self) -> Principal:
        return self._async.principal

    def close(self) -> None:
        if self._is_view:
            return
        try:
            self._loop.run(self._async.close())
        finally:
            self._loop.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def for_key(self, key: str) -> Self:
        return self._wrap(self._loop.run(self._async.for_key(key)))

    def for_tenant(self, tenant_id: str) -> Self:
        return self._wrap(self._async.for_tenant(tenant_id))

    authenticate = blocking(MemoryEngine.authenticate)
    add = blocking(MemoryEngine.add)
    get = blocking(MemoryEngine.get)
    list_memories = blocking(MemoryEngine.list_memories)
    list_users = blocking(MemoryEngine.list_users)
    get_memory = blocking(MemoryEngine.get_memory)
    delete_memory = blocking(MemoryEngine.delete_memory)
    forget_user = blocking(MemoryEngine.forget_user)
    stats = blocking(MemoryEngine.stats)
    get_job = blocking(MemoryEngine.get_job)
    process_pending = blocking(MemoryEngine.process_pending)
    reindex = blocking(MemoryEngine.reindex)
    health = blocking(MemoryEngine.health)
    history = blocking(MemoryEngine.history)
    entities = blocking(MemoryEngine.entities)
    entity = blocking(MemoryEngine.entity)
    related = blocking(MemoryEngine.related)
    update_memory = blocking(MemoryEngine.update_memory)
    archive_memory = blocking(MemoryEngine.archive_memory)
    restore_memory = blocking(MemoryEngine.restore_memory)
    feedback = blocking(MemoryEngine.feedback)
    list_conflicts = blocking(MemoryEngine.list_conflicts)
    resolve = blocking(MemoryEngine.resolve)
    maintain = blocking(MemoryEngine.maintain)
    create_tenant = blocking(MemoryEngine.create_tenant)
    list_tenants = blocking(MemoryEngine.list_tenants)
    create_agent = blocking(MemoryEngine.create_agent)
    list_agents = blocking(MemoryEngine.list_agents)
    issue_key = blocking(MemoryEngine.issue_key)
    list_keys = blocking(MemoryEngine.list_keys)
    rotate_key = blocking(MemoryEngine.rotate_key)
    revoke_key = blocking(MemoryEngine.revoke_key)
    grant = blocking(MemoryEngine.grant)
    revoke_grant = blocking(MemoryEngine.revoke_grant)
    list_grants = blocking(MemoryEngine.list_grants)
    issue_user_token = blocking(MemoryEngine.issue_user_token)
    set_consent = blocking(MemoryEngine.set_consent)
    list_consents = blocking(MemoryEngine.list_consents)
    export_user = blocking(MemoryEngine.export_user)
    set_domain_schema = blocking(MemoryEngine.set_domain_schema)
    get_domain_schema = blocking(MemoryEngine.get_domain_schema)
    register_domain_schema = blocking(MemoryEngine.register_domain_schema)
    list_domain_schemas = blocking(MemoryEngine.list_domain_schemas)
    get_domain_profile = blocking(MemoryEngine.get_domain_profile)
    get_edtech_profile = blocking(MemoryEngine.get_edtech_profile)
    get_support_profile = blocking(MemoryEngine.get_support_profile)


# What adapters accept: an async engine, or a blocking one.
Engine: TypeAlias = MemoryEngine | BlockingEngine[Any]


class EngineRunner:
    """Runs the adapter's coroutines against ``engine`` on the loop the engine lives on."""

    def __init__(self, engine: Engine) -> None:
        if isinstance(engine, BlockingEngine):
            # `.aio` may only be awaited on the blocking engine's own loop thread.
            self.aio: MemoryEngine = engine.aio
            self._home: asyncio.AbstractEventLoop | None = engine.loop_thread.loop
        elif inspect.iscoroutinefunction(getattr(type(engine), "get", None)):
            # Not isinstance(engine, MemoryEngine): on 3.11 that reads every property, and an
            # unstarted remote client's ``principal`` raises.
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

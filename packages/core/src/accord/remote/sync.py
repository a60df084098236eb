"""A client for ``accord serve`` with the engine's interface, so adapters take either.

``connect_async(url, key)`` gives an :class:`AsyncRemoteAccord` with the methods, arguments,
return types and exceptions of :class:`accord.AsyncAccord`; ``connect(url, key)`` gives a
:class:`RemoteAccord` whose methods are one-line blocking wrappers over it, run on a private
event loop thread like :class:`accord.Accord`. Server errors come back as the same
:class:`accord.AccordError` subclasses; an unreachable server is a :class:`StorageError`.

Example:
    >>> with connect("http://127.0.0.1:8765", "acc_...") as memory:
    ...     memory.add("I'm vegetarian", user_id="alice", wait=True)
    ...     memory.get("what should I cook?", user_id="alice").system_prompt_addition
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

import httpx

from accord.engine.components import Principal
from accord.remote.client import AsyncRemoteAccord
from accord.engine.sync import LoopThread

__all__ = ["AsyncRemoteAccord", "RemoteAccord", "connect", "connect_async"]

P = ParamSpec("P")
R = TypeVar("R")


def _blocking(
    fn: Callable[Concatenate[AsyncRemoteAccord, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[RemoteAccord, P], R]:
    """The sync twin of an ``AsyncRemoteAccord`` method: same signature, run on the private loop."""

    @functools.wraps(fn)
    def method(self: RemoteAccord, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._loop.run(fn(self._async, *args, **kwargs))

    return method


class RemoteAccord:
    """The sync engine interface over HTTP (like :class:`accord.Accord`). Build it with :func:`connect`."""

    def __init__(
        self, url: str, api_key: str, *, timeout: float = 30.0, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._async = AsyncRemoteAccord(url, api_key, timeout=timeout, transport=transport)
        self._loop = LoopThread(name="accord-remote")
        self._is_view = False
        try:
            self._loop.run(self._async.start())
        except BaseException:
            self._loop.run(self._async.close())
            self._loop.stop()
            raise

    def _wrap(self, view: AsyncRemoteAccord) -> RemoteAccord:
        twin = copy.copy(self)
        twin._async, twin._is_view = view, True
        return twin

    @property
    def aio(self) -> AsyncRemoteAccord:
        """The async client behind this object; await it only on ``loop_thread``."""
        return self._async

    @property
    def loop_thread(self) -> LoopThread:
        """The event loop thread ``aio`` runs on (adapters use it: see ``accord.blocking``)."""
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

    def for_key(self, key: str) -> RemoteAccord:
        return self._wrap(self._loop.run(self._async.for_key(key)))

    def for_tenant(self, tenant_id: str) -> RemoteAccord:
        return self._wrap(self._async.for_tenant(tenant_id))

    authenticate = _blocking(AsyncRemoteAccord.authenticate)
    add = _blocking(AsyncRemoteAccord.add)
    get = _blocking(AsyncRemoteAccord.get)
    list_memories = _blocking(AsyncRemoteAccord.list_memories)
    get_memory = _blocking(AsyncRemoteAccord.get_memory)
    delete_memory = _blocking(AsyncRemoteAccord.delete_memory)
    history = _blocking(AsyncRemoteAccord.history)
    update_memory = _blocking(AsyncRemoteAccord.update_memory)
    archive_memory = _blocking(AsyncRemoteAccord.archive_memory)
    restore_memory = _blocking(AsyncRemoteAccord.restore_memory)
    get_job = _blocking(AsyncRemoteAccord.get_job)
    forget_user = _blocking(AsyncRemoteAccord.forget_user)
    stats = _blocking(AsyncRemoteAccord.stats)
    health = _blocking(AsyncRemoteAccord.health)
    process_pending = _blocking(AsyncRemoteAccord.process_pending)
    reindex = _blocking(AsyncRemoteAccord.reindex)
    maintain = _blocking(AsyncRemoteAccord.maintain)
    list_conflicts = _blocking(AsyncRemoteAccord.list_conflicts)
    resolve = _blocking(AsyncRemoteAccord.resolve)
    create_tenant = _blocking(AsyncRemoteAccord.create_tenant)
    list_tenants = _blocking(AsyncRemoteAccord.list_tenants)
    create_agent = _blocking(AsyncRemoteAccord.create_agent)
    list_agents = _blocking(AsyncRemoteAccord.list_agents)
    issue_key = _blocking(AsyncRemoteAccord.issue_key)
    list_keys = _blocking(AsyncRemoteAccord.list_keys)
    rotate_key = _blocking(AsyncRemoteAccord.rotate_key)
    revoke_key = _blocking(AsyncRemoteAccord.revoke_key)
    grant = _blocking(AsyncRemoteAccord.grant)
    revoke_grant = _blocking(AsyncRemoteAccord.revoke_grant)
    list_grants = _blocking(AsyncRemoteAccord.list_grants)
    issue_user_token = _blocking(AsyncRemoteAccord.issue_user_token)
    set_consent = _blocking(AsyncRemoteAccord.set_consent)
    list_consents = _blocking(AsyncRemoteAccord.list_consents)
    export_user = _blocking(AsyncRemoteAccord.export_user)


def connect(url: str, api_key: str, *, timeout: float = 30.0) -> RemoteAccord:
    """A blocking client for the Accord server at ``url``, acting as ``api_key``.

    Args:
        url: the server's base URL, e.g. ``http://127.0.0.1:8765``.
        api_key: an agent key, a user token or the operator key.
        timeout: seconds to wait for each answer (``add(wait=True)`` waits longer).

    Returns:
        A started :class:`RemoteAccord`; close it (or use ``with``).

    Raises:
        PermissionDeniedError: the key is invalid, expired or revoked.
        StorageError: the server cannot be reached.
    """
    return RemoteAccord(url, api_key, timeout=timeout)


def connect_async(url: str, api_key: str, *, timeout: float = 30.0) -> AsyncRemoteAccord:
    """An async client for the Accord server at ``url``; use ``async with connect_async(...) as memory``.

    The key is checked on ``start()`` / entering the ``async with`` (``PermissionDeniedError``).
    """
    return AsyncRemoteAccord(url, api_key, timeout=timeout)

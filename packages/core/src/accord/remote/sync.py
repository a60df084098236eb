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

import httpx

from accord.blocking import BlockingEngine, LoopThread
from accord.remote.client import AsyncRemoteAccord

__all__ = ["AsyncRemoteAccord", "RemoteAccord", "connect", "connect_async"]


class RemoteAccord(BlockingEngine[AsyncRemoteAccord]):
    """The sync engine interface over HTTP (like :class:`accord.Accord`). Build it with :func:`connect`."""

    def __init__(
        self, url: str, api_key: str, *, timeout: float = 30.0, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        client = AsyncRemoteAccord(url, api_key, timeout=timeout, transport=transport)
        self._open(client, LoopThread(name="accord-remote"))


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

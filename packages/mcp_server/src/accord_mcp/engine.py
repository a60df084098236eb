"""The engine interface the MCP server needs, and how the command line opens one.

Both :class:`accord.AsyncAccord` (embedded) and ``accord.remote.sync.AsyncRemoteAccord`` (a client
of ``accord serve``) satisfy :class:`MemoryEngine`, so the server takes either.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from accord import AccordSettings, AsyncAccord
from accord.interface import MemoryEngine

from accord_mcp.settings import McpSettings

__all__ = ["MemoryEngine", "open_engine"]


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

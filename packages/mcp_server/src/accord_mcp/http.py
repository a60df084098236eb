"""Streamable HTTP: the ASGI app (with DNS-rebinding protection) and a uvicorn runner."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings

from accord.server.redaction import install_access_log_redaction

from accord_mcp.settings import McpSettings

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["serve_http", "streamable_http_app", "transport_security"]

_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def transport_security(settings: McpSettings) -> TransportSecuritySettings:
    """Host and Origin checks: loopback names, the bound host and the configured extras only.

    A request with another ``Host`` gets 421 and one with another ``Origin`` gets 403, so a web
    page cannot reach the server through DNS rebinding.
    """
    bound = f"[{settings.host}]" if ":" in settings.host and not settings.host.startswith("[") else settings.host
    names = list(dict.fromkeys([*_LOOPBACK, bound, *settings.allowed_hosts]))
    hosts = [h for name in names for h in (name, f"{name}:*")]
    origins = [f"{scheme}://{name}:*" for name in names for scheme in ("http", "https")]
    origins += [f"{scheme}://{name}" for name in names for scheme in ("http", "https")]
    origins += [o.rstrip("/") for o in settings.allowed_origins]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)


def streamable_http_app(server: MCPServer[Any], settings: McpSettings, engine: object = None) -> Starlette:
    """The server as an ASGI app serving MCP at ``settings.path``, with the probes
    (``/health``, ``/ready``, ``/metrics``: :mod:`accord.server.probes`) beside it.

    Its lifespan runs the SDK's session manager; when mounting it in another app, run
    ``server.session_manager.run()`` in the host app's lifespan.
    """
    from starlette.middleware import Middleware

    from accord.server.probes import Metrics, RequestIdMiddleware, probe_routes

    app = server.streamable_http_app(
        streamable_http_path=settings.path,
        json_response=settings.json_response,
        stateless_http=settings.stateless_http,
        transport_security=transport_security(settings),
        host=settings.host,
    )
    metrics = Metrics(lambda: engine, "mcp")
    app.router.routes.extend(probe_routes(lambda: engine, metrics))
    app.user_middleware.insert(0, Middleware(RequestIdMiddleware, metrics=metrics))
    return app


async def serve_http(
    server: MCPServer[Any],
    settings: McpSettings,
    *,
    sock: socket.socket | None = None,
    log_level: str = "warning",
    engine: object = None,
) -> None:
    """Serve over streamable HTTP until the process is interrupted.

    Args:
        server: the MCP server.
        settings: host, port, path and security settings.
        sock: an already bound socket (tests bind port 0 first); default: bind host and port.
        log_level: uvicorn's log level.
        engine: the engine the server uses, for the readiness probe and the metrics.
    """
    config = uvicorn.Config(
        streamable_http_app(server, settings, engine),
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        lifespan="on",
        server_header=False,
    )
    install_access_log_redaction()  # a key sent as ?api_key= is refused, and not logged either
    await _Server(config).serve(sockets=[sock] if sock is not None else None)


class _Server(uvicorn.Server):
    """uvicorn, minus re-raising SIGTERM / SIGINT after its graceful shutdown.

    uvicorn re-raises the signal it caught once it has stopped, which would end the process
    before the engine is closed (worker stopped, access statistics written, stores closed);
    here ``serve()`` simply returns and the caller closes the engine.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)

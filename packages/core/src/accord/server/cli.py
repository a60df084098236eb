"""The ``accord serve`` command: build the engine from ``ACCORD_*``, serve it with uvicorn.

The process owns the data dir for as long as it runs. SIGINT or SIGTERM stops accepting
requests, lets running ones finish, then closes the engine (worker, access statistics, stores).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.errors import AccordError
from accord.settings import AccordSettings
from accord.engine.engine import AsyncAccord
from accord.server.settings import ServerSettings, listener_flags

if TYPE_CHECKING:  # the server extra may be absent: `accord --help` must still work
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["add_serve_parser", "cmd_serve", "server_settings"]


def _closing_on_shutdown(app: ASGIApp, engine: AsyncAccord) -> ASGIApp:
    """``app``, closing the engine when uvicorn shuts it down.

    uvicorn re-raises SIGTERM / SIGINT once it has shut down, so the process may end before
    ``cmd_serve``'s ``async with`` exits; the lifespan shutdown is the last moment we own.
    """

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def send_then_close(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await engine.close()
                print("accord serve: stopped; the engine is closed", file=sys.stderr, flush=True)
            await send(message)

        await app(scope, receive, send_then_close)

    return wrapped


def add_serve_parser(sub: Any) -> None:
    """Add ``serve`` to the ``accord`` command's subparsers."""
    p = sub.add_parser("serve", help="serve the REST API (one process owning the stores)")
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help="data dir (default: $ACCORD_DATA_DIR or ~/.accord)")
    p.add_argument("--host", help="bind address (default: $ACCORD_SERVER_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="TCP port (default: $ACCORD_SERVER_PORT or 8765)")
    p.add_argument("--allowed-host", action="append", default=[], help="another Host header to answer (repeatable)")
    p.add_argument("--allowed-origin", action="append", default=[], help="a browser origin to allow (repeatable)")
    p.add_argument("--no-auth", action="store_true", help="loopback only: requests without a key act as the operator")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.add_argument("--log-format", choices=["text", "json"], help="default: $ACCORD_LOG_FORMAT or text")
    p.set_defaults(func=cmd_serve)


def server_settings(args: argparse.Namespace) -> ServerSettings:
    """``ACCORD_SERVER_*`` with the command-line flags on top."""
    base = ServerSettings()
    overrides: dict[str, Any] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port is not None:
        overrides["port"] = args.port
    settings = ServerSettings.model_validate(base.model_dump() | overrides | listener_flags(args, base))
    settings.check()
    return settings


async def cmd_serve(args: argparse.Namespace) -> int:
    """Run the server until interrupted; returns the exit status."""
    try:
        import uvicorn

        from accord.server.app import create_app
        from accord.server.redaction import install_access_log_redaction
    except ImportError as e:
        raise AccordError(f"`accord serve` needs the server extra: pip install 'accord[server]' ({e})") from e
    settings = server_settings(args)
    data_dir = getattr(args, "data_dir", None)
    engine_settings = AccordSettings(data_dir=Path(data_dir)) if data_dir else AccordSettings()
    log_format = getattr(args, "log_format", None) or engine_settings.log_format
    structured: dict[str, Any] = {}
    if log_format == "json":
        from accord.server.logs import configure_logging

        configure_logging("json", args.log_level)
        # Keep our handler; the request-id middleware writes the access line.
        structured = {"log_config": None, "access_log": False}
    async with AsyncAccord(engine_settings) as engine:
        app = _closing_on_shutdown(create_app(engine, settings), engine)
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level=args.log_level,
            server_header=False,
            proxy_headers=False,
            timeout_graceful_shutdown=10,
            **structured,
        )
        install_access_log_redaction()  # after Config(), which configures uvicorn's loggers
        print(f"accord serve: http://{settings.host}:{settings.port} (docs at /docs); Ctrl-C to stop", file=sys.stderr)
        await uvicorn.Server(config).serve()
    return 0

"""The ``accord-mcp`` command (also ``python -m accord_mcp``).

Settings come from ``ACCORD_MCP_*`` (and the engine's from ``ACCORD_*``) with the flags on
top. stdout belongs to the MCP protocol over stdio: every message goes to stderr.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio
from accord import AccordError, AccordSettings
from accord.server.settings import listener_flags
from pydantic import ValidationError

from accord_mcp.engine import open_engine
from accord_mcp.http import serve_http
from accord_mcp.server import build_server
from accord_mcp.settings import McpSettings, SettingsError

__all__ = ["main", "parse_args"]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="accord-mcp",
        description="Serve Accord's memory over the Model Context Protocol (stdio by default).",
        epilog="Every option can also be set as ACCORD_MCP_<NAME>; the agent key as ACCORD_API_KEY.",
    )
    p.add_argument("--transport", choices=["stdio", "streamable-http"], help="default: stdio")
    p.add_argument("--host", help="HTTP bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="HTTP port (default 8766)")
    p.add_argument("--path", help="HTTP endpoint path (default /mcp)")
    p.add_argument("--data-dir", help="embedded data dir (default: $ACCORD_DATA_DIR or ~/.accord)")
    p.add_argument("--remote-url", help="forward to the `accord serve` at this URL instead of embedding the engine")
    p.add_argument("--user-id", help="the user tool calls act for when they name none")
    p.add_argument("--allowed-host", action="append", default=[], help="another Host header to accept (repeatable)")
    p.add_argument("--allowed-origin", action="append", default=[], help="a browser Origin to accept (repeatable)")
    p.add_argument("--no-auth", action="store_true", help="HTTP on loopback only: requests need no bearer key")
    p.add_argument("--stateless", action="store_true", help="HTTP without sessions (for replicas behind a balancer)")
    p.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    return p.parse_args(argv)


def settings_from(args: argparse.Namespace) -> McpSettings:
    """``ACCORD_MCP_*`` with the command-line flags on top."""
    base = McpSettings()
    overrides: dict[str, Any] = {}
    for name in ("transport", "host", "port", "path", "remote_url", "user_id"):
        if getattr(args, name) is not None:
            overrides[name] = getattr(args, name)
    if args.remote_url:
        overrides["mode"] = "remote"
    if args.stateless:
        overrides["stateless_http"] = True
    overrides |= listener_flags(args, base)
    settings = McpSettings.model_validate({**base.model_dump(), **overrides})  # validates the flags too
    settings.check()
    return settings


async def serve(settings: McpSettings, engine_settings: AccordSettings | None, log_level: str = "warning") -> None:
    """Open the engine, then serve until the client disconnects (stdio) or the process stops (HTTP)."""
    async with open_engine(settings, engine_settings) as engine:
        server = build_server(engine, settings)
        if settings.is_http:
            auth = "bearer Accord keys" if settings.http_auth else "none (loopback)"
            print(f"accord-mcp: serving MCP on {settings.endpoint()} (auth: {auth})", file=sys.stderr, flush=True)
            await serve_http(server, settings, log_level=log_level, engine=engine)
        else:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(_stop_on_signal, tasks.cancel_scope)
                await server.run_stdio_async()
                tasks.cancel_scope.cancel()
    print("accord-mcp: stopped; the engine is closed", file=sys.stderr, flush=True)


async def _stop_on_signal(scope: anyio.CancelScope) -> None:
    """SIGTERM / SIGINT end the stdio server the way a closed stdin does: the engine closes first."""
    if sys.platform == "win32":  # pragma: no cover - no signal receiver there; the client closes stdin
        return
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async for _ in signals:
            scope.cancel()
            return


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; returns the exit status (2: bad settings, 1: the engine refused to start)."""
    args = parse_args(argv)
    # Before the SDK configures logging at INFO; stdout is the protocol's over stdio.
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = settings_from(args)
        engine_settings = AccordSettings(data_dir=Path(args.data_dir)) if args.data_dir else None
    except (SettingsError, ValidationError) as e:
        print(f"accord-mcp: {e}", file=sys.stderr)
        return 2
    try:
        anyio.run(serve, settings, engine_settings, args.log_level)
    except AccordError as e:
        print(f"accord-mcp: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0

"""accord-mcp: Accord's memory layer as a Model Context Protocol server.

Run it with ``accord-mcp`` (stdio) or ``accord-mcp --transport streamable-http``; embed it with::

    from accord import AsyncAccord
    from accord_mcp import McpSettings, build_server

    async with AsyncAccord() as engine:
        await build_server(engine, McpSettings()).run_stdio_async()
"""

from accord_mcp.auth import AgentKeyVerifier, AgentViews
from accord_mcp.engine import MemoryEngine, open_engine
from accord_mcp.http import serve_http, streamable_http_app
from accord_mcp.resources import MEMORY_TEMPLATE, PROFILE_TEMPLATE
from accord_mcp.server import build_server
from accord_mcp.settings import McpSettings, SettingsError

__version__ = "0.1.0"

__all__ = [
    "MEMORY_TEMPLATE",
    "PROFILE_TEMPLATE",
    "AgentKeyVerifier",
    "AgentViews",
    "McpSettings",
    "MemoryEngine",
    "SettingsError",
    "build_server",
    "open_engine",
    "serve_http",
    "streamable_http_app",
]

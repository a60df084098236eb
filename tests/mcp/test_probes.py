"""accord-mcp over HTTP serves the probes beside MCP: /health, /ready and /metrics."""

from __future__ import annotations

import httpx

from accord import AsyncAccord
from accord_mcp import McpSettings, build_server, streamable_http_app


async def test_the_http_app_serves_the_probes_beside_mcp(engine: AsyncAccord) -> None:
    settings = McpSettings(transport="streamable-http", host="127.0.0.1", port=8766)
    app = streamable_http_app(build_server(engine, settings), settings, engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1:8766") as c:
        assert (await c.get("/health")).json() == {"status": "ok"}
        ready = await c.get("/ready", headers={"X-Request-ID": "mcp-probe-1"})
        assert ready.status_code == 200 and ready.json()["checks"]["store"] == "ok"
        assert ready.headers["x-request-id"] == "mcp-probe-1"
        page = (await c.get("/metrics")).text
    assert 'accord_http_request_duration_seconds_count{method="GET",process="mcp",route="/ready",status="200"} 1.0' in page
    assert "accord_job_lag_seconds" in page


async def test_without_the_engine_the_mcp_app_is_not_ready(engine: AsyncAccord) -> None:
    settings = McpSettings(transport="streamable-http", host="127.0.0.1", port=8766)
    app = streamable_http_app(build_server(engine, settings), settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1:8766") as c:
        ready = await c.get("/ready")
    assert ready.status_code == 503 and ready.json()["checks"] == {"engine": "not started"}

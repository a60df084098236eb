"""A small HTTP listener with only the probes (``/health``, ``/ready``, ``/metrics``), for
processes that serve no API of their own: ``accord worker --probe-port``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware

from accord.server.probes import Metrics, RequestIdMiddleware, probe_routes

if TYPE_CHECKING:
    from accord.engine.engine import AsyncAccord

__all__ = ["probe_app", "serve_probes"]


def probe_app(engine: AsyncAccord, process: str) -> Starlette:
    metrics = Metrics(lambda: engine, process)
    return Starlette(
        routes=probe_routes(lambda: engine, metrics), middleware=[Middleware(RequestIdMiddleware, metrics=metrics)]
    )


async def serve_probes(engine: AsyncAccord, host: str, port: int, *, process: str, structured_logs: bool) -> None:
    """Serve the probes until the process is interrupted."""
    logging = {"log_config": None} if structured_logs else {}
    config = uvicorn.Config(
        probe_app(engine, process), host=host, port=port, log_level="warning", access_log=False, lifespan="off", **logging
    )
    await uvicorn.Server(config).serve()

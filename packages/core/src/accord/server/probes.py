"""Probes every Accord process serves over HTTP (``accord serve``, ``accord-mcp``, ``accord worker
--probe-port``): liveness, readiness, Prometheus metrics, and request ids in structured logs.

* ``GET /health``: the process is up (liveness; no dependency is called).
* ``GET /ready``: 200 when the process can do its work (the SQL store answers and is at the
  schema this Accord needs; the vector index answers when there is one), else 503 with the
  failing check. A degraded hot tier or LLM provider does not make a process unready: it runs
  on its fallback (``/v1/health/report`` says how).
* ``GET /metrics``: Prometheus text. Request latency per route template, job lag and jobs per
  status (over every tenant, read at scrape time), gate decisions of this process, and each LLM
  provider's circuit-breaker state. No tenant or user appears in a label.

Every HTTP request gets a request id (the caller's ``X-Request-ID`` when it is a sane token,
else a new one), echoed in the response and attached to every log record made while it runs.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from accord.errors import AccordError

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from accord.engine.components import Components

__all__ = [
    "REQUEST_ID_HEADER",
    "Metrics",
    "RequestIdMiddleware",
    "current_request_id",
    "probe_routes",
    "readiness",
]

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_request_id: ContextVar[str | None] = ContextVar("accord_request_id", default=None)
_BREAKER_STATE = {"closed": 0.0, "half_open": 1.0, "open": 2.0}
access_log = logging.getLogger("accord.access")
_PROBE_TENANT = "default"  # any tenant: the index count only proves the index answers

# The engine a process serves: an embedded AsyncAccord, or (accord-mcp in remote mode) a client.
EngineRef = Callable[[], object]


def _parts(engine: object) -> Components | None:
    """An embedded engine's parts while it is open; None before, after, or for a remote client."""
    from accord.engine.engine import AsyncAccord

    if not isinstance(engine, AsyncAccord):
        return None
    try:
        return engine.parts
    except AccordError:  # not started yet, or already closed
        return None


def _is_remote(engine: object) -> bool:
    from accord.engine.engine import AsyncAccord

    return not isinstance(engine, AsyncAccord)


def current_request_id() -> str | None:
    """The id of the HTTP request being served, if any (for logs)."""
    return _request_id.get()


class _EngineCollector(Collector):
    """Engine figures read at scrape time; ``refresh`` reads the queue before each scrape."""

    def __init__(self, engine: EngineRef) -> None:
        self._engine = engine
        self.queue: dict[str, float] = {}

    def collect(self) -> Iterator[Metric]:
        parts = _parts(self._engine())
        lag = GaugeMetricFamily("accord_job_lag_seconds", "How long the oldest queued job has waited")
        jobs = GaugeMetricFamily("accord_jobs", "Jobs per status, over every tenant", labels=["status"])
        if self.queue:
            lag.add_metric([], self.queue.get("oldest_queued_age_seconds", 0.0))
            for status in ("queued", "running", "failed"):
                jobs.add_metric([status], self.queue.get(status, 0.0))
        yield lag
        yield jobs
        gate = CounterMetricFamily(
            "accord_gate_decisions", "add() calls by gate decision in this process", labels=["decision"]
        )
        breakers = GaugeMetricFamily(
            "accord_llm_breaker_state", "LLM provider circuit breaker: 0 closed, 1 half-open, 2 open", labels=["provider"]
        )
        if parts is not None:
            for decision, count in sorted(parts.gate_decisions.items()):
                gate.add_metric([decision], float(count))
            for provider in parts.extractor.providers():
                if provider.state in _BREAKER_STATE:
                    breakers.add_metric([provider.name], _BREAKER_STATE[provider.state])
        yield gate
        yield breakers


class Metrics:
    """One process's Prometheus registry (its own, so several apps in one process never clash)."""

    def __init__(self, engine: EngineRef, process: str) -> None:
        self.registry = CollectorRegistry()
        self.process = process
        self.latency = Histogram(
            "accord_http_request_duration_seconds",
            "HTTP request latency by route template",
            ["process", "method", "route", "status"],
            registry=self.registry,
            buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )
        self._engine = engine
        self._collector = _EngineCollector(engine)
        self.registry.register(self._collector)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.latency.labels(self.process, method, route, str(status)).observe(seconds)

    async def render(self) -> bytes:
        parts = _parts(self._engine())
        if parts is not None:
            try:
                self._collector.queue = await parts.store.queue_stats(parts.clock.now())
            except AccordError as e:  # a scrape must still answer: the store's state shows in /ready
                access_log.warning("metrics: cannot read the job queue: %s", e)
                self._collector.queue = {}
        return generate_latest(self.registry)


async def readiness(engine: object) -> tuple[bool, dict[str, str]]:
    """Whether the process can serve, and why not (see the module doc)."""
    if engine is not None and _is_remote(engine):
        return True, {"engine": "remote: `accord serve` reports its own readiness"}
    parts = _parts(engine)
    if parts is None:
        return False, {"engine": "not started"}
    checks: dict[str, str] = {}
    try:
        await parts.store.queue_stats(parts.clock.now())
        checks["store"] = "ok"
    except AccordError as e:
        checks["store"] = f"failing: {e}"
    if parts.index is not None:
        try:
            await parts.index.count(_PROBE_TENANT)
            checks["index"] = "ok"
        except AccordError as e:
            checks["index"] = f"failing: {e}"
    return all(v == "ok" for v in checks.values()), checks


def probe_routes(engine: EngineRef, metrics: Metrics, *, prefix: str = "") -> list[Route]:
    """``/health``, ``/ready`` and ``/metrics`` under ``prefix``, for any Starlette app."""

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(_: Request) -> Response:
        ok, checks = await readiness(engine())
        return JSONResponse({"status": "ready" if ok else "not_ready", "checks": checks}, status_code=200 if ok else 503)

    async def scrape(_: Request) -> Response:
        return Response(await metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    return [
        Route(f"{prefix}/health", health, methods=["GET"]),
        Route(f"{prefix}/ready", ready, methods=["GET"]),
        Route(f"{prefix}/metrics", scrape, methods=["GET"]),
    ]


class RequestIdMiddleware:
    """Request ids, latency per route template, and one structured access-log line per request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        status = 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (REQUEST_ID_HEADER.lower().encode(), request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            route = _route_template(scope)
            self.metrics.observe(scope["method"], route, status, seconds)
            access_log.info(
                "%s %s %s",
                scope["method"],
                route,
                status,
                extra={"method": scope["method"], "route": route, "status": status, "duration_ms": round(seconds * 1000, 2)},
            )
            _request_id.reset(token)


def _route_template(scope: dict[str, Any]) -> str:
    """The matched route's template (``/v1/memories/{memory_id}``), never the raw path: raw
    paths carry ids and would make one time series per memory."""
    if "endpoint" not in scope:  # no route matched (404, or refused before routing)
        return "unmatched"
    path = str(scope["path"])
    for name, value in (scope.get("path_params") or {}).items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return path

"""The probes every process serves: /health, /ready (503 naming the failing check), /metrics
(latency per route template, job lag, gate decisions), request ids, and JSON logs."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from accord import AccordSettings, AsyncAccord, ManualClock
from accord.server import ServerSettings, create_app
from accord.server.logs import configure_logging
from accord.server.probe_server import probe_app
from accord.server.probes import readiness

from ..conftest import _pg_admin
from .conftest import OPERATOR_KEY, auth


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page, by (name, sorted labels)."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


@pytest.fixture
async def paused(tmp_path: Path) -> AsyncIterator[tuple[AsyncAccord, ManualClock]]:
    """An engine whose worker does not run, so the queue holds what the test adds."""
    clock = ManualClock()
    settings = AccordSettings(data_dir=tmp_path / "data", embedder="none", run_worker=False)
    async with AsyncAccord(settings, clock=clock) as engine:
        yield engine, clock


def client_for(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1")  # type: ignore[arg-type]


async def test_health_and_ready_answer_without_a_key(paused: tuple[AsyncAccord, ManualClock]) -> None:
    engine, _ = paused
    async with client_for(create_app(engine, ServerSettings(admin_key=OPERATOR_KEY))) as c:
        assert (await c.get("/health")).json() == {"status": "ok"}
        ready = await c.get("/ready")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "checks": {"store": "ok", "index": "ok"}}


async def test_metrics_count_gate_decisions_and_the_job_lag(paused: tuple[AsyncAccord, ManualClock]) -> None:
    engine, clock = paused
    async with client_for(create_app(engine, ServerSettings(admin_key=OPERATOR_KEY))) as c:
        body = {"messages": ["I moved to Lyon last spring"], "user_id": "alice"}
        first = await c.post("/v1/memories/add", json=body, headers=auth(OPERATOR_KEY))
        assert first.json()["status"] == "queued"
        again = await c.post("/v1/memories/add", json=body, headers=auth(OPERATOR_KEY))
        assert again.json()["blocked_reason"] == "duplicate"
        memory_id = first.json()["episodic_memory_ids"][0]
        assert (await c.get(f"/v1/memories/{memory_id}", headers=auth(OPERATOR_KEY))).status_code == 200
        clock.advance(seconds=90)
        page = await c.get("/metrics")
    assert page.headers["content-type"].startswith("text/plain")
    got = samples(page.text)
    assert got[("accord_gate_decisions_total", (("decision", "queued"),))] == 1
    assert got[("accord_gate_decisions_total", (("decision", "duplicate"),))] == 1
    assert got[("accord_jobs", (("status", "queued"),))] == 1
    assert got[("accord_job_lag_seconds", ())] == 90.0
    # Latency by route template: the memory id is not a label value.
    routes = {dict(labels)["route"] for name, labels in got if name == "accord_http_request_duration_seconds_count"}
    assert routes == {"/v1/memories/add", "/v1/memories/{memory_id}"}
    assert memory_id not in page.text


async def test_ready_is_503_when_the_store_is_gone(postgres_url: str, tmp_path: Path) -> None:
    settings = AccordSettings(data_dir=tmp_path / "data", embedder="none", database_url=postgres_url, run_worker=False)
    async with AsyncAccord(settings) as engine:
        async with client_for(probe_app(engine, "worker")) as c:
            assert (await c.get("/ready")).status_code == 200
            await _pg_admin(f'DROP DATABASE "{postgres_url.rsplit("/", 1)[1]}" WITH (FORCE)')
            ready = await c.get("/ready")
            page = await c.get("/metrics")
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "not_ready" and body["checks"]["index"] == "ok"
        assert body["checks"]["store"].startswith("failing: reading the queue failed on postgresql")
        assert page.status_code == 200  # a scrape still answers, without the queue figures
        assert ("accord_job_lag_seconds", ()) not in samples(page.text)
        assert 'process="worker"' in page.text


async def test_an_engine_not_started_is_not_ready(tmp_path: Path) -> None:
    engine = AsyncAccord(AccordSettings(data_dir=tmp_path / "data", embedder="none"))
    assert await readiness(engine) == (False, {"engine": "not started"})
    assert await readiness(None) == (False, {"engine": "not started"})


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names}
    handler = configure_logging("json", "info")
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)


async def test_request_ids_reach_the_response_and_every_log_line(
    paused: tuple[AsyncAccord, ManualClock], json_logs: io.StringIO
) -> None:
    engine, _ = paused
    async with client_for(create_app(engine, ServerSettings(admin_key=OPERATOR_KEY))) as c:
        given = await c.get("/health", headers={"X-Request-ID": "trace-7.a:b"})
        unsafe = await c.get("/health", headers={"X-Request-ID": "no spaces\tor tabs"})
        missing = await c.get("/v1/nowhere")
    assert given.headers["x-request-id"] == "trace-7.a:b"
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", missing.headers["x-request-id"])
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "accord.access"]
    assert [(a["request_id"], a["route"], a["status"]) for a in access] == [
        ("trace-7.a:b", "/health", 200),
        (unsafe.headers["x-request-id"], "/health", 200),
        (missing.headers["x-request-id"], "unmatched", 404),
    ]
    assert {"time", "level", "message", "duration_ms", "method"} <= set(access[0])
    assert access[0]["level"] == "INFO" and access[0]["method"] == "GET"
    uuid.UUID(access[1]["request_id"])  # a fresh id is a uuid4 in hex

"""``health()`` checks what it reports: Redis and the Qdrant server are asked, not assumed, and
after Redis comes back the engine uses it again and says so."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from accord import AsyncAccord


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def own_redis(port: int, workdir: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A redis-server of this test's own (never the shared one), stopped afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server on PATH to stop and restart a Redis of its own")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(500):  # a start-up poll, not a deadline on behaviour
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.02)
        yield process
    finally:
        process.kill()
        process.wait(timeout=10)


async def test_redis_down_is_reported_and_after_a_restart_it_serves_again(make_settings, tmp_path: Path) -> None:
    port = _free_port()
    settings = make_settings(redis_url=f"redis://127.0.0.1:{port}/0")
    with own_redis(port, tmp_path) as first:
        async with AsyncAccord(settings) as engine:
            await engine.add("I love rowing", user_id="alice", wait=True)
            report = await engine.health()
            assert report.status == "ok" and report.checks["hot_tier"] == "ok" and report.mode.hot_tier == "redis"
            first.kill()
            first.wait(timeout=10)
            report = await engine.health()
            assert report.status == "degraded" and report.checks["hot_tier"] != "ok"
            assert report.mode.hot_tier == "memory" and report.mode.degraded
            assert (await engine.get("rowing", user_id="alice")).memories  # served all the same
            with own_redis(port, tmp_path):
                report = await engine.health()  # asks Redis again at once: no stale verdict
                assert report.status == "ok" and report.checks["hot_tier"] == "ok" and report.mode.hot_tier == "redis"
                ctx = await engine.get("rowing", user_id="alice")
                assert ctx.mode.hot_tier == "redis" and ctx.memories


async def test_an_unreachable_qdrant_server_is_reported(make_settings) -> None:
    settings = make_settings(index="qdrant_server", qdrant_url=f"http://127.0.0.1:{_free_port()}")
    async with AsyncAccord(settings) as engine:
        report = await engine.health()
        assert report.status == "degraded" and report.checks["index"] != "ok" and report.mode.degraded


async def test_a_healthy_embedded_engine_checks_every_part(make_settings) -> None:
    async with AsyncAccord(make_settings()) as engine:
        report = await engine.health()
        assert report.status == "ok" and report.checks == {"index": "ok", "hot_tier": "ok", "store": "ok"}

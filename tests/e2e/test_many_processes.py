"""Many processes, one database: 2 ``accord serve`` replicas and 3 ``accord worker`` processes on
one PostgreSQL and one Redis. Adds and gets go through both APIs, one worker is killed (SIGKILL,
holding whatever lease it had), and every job is applied exactly once; the rate limit holds
across the replicas because its bucket lives in Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from accord.adapters.sql.schema import jobs, memories

from ..server.conftest import OPERATOR_KEY, auth, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

USERS = [f"user-{i}" for i in range(14)]
BURST = 10  # the rate bucket's size; it barely refills during the test


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "accord.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout  # only stops a hang: readiness is awaited, not timed
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/ready", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready in {timeout} s:\n{log.read_text(errors='replace')}")


async def _job_rows(url: str) -> list[dict[str, object]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(jobs.c.id, jobs.c.status, jobs.c.user_id, jobs.c.created_memory_ids))).mappings()
            return [dict(r) for r in rows]
    finally:
        await engine.dispose()


async def test_two_apis_and_three_workers_share_one_database(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    base = {
        **os.environ,
        "ACCORD_DATABASE_URL": postgres_url,
        "ACCORD_INDEX": "none",
        "ACCORD_EMBEDDER": "none",
        "ACCORD_REDIS_URL": redis_url,
        "ACCORD_REDIS_PREFIX": redis_prefix,
        "ACCORD_SERVER_ADMIN_KEY": OPERATOR_KEY,
        "ACCORD_RATE_LIMIT_BURST": str(BURST),
        "ACCORD_RATE_LIMIT_PER_MINUTE": "0.01",
        "ACCORD_JOB_LEASE_SECONDS": "3",
        "ACCORD_DEDUP_WINDOW_SECONDS": "0",
    }
    with ExitStack() as stack:
        apis, workers = [], []
        for i in range(2):
            port = free_port()
            env = {**base, "ACCORD_DATA_DIR": str(tmp_path / f"api-{i}"), "ACCORD_RUN_WORKER": "false"}
            log = tmp_path / f"api-{i}.log"
            process = stack.enter_context(_process(["serve", "--port", str(port), "--log-level", "warning"], env, log))
            apis.append((f"http://127.0.0.1:{port}", process, log))
        for i in range(3):
            port = free_port()
            env = {**base, "ACCORD_DATA_DIR": str(tmp_path / f"worker-{i}")}
            log = tmp_path / f"worker-{i}.log"
            process = stack.enter_context(_process(["worker", "--probe-port", str(port)], env, log))
            workers.append((f"http://127.0.0.1:{port}", process, log))
        for url, process, log in apis + workers:
            await asyncio.to_thread(_wait_ready, url, process, log)

        async with httpx.AsyncClient(timeout=30.0, headers=auth(OPERATOR_KEY)) as client:
            # 14 adds, alternating between the replicas: one shared bucket of 10 lets 10 through.
            results = []
            for i, user in enumerate(USERS):
                api = apis[i % 2][0]
                response = await client.post(f"{api}/v1/memories/add", json={"messages": ["I'm vegetarian"], "user_id": user})
                results.append(response.json())
                if i == 3:
                    workers[0][1].send_signal(signal.SIGKILL)  # mid-stream, holding whatever it leased
            accepted = [(user, r["job_id"]) for user, r in zip(USERS, results, strict=True) if r["status"] == "queued"]
            blocked = [r["blocked_reason"] for r in results if r["status"] == "blocked"]
            assert len(accepted) == BURST and blocked == ["rate_limit_exceeded"] * (len(USERS) - BURST)

            # Every accepted job is done by the two surviving workers (a killed lease expires and is taken over).
            deadline = time.monotonic() + 120
            while True:
                rows = await _job_rows(postgres_url)
                if all(r["status"] == "done" for r in rows) or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            assert sorted(r["id"] for r in rows) == sorted(job for _, job in accepted)
            assert {r["status"] for r in rows} == {"done"}

            # Applied exactly once: one durable memory per job, the one it recorded, and no other.
            engine = create_async_engine(postgres_url)
            try:
                async with engine.connect() as conn:
                    durable = (
                        await conn.execute(
                            select(memories.c.id, memories.c.job_id, memories.c.user_id, memories.c.content).where(
                                memories.c.category != "episodic"
                            )
                        )
                    ).all()
                    runs = (await conn.execute(text("SELECT count(*) FROM jobs WHERE applied_at IS NOT NULL"))).scalar()
                    # A second application would write a second version (or a second memory).
                    versions = (await conn.execute(text("SELECT count(*) FROM memory_versions"))).scalar()
            finally:
                await engine.dispose()
            assert runs == BURST and versions == BURST
            assert sorted((m.user_id, m.content) for m in durable) == sorted((u, "User is vegetarian") for u, _ in accepted)
            for row in rows:
                assert [m.id for m in durable if m.job_id == row["id"]] == list(row["created_memory_ids"])

            # Both replicas read what the workers wrote.
            for i, (user, _) in enumerate(accepted):
                api = apis[i % 2][0]
                got = await client.post(f"{api}/v1/memories/retrieve", json={"query": "what should I cook?", "user_id": user})
                assert "User is vegetarian" in got.json()["system_prompt_addition"]
        assert workers[0][1].wait(timeout=5) == -signal.SIGKILL

"""The outbox under SIGKILL: a real ``accord serve`` on PostgreSQL, killed at random moments while
it queues and delivers events to a receiver on loopback, restarted, then drained.

What the store's final state implies must have been sent, was received at least once:

* a job whose status is ``failed`` (jobs get one attempt here, so a job the kill interrupted is
  given up on by the next process) -> ``job.failed`` for it;
* an open tenant-review conflict -> ``conflict.review_needed`` for the job that raised it;
* a user whose add was confirmed and who is gone now -> ``user.erased`` for them;
* an add refused as ``budget_exhausted`` (the reply comes after the mark is queued) ->
  ``quota.threshold`` at 100 %.

Every delivery row left is ``delivered`` (once: its id is the event id, one row per event and
webhook), and each event id the receiver saw more than once (a kill between its 200 and our
record of it) is counted and printed: delivery is at least once.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from accord.adapters.sql.schema import conflicts, jobs, users, webhook_deliveries
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from ..server.conftest import OPERATOR_KEY, auth, free_port
from .conftest import Receiver

pytestmark = [pytest.mark.postgres]

QUOTA = 10
ROUNDS = 4


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "accord.cli", "serve", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )


async def _ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60  # only stops a hang
    async with httpx.AsyncClient(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text(errors='replace')}")
            try:
                if (await client.get(f"{url}/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"not ready:\n{log.read_text(errors='replace')}")


class _Load:
    """Random calls to one server: adds filling the quota, shared claims for review, add-then-erase."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.n = 0
        self.confirmed: set[str] = set()  # users whose add came back queued (so they had rows)
        self.refused = 0  # adds refused for the quota: each was told so after its mark was queued
        self.deletes: Counter[str] = Counter()  # erasures asked for, per user

    async def _erase(self, client: httpx.AsyncClient, url: str, user: str) -> None:
        self.deletes[user] += 1
        await client.delete(f"{url}/v1/users/{user}")

    async def _add(self, client: httpx.AsyncClient, url: str, user: str, text: str) -> str | None:
        response = await client.post(f"{url}/v1/memories/add", json={"messages": [text], "user_id": user})
        try:
            answer = response.json()
        except ValueError:  # a reply cut by the kill
            return None
        if answer.get("status") == "queued":
            self.confirmed.add(user)
        return answer.get("blocked_reason") or answer.get("status")

    async def step(self, client: httpx.AsyncClient, url: str) -> None:
        self.n += 1
        n = self.n
        kind = self.rng.choice(["fill", "fill", "claim", "erase", "erase"])
        if kind == "fill":
            if await self._add(client, url, f"filler-{n % 3}", f"I love hiking in region {n}") == "budget_exhausted":
                self.refused += 1
                await self._erase(client, url, f"filler-{self.rng.randrange(3)}")  # room for the rest
        elif kind == "claim":
            await self._add(client, url, self.rng.choice(["alice", "bob"]), f"Our VPN server is vpn{n}.acme.com")
        else:
            await self._add(client, url, f"erased-{n}", f"I love green tea, note {n}")
            await self._erase(client, url, f"erased-{n}")

    async def run_until_dead(self, url: str, process: subprocess.Popen[bytes], callers: int = 2) -> None:
        async def caller() -> None:
            async with httpx.AsyncClient(timeout=5.0, headers=auth(OPERATOR_KEY)) as client:
                while process.poll() is None:
                    try:
                        await self.step(client, url)
                    except httpx.TransportError:
                        await asyncio.sleep(0.02)  # killed mid-call: that call's outcome is the store's to say

        await asyncio.gather(*(caller() for _ in range(callers)))


async def _state(db: str) -> dict[str, Any]:
    engine = create_async_engine(db)
    try:
        async with engine.connect() as conn:
            return {
                "jobs": (await conn.execute(select(jobs.c.id, jobs.c.status))).all(),
                "reviews": (await conn.execute(
                    select(conflicts.c.job_id).where(conflicts.c.kind == "review", conflicts.c.status == "open")
                )).all(),
                "users": {r[0] for r in (await conn.execute(select(users.c.user_id))).all()},
                "deliveries": (await conn.execute(
                    select(webhook_deliveries.c.id, webhook_deliveries.c.event_key, webhook_deliveries.c.status,
                           webhook_deliveries.c.attempts)
                )).all(),
            }
    finally:
        await engine.dispose()


async def _drained(db: str) -> dict[str, Any]:
    deadline = time.monotonic() + 40
    while True:
        state = await _state(db)
        busy = [j for j in state["jobs"] if j.status in ("queued", "running")]
        pending = [d for d in state["deliveries"] if d.status == "pending"]
        if not busy and not pending:
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"not drained: {len(busy)} jobs open, {len(pending)} deliveries pending")
        await asyncio.sleep(0.2)


def _logical(body: dict[str, Any]) -> str:
    """The change an event announces, from its body: what one event id must stand for."""
    data, kind = body["data"], body["type"]
    if kind in ("job.failed", "conflict.review_needed"):
        return f"{'job' if kind == 'job.failed' else 'review'}:{data['job_id']}"
    if kind == "user.erased":
        return f"erased-user:{data['user_id']}"
    if kind == "quota.threshold":
        return f"quota:{data['quota']}:{data['percent']}"
    return f"mode:{data['process']}:{data['sequence']}"


async def test_killed_servers_lose_no_event_and_record_each_delivered_once(
    postgres_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    seed = int(os.environ.get("ACCORD_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "ACCORD_DATABASE_URL": postgres_url,
        "ACCORD_DATA_DIR": str(tmp_path / "data"),
        "ACCORD_INDEX": "none",
        "ACCORD_EMBEDDER": "none",
        "ACCORD_SERVER_ADMIN_KEY": OPERATOR_KEY,
        "ACCORD_RATE_LIMIT_BURST": "100000",
        "ACCORD_RATE_LIMIT_PER_MINUTE": "100000",
        "ACCORD_DEDUP_WINDOW_SECONDS": "0",
        "ACCORD_SHARED_FACT_POLICY": "review",
        "ACCORD_TENANT_MEMORY_QUOTA": str(QUOTA),
        "ACCORD_JOB_MAX_ATTEMPTS": "1",  # a job a kill interrupts fails for good: job.failed
        "ACCORD_JOB_LEASE_SECONDS": "2",
        "ACCORD_WEBHOOK_POLL_SECONDS": "0.1",
        "ACCORD_WEBHOOK_LEASE_SECONDS": "2",
    }
    load = _Load(rng)
    started = time.monotonic()
    kills = 0
    process = _start(env, port, log)
    try:
        await _ready(url, process, log)
        async with httpx.AsyncClient(timeout=5.0, headers=auth(OPERATOR_KEY)) as client:
            created = await client.post(f"{url}/v1/admin/webhooks", json={"url": receiver.url})
            assert created.status_code == 201, created.text
        for _ in range(ROUNDS):
            asyncio.get_running_loop().call_later(rng.uniform(0.2, 1.2), process.send_signal, signal.SIGKILL)
            await load.run_until_dead(url, process)
            process.wait(timeout=10)
            kills += 1
            process = _start(env, port, log)
            await _ready(url, process, log)
        state = await _drained(postgres_url)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)

    delivered = {d.event_key for d in state["deliveries"] if d.status == "delivered"}
    received = Counter(r.json["id"] for r in receiver.received)
    keys_received = {r.json["id"]: r for r in receiver.received}
    by_key: dict[str, set[str]] = {}
    for r in receiver.received:
        by_key.setdefault(_logical(r.json), set()).add(r.json["id"])

    failed = [j.id for j in state["jobs"] if j.status == "failed"]
    reviews = {r.job_id for r in state["reviews"]}
    erased = sorted(u for u in load.confirmed if u not in state["users"])
    expected = (
        [f"job:{j}" for j in failed] + [f"review:{j}" for j in reviews] + [f"erased-user:{u}" for u in erased]
        + ([f"quota:{QUOTA}:100"] if load.refused else [])
    )
    missing = [k for k in expected if k not in by_key]
    duplicates = {i: n for i, n in received.items() if n > 1}
    print(
        f"\nseed {seed}: {kills} kills in {time.monotonic() - started:.1f} s, {load.n} calls; expected events "
        f"{len(expected)} (job.failed {len(failed)}, review {len(reviews)}, user.erased {len(erased)}, "
        f"quota 100% {int(bool(load.refused))}); received {len(receiver.received)} requests for "
        f"{len(received)} event ids; duplicates (same id twice or more) {len(duplicates)}: {sorted(duplicates.values())}"
    )
    assert not missing, f"seed {seed}: never received {missing}"
    # One event per logical event: never two ids for one job, quota mark or erasure (a filler
    # user comes back after an erasure, so it may be erased, and announced, once per erasure).
    twice = [
        (k, v) for k, v in by_key.items()
        if len(v) > (load.deletes[k.split(":", 1)[1]] if k.startswith("erased-user:filler") else 1)
    ]
    assert not twice, f"seed {seed}: {twice}"
    # Every row left is delivered, and what was received is a row, or a sent row that an
    # erasure of the user it names removed.
    assert {d.status for d in state["deliveries"]} <= {"delivered"}, f"seed {seed}"
    rows = {d.id for d in state["deliveries"]}
    assert all(d.attempts >= 1 for d in state["deliveries"])
    gone = set(keys_received) - rows
    assert all(load.deletes[keys_received[i].json["data"].get("user_id")] for i in gone), f"seed {seed}"
    assert delivered, "nothing was delivered"
    assert failed or reviews or erased, f"seed {seed}: the load produced no event the state implies"

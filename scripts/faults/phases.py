"""The faults, one function each: stage it under load, recover, drain, audit; return figures.

Each phase returns a dict of figures with ``ok`` (the phase's claims held). Claims: no
acknowledged add lost or doubled, every job done once, ``accord check`` clean, plus the
phase's own (Redis reconnects and ``mode`` says so, a lost index is detected and rebuilt, a
full disk refuses writes with a clear error while reads go on, deferred LLM jobs are applied
once the providers recover).
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from .services import PG_BIN, AccordProcess, PostgresCluster, RedisServer, Tmpfs, accord_env, free_port
from .traffic import HEADERS, Ledger, Writers, audit, turn_for, wait_drained


def _audit_figures(url: str, ledger: Ledger, users: int) -> dict[str, Any]:
    a = audit(url, ledger, users)
    failed = {k: v for k, v in a.check.get("findings", {}).items() if v.get("count")}
    return {
        "acked": a.acked, "lost": a.lost, "doubled": a.doubled, "jobs_not_done": a.jobs_not_done,
        "memories_doubled": a.memories_doubled, "check_ok": a.check_ok, "check_findings": failed,
        "retries": ledger.retries, "client_errors": dict(ledger.errors), "audit_clean": a.clean,
    }


def _health(url: str) -> dict[str, Any]:
    try:
        r = httpx.get(f"{url}/v1/health/report", headers=HEADERS, timeout=10)
        return r.json() if r.status_code == 200 else {"status": f"http {r.status_code}"}
    except httpx.HTTPError as e:
        return {"status": f"unreachable: {type(e).__name__}"}


def _createdb(pg: PostgresCluster, name: str) -> str:
    subprocess.run(
        [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", name],
        check=True, capture_output=True, timeout=60,
    )
    return pg.url(name)


def kills(root: Path, pg: PostgresCluster, n_kills: int, seed: int = 1) -> dict[str, Any]:
    """SIGKILL, at random under load, one of two ``accord serve`` replicas (each with its
    in-process worker) or one of two ``accord worker`` processes, on one PostgreSQL; each is
    started again at once. Only a serving replica (ready) or a running worker is chosen, so
    every kill hits a process at work; the writers go to whichever replica answers."""
    rng = random.Random(seed)
    env = accord_env(root / "kills-data", ACCORD_DATABASE_URL=_createdb(pg, "kills"), ACCORD_INDEX="none")
    serves = [AccordProcess(f"kills-serve{i}", ["serve"], env, root, port=free_port()) for i in range(2)]
    workers = [AccordProcess(f"kills-worker{i}", ["worker"], env, root) for i in range(2)]
    for p in (*serves, *workers):
        p.start(wait=False)
    for p in serves:
        p.wait_ready()
    killed: Counter[str] = Counter()
    started = time.monotonic()
    try:
        with Writers([s.url for s in serves], users=10, threads=4) as writers:
            while sum(killed.values()) < n_kills:
                time.sleep(rng.uniform(0.1, 0.8))
                # Half the kills go to a serving replica when one is ready (a replica takes
                # seconds to start on a busy machine, a worker much less).
                ready = [p for p in serves if p.is_ready()]
                running = [p for p in workers if p.is_ready()]
                pool = ready if ready and (rng.random() < 0.5 or not running) else running
                if not pool:
                    continue
                victim = rng.choice(pool)
                victim.kill()
                killed["serve" if victim.port else "worker"] += 1
                victim.start(wait=False)
            for p in serves:
                p.wait_ready()
            time.sleep(1.0)
            writers.stop()
        drained = wait_drained(serves[0].url)
        figures = {"kills": sum(killed.values()), "by_process": dict(killed), "seconds": round(time.monotonic() - started, 1),
                   **_audit_figures(serves[0].url, writers.ledger, 10), "jobs_failed": drained["jobs_failed"]}
    finally:
        for p in (*serves, *workers):
            p.stop()
    figures["ok"] = figures["audit_clean"] and figures["kills"] >= n_kills and figures["jobs_failed"] == 0
    return figures


def postgres_restart(root: Path, pg: PostgresCluster) -> dict[str, Any]:
    """Restart the PostgreSQL cluster twice (fast, then immediate: a crash) under load."""
    env = accord_env(root / "pg-data", ACCORD_DATABASE_URL=_createdb(pg, "restart"), ACCORD_INDEX="none")
    serve = AccordProcess("pg-serve", ["serve"], env, root, port=free_port())
    serve.start()
    outages = []
    try:
        with Writers([serve.url], users=5, threads=2) as writers:
            for mode in ("fast", "immediate"):
                time.sleep(2.0)
                before = len(writers.ledger.acked)
                t0 = time.monotonic()
                if mode == "fast":
                    pg.restart("fast")
                else:
                    pg.stop()
                    pg.start()
                while len(writers.ledger.acked) == before and time.monotonic() - t0 < 120:
                    time.sleep(0.05)
                outages.append(round(time.monotonic() - t0, 2))
            time.sleep(1.0)
            writers.stop()
        ready = httpx.get(f"{serve.url}/ready", timeout=10).status_code
        wait_drained(serve.url)
        figures = {"restarts": 2, "seconds_to_next_ack": outages, "ready_after": ready,
                   **_audit_figures(serve.url, writers.ledger, 5)}
    finally:
        serve.stop()
    figures["ok"] = figures["audit_clean"] and ready == 200
    return figures


def redis_outage(root: Path) -> dict[str, Any]:
    """SIGKILL the Redis the server uses, then start it again on the same port."""
    redis = RedisServer(root)
    redis.start()
    env = accord_env(root / "redis-data", ACCORD_REDIS_URL=redis.url, ACCORD_REDIS_PREFIX="fault:")
    serve = AccordProcess("redis-serve", ["serve"], env, root, port=free_port())
    serve.start()
    try:
        with Writers([serve.url], users=5, threads=2) as writers:
            time.sleep(1.5)
            hot_before = _health(serve.url).get("mode", {}).get("hot_tier")
            redis.kill()
            time.sleep(2.0)
            httpx.post(f"{serve.url}/v1/memories/retrieve", headers=HEADERS, json={"query": "district", "user_id": "user-0"}, timeout=30)
            during = _health(serve.url)
            redis.start()
            t0 = time.monotonic()
            after: dict[str, Any] = {}
            while time.monotonic() - t0 < 90:
                httpx.post(f"{serve.url}/v1/memories/retrieve", headers=HEADERS, json={"query": "district", "user_id": "user-0"}, timeout=30)
                after = _health(serve.url)
                if after.get("status") == "ok" and after.get("checks", {}).get("hot_tier") == "ok":
                    break
                time.sleep(0.5)
            reconnect_s = round(time.monotonic() - t0, 2)
            time.sleep(1.0)
            writers.stop()
        wait_drained(serve.url)
        figures = {
            "hot_tier_before": hot_before,
            "during": {"status": during.get("status"), "hot_tier": during.get("mode", {}).get("hot_tier"),
                       "check": during.get("checks", {}).get("hot_tier")},
            "after": {"status": after.get("status"), "hot_tier": after.get("mode", {}).get("hot_tier"),
                      "check": after.get("checks", {}).get("hot_tier")},
            "seconds_to_reconnect": reconnect_s,
            **_audit_figures(serve.url, writers.ledger, 5),
        }
    finally:
        serve.stop()
        redis.kill()
    figures["ok"] = (
        figures["audit_clean"] and figures["during"]["status"] == "degraded" and figures["after"]["status"] == "ok"
        and figures["after"]["hot_tier"] == hot_before
    )
    return figures


def _found(url: str, user: str, query: str, turn: str) -> bool:
    r = httpx.post(f"{url}/v1/memories/retrieve", headers=HEADERS, json={"query": query, "user_id": user, "limit": 10}, timeout=30)
    # The turn, or what was extracted from it (a later turn may have superseded the fact).
    return r.status_code == 200 and any(query in m["content"] for m in r.json()["memories"])


def index_loss(root: Path) -> dict[str, Any]:
    """Remove ``<data_dir>/index`` under a running server: the next health probe reports it and
    the index is rebuilt in place; then SIGKILL and restart: nothing is missing at start-up."""
    data = root / "index-data"
    serve = AccordProcess("index-serve", ["serve"], accord_env(data), root, port=free_port())
    serve.start()
    try:
        with Writers([serve.url], users=5, threads=2) as writers:
            time.sleep(3.0)
            shutil.rmtree(data / "index")
            t0 = time.monotonic()
            during = _health(serve.url)
            while time.monotonic() - t0 < 120 and _health(serve.url).get("status") != "ok":
                time.sleep(0.2)
            rebuilt_s = round(time.monotonic() - t0, 2)
            time.sleep(2.0)
            serve.kill()
            serve.start()
            time.sleep(1.0)
            writers.stop()
        wait_drained(serve.url)
        # The shard flushes on its own schedule: the last writes before a SIGKILL may be missing
        # at the restart, which the start-up check finds and rebuilds (counted here).
        found_at_start = re.findall(r"at start-up: (\d+) missing", serve.log.read_text(errors="replace"))
        at_start = int(found_at_start[-1]) if found_at_start else 0
        sample = random.Random(3).sample(sorted(writers.ledger.acked.values()), min(20, len(writers.ledger.acked)))
        found = sum(_found(serve.url, user, turn.rsplit(" ", 1)[1], turn) for user, turn, _ in sample)
        figures = {
            "health_after_removal": {"status": during.get("status"), "index": during.get("checks", {}).get("index")},
            "seconds_to_rebuilt": rebuilt_s, "points_missing_at_restart": at_start, "found_after": f"{found}/{len(sample)}",
            **_audit_figures(serve.url, writers.ledger, 5),
        }
    finally:
        serve.stop()
    figures["ok"] = figures["audit_clean"] and found == len(sample) and during.get("status") == "degraded"
    return figures


def disk_full(root: Path) -> dict[str, Any]:
    """Fill the disk under the data dir: writes refused with a clear error, reads go on, nothing
    acknowledged lost; writes work again once space is freed."""
    disk = Tmpfs(root)
    data = disk.mount / "data"
    serve = AccordProcess("disk-serve", ["serve"], accord_env(data), root, port=free_port())
    serve.start()
    ledger = Ledger()
    refused: Counter[str] = Counter()
    messages: dict[str, str] = {}
    reads: Counter[int] = Counter()
    try:
        with Writers([serve.url], users=3, threads=1, ledger=ledger) as writers:
            time.sleep(2.0)
            writers.stop()
        wait_drained(serve.url)
        filler = disk.fill()
        with httpx.Client(headers=HEADERS, timeout=60) as http:
            for n in range(40):
                if serve.process is not None and serve.process.poll() is not None:
                    raise RuntimeError(f"the server died on the full disk: exit {serve.process.returncode}")
                body = {"messages": [turn_for(10**6 + n) + " and more" * 200], "user_id": f"user-{n % 3}"}
                r = http.post(f"{serve.url}/v1/memories/add", json=body)
                if r.status_code == 200 and r.json()["status"] == "queued":
                    refused["accepted"] += 1
                    ledger.acked[f"full-{n}"] = (body["user_id"], body["messages"][0], r.json()["job_id"])
                else:
                    refused[str(r.status_code)] += 1
                    messages.setdefault(str(r.status_code), r.text[:300])
                for path, kw in (("/v1/memories/retrieve", {"json": {"query": "district", "user_id": "user-0"}}),):
                    reads[http.post(f"{serve.url}{path}", **kw).status_code] += 1
                reads[http.get(f"{serve.url}/v1/memories", params={"user_id": "user-1"}).status_code] += 1
        filler.unlink()
        with Writers([serve.url], users=3, threads=1, ledger=ledger, start=10**5) as writers:
            time.sleep(2.0)
            writers.stop()
        wait_drained(serve.url)
        figures = {"disk": disk.kind, "adds_while_full": dict(refused), "error_messages": messages,
                   "reads_while_full": {str(k): v for k, v in reads.items()}, **_audit_figures(serve.url, ledger, 3)}
    finally:
        serve.stop()
        disk.unmount()
    clear = all(("space" in m.lower() or "disk" in m.lower()) for m in messages.values())
    figures["ok"] = figures["audit_clean"] and set(reads) == {200} and bool(messages) and clear
    return figures


def llm_outage(root: Path, fake: Any) -> dict[str, Any]:
    """Every LLM provider failing (HTTP 500), then recovering: jobs deferred, then applied once."""
    from tests.adapters.llm.conftest import Reply

    def answer(body: dict[str, Any]) -> str:
        said = body["messages"][-1]["content"]
        import json

        return json.dumps({"memories": [{
            "content": f"User said: {said[-60:]}", "category": "fact", "attribute_key": None, "attribute_value": None,
            "importance": 0.7, "confidence": 0.9, "message_index": 0, "negated": False, "scope": "user",
        }]})

    fake.script("fault", Reply.error(500))
    env = accord_env(
        root / "llm-data", ACCORD_LLM_PROVIDER_ORDER="openai/fault", ACCORD_LLM_API_BASES=f'{{"openai": "{fake.api_base}"}}',
        ACCORD_LLM_API_KEYS='{"openai": "sk-fault"}', ACCORD_LLM_ON_ALL_DOWN="wait", ACCORD_LLM_BREAKER_RESET_SECONDS="1",
    )
    serve = AccordProcess("llm-serve", ["serve"], env, root, port=free_port())
    serve.start()
    try:
        with Writers([serve.url], users=4, threads=2) as writers:
            time.sleep(3.0)
            writers.stop()
        time.sleep(2.0)
        ledger = writers.ledger
        with httpx.Client(headers=HEADERS, timeout=30) as http:
            statuses = Counter(http.get(f"{serve.url}/v1/jobs/{j}").json()["status"] for _, _, j in ledger.acked.values())
        failing_requests = len(fake.requests)
        fake.script("fault", Reply(content=answer))
        t0 = time.monotonic()
        wait_drained(serve.url)
        applied_s = round(time.monotonic() - t0, 2)
        with httpx.Client(headers=HEADERS, timeout=30) as http:
            extractors = Counter(http.get(f"{serve.url}/v1/jobs/{j}").json()["extractor"] for _, _, j in ledger.acked.values())
        figures = {"jobs": len(ledger.acked), "while_down": dict(statuses), "model_requests_while_down": failing_requests,
                   "seconds_to_applied_after_recovery": applied_s, "extractor_after": dict(extractors),
                   **_audit_figures(serve.url, ledger, 4)}
    finally:
        serve.stop()
    figures["ok"] = (
        figures["audit_clean"] and "done" not in statuses and "failed" not in statuses
        and set(extractors) == {"llm:openai/fault"}
    )
    return figures

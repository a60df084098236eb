"""The 1M benchmark: PostgreSQL as the store, Qdrant Edge (and qdrant-client local mode) as the index.

    nice -n 19 .venv/bin/python benchmarks/scale_1m.py [--memories 1000000] [--users 1000]
        [--index edge local] [--local-memories 20000] [--embedder none] [--queries 300]

For each index it creates a fresh PostgreSQL database (``accord_scale_<hex>``, dropped at the
end; the shared test databases are never touched) and a temporary data dir, then:

1. **loads** ``--memories`` memories over ``--users`` users: sessions of 50 turns, each stored
   the way ``add()`` stores it (``Store.enqueue``: turns, their episodic memories and the job, in
   one transaction; then ``VectorIndex.upsert``), with one durable fact per five turns among
   them. The load goes through the store and index ports directly (the gate is not measured),
   and the load's jobs are then marked done in SQL, as if extraction had found nothing more;
2. reopens the engine (start-up checks the index against SQL) and measures ``get()`` through the
   public API (``AsyncAccord.get``: authorisation, search, hydration, ranking, context) at 1, 8
   and 32 concurrent clients (asyncio tasks in this one process), random users and queries;
3. measures **job throughput**: ``--jobs`` one-turn ``add()`` calls, then drained by 1 and by 2
   in-process workers (claim, rule extraction, resolution, apply, index, complete); workers
   share the process because Qdrant Edge has one owning process;
4. prints the database size (``pg_database_size``, and the memories table with its indexes)
   and the index size on disk.

qdrant-client's local mode keeps every point in Python and filters point by point, so it is
only run up to ``--local-memories`` (default 20,000: where its own warning starts). A
benchmark, not a test: it prints figures; it asserts only that the load and the jobs completed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

from accord import AccordSettings, AsyncAccord
from accord.domain.records import IndexPoint, NewMemory, NewMessage, content_hash
from accord.engine.job import Worker
from accord.engine.write import episodic_index_text
from accord.errors import StorageError
from accord.domain.models import Message

SESSION_TURNS = 50
FACT_EVERY = 5  # one durable fact per five turns
LOAD_CONCURRENCY = 4  # sessions written at once
TENANT = "default"

_PEOPLE = ("Ana Ben Chloe Dmitri Elena Farid Grace Hugo Ines Jonas Keiko Liam Maya Nadia Omar Priya Quentin Rosa "
           "Sven Tara Umar Vera Wei Xavier Yara Zoe").split()
_PLACES = ("Lisbon Oslo Kyoto Lima Porto Nairobi Seattle Vienna Hanoi Bogota Dublin Tallinn Cusco Austin Lyon "
           "Krakow Seoul Quito Perth Tbilisi Zagreb Malmo Cork Turin").split()
_THINGS = ("ramen|sourdough bread|a vintage bicycle|the quarterly report|a jazz concert|a statistics course|"
           "a whale documentary|an Ishiguro novel|a standing desk|marathon training|the kitchen sink|a birthday cake|"
           "an Alpine hiking route|a Python library|a yoga class|running shoes|a chess opening|a pottery workshop|"
           "the tax return|a podcast about history|a sailing lesson|a violin|the garden fence|a board game night|"
           "a Rust compiler bug|an espresso machine|a climbing gym|a wedding speech|a job interview|a dentist visit|"
           "a camping trip|a sushi dinner|the car insurance|a bird-watching walk|a salsa class|a flu shot").split("|")
_VERBS = "visited bought cooked planned discussed fixed booked learned about watched ordered tried postponed".split()
_WHEN = "yesterday|last week|on Sunday|this morning|in March|after work|over the holidays|twice this month".split("|")
_WITH = "with {p}|in {c}|for {p}|near {c}|because {p} asked|on a trip to {c}|alone|on a budget".split("|")
_FACTS = ("I prefer {t}|My friend {p} lives in {c}|I want to get better at {t}|I work with {p} on {t}|"
          "I am allergic to {t}|My goal this year is {t} in {c}").split("|")
_QUESTIONS = ("what do I know about {t}?|when did I last see {p}?|anything planned in {c}?|what happened with {t} "
              "{w}?|who lives in {c}?|what does the user like?|remind me about {p} and {t}").split("|")


def _fill(rng: random.Random, template: str) -> str:
    return template.format(p=rng.choice(_PEOPLE), c=rng.choice(_PLACES), t=rng.choice(_THINGS), w=rng.choice(_WHEN))


def _turn(rng: random.Random, n: int) -> str:
    said = f"I {rng.choice(_VERBS)} {rng.choice(_THINGS)} {rng.choice(_WHEN)} {_fill(rng, rng.choice(_WITH))}"
    return f"{said} (note {n})"


def _query(rng: random.Random) -> str:
    return _fill(rng, rng.choice(_QUESTIONS))


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _session(rng: random.Random, user: str, job_id: str, start: int, n: int, now: dt.datetime):  # noqa: ANN202
    """One session's messages and memories: every turn episodic, every fifth turn also a durable fact."""
    said_at = now - dt.timedelta(days=rng.uniform(0, 730))
    turns = [Message(role="user", content=_turn(rng, start + k), created_at=said_at + dt.timedelta(minutes=k))
             for k in range(n)]
    messages = [NewMessage(id=str(uuid.uuid4()), position=k, role="user", content=t.content, said_at=t.created_at)
                for k, t in enumerate(turns)]
    texts = [episodic_index_text(turns, k, said_at=t.created_at) for k, t in enumerate(turns)]
    rows: list[NewMemory] = []
    for k, t in enumerate(turns):
        if k % FACT_EVERY == FACT_EVERY - 1:
            fact = f"{_fill(rng, rng.choice(_FACTS))} (fact {start + k})"
            rows.append(NewMemory(
                id=str(uuid.uuid4()), user_id=user, content=fact, content_hash=content_hash(fact), index_text=fact,
                category=rng.choice(["preference", "fact", "goal", "relationship"]), importance=rng.uniform(0.4, 0.9),
                source_kind="extracted", job_id=job_id, valid_from=t.created_at, confidence=0.9,
            ))
        else:
            rows.append(NewMemory(
                id=str(uuid.uuid4()), user_id=user, content=t.content, content_hash=content_hash(t.content),
                index_text=texts[k], category="episodic", importance=0.35, source_kind="episodic",
                source_role="user", session_id=job_id, message_id=messages[k].id, job_id=job_id,
                valid_from=t.created_at,
            ))
    return messages, rows


async def _load(engine: AsyncAccord, memories: int, users: int, rng: random.Random) -> dict[str, float]:
    """Sessions in rounds of ``LOAD_CONCURRENCY``: their transactions run together on the pool,
    then one index upsert takes the round's points."""
    parts, indexer = engine.parts, engine._indexer  # noqa: SLF001 - the bulk load goes through the ports
    assert parts.index is not None
    sql_s = index_s = embed_s = 0.0
    done, t_all, next_report, session = 0, time.perf_counter(), 0, 0
    while done < memories:
        t0 = time.perf_counter()
        now, batch, points = dt.datetime.now(dt.UTC), [], []
        while len(batch) < LOAD_CONCURRENCY and done < memories:
            n = min(SESSION_TURNS, memories - done)
            user, job_id = f"user-{session % users}", str(uuid.uuid4())
            messages, rows = _session(rng, user, job_id, done, n, now)
            vectors = await indexer.embed([r.index_text for r in rows])
            if vectors is not None:
                name = parts.embedder.name if parts.embedder else None
                rows = [NewMemory(**{**_fields(r), "embedding": v, "embedding_model": name})
                        for r, v in zip(rows, vectors, strict=True)]
            batch.append(parts.store.enqueue(
                tenant_id=TENANT, user_id=user, agent_id=None, session_id=job_id, job_id=job_id,
                content_hash=content_hash(job_id), idempotency_key=None, new_messages=messages, episodic=rows,
                now=now,
            ))
            points += [IndexPoint(memory_id=r.id, tenant_id=TENANT, user_id=user, category=r.category,
                                  status="active", created_at=now, text=r.index_text, dense=r.embedding,
                                  session_id=r.session_id) for r in rows]
            done += n
            session += 1
        t1 = time.perf_counter()
        await asyncio.gather(*batch)
        t2 = time.perf_counter()
        await parts.index.upsert(points)
        t3 = time.perf_counter()
        embed_s, sql_s, index_s = embed_s + t1 - t0, sql_s + t2 - t1, index_s + t3 - t2
        if done >= next_report:
            rate = done / (time.perf_counter() - t_all)
            print(f"  loaded {done:>9,} memories  {rate:7,.0f}/s  (load average {os.getloadavg()[0]:.1f})", flush=True)
            next_report += max(memories // 20, SESSION_TURNS)
    total = time.perf_counter() - t_all
    return {"memories": done, "seconds": total, "rate": done / total, "sql_s": sql_s, "index_s": index_s,
            "embed_s": embed_s}


def _fields(m: NewMemory) -> dict[str, object]:
    return {f: getattr(m, f) for f in NewMemory.__dataclass_fields__}


async def _settle_load_jobs(dsn: str) -> int:
    """The load's jobs, done: as if extraction had found nothing more than what was loaded."""
    conn = await asyncpg.connect(dsn)
    try:
        status = await conn.execute(
            "UPDATE jobs SET status = 'done', applied_at = created_at, extractor = 'bulk-load' WHERE status = 'queued'"
        )
        await conn.execute("VACUUM ANALYZE")
        return int(status.split()[-1])
    finally:
        await conn.close()


async def _gets(engine: AsyncAccord, users: int, clients: int, queries: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    work = [(_query(rng), f"user-{rng.randrange(users)}") for _ in range(queries)]
    samples: list[float] = []
    hits: list[int] = []

    async def client(mine: list[tuple[str, str]]) -> None:
        for query, user in mine:
            t0 = time.perf_counter()
            result = await engine.get(query, user)
            samples.append((time.perf_counter() - t0) * 1000)
            hits.append(len(result.memories))

    t0, cpu0 = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client(work[i::clients]) for i in range(clients)))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"clients": clients, "p50": statistics.median(samples), "p95": _pct(samples, 0.95),
            "p99": _pct(samples, 0.99), "qps": len(samples) / wall, "hits": statistics.mean(hits),
            "cpu_ms": cpu * 1000 / len(samples), "load": os.getloadavg()[0]}


async def _jobs(engine: AsyncAccord, jobs: int, workers: int, users: int, rng: random.Random) -> dict[str, float]:
    for i in range(jobs):
        result = await engine.add(_fill(rng, rng.choice(_FACTS)) + f" (job {workers}-{i})", f"user-{i % users}")
        assert result.status == "queued", result
    crew = [Worker(engine.parts, engine._indexer, engine._authz) for _ in range(workers)]  # noqa: SLF001
    t0 = time.perf_counter()
    done = sum(await asyncio.gather(*(w.drain() for w in crew)))
    elapsed = time.perf_counter() - t0
    counts = await engine.parts.store.store_counts(TENANT)
    assert counts["jobs_pending"] == 0 and counts["jobs_failed"] == 0, counts
    return {"workers": workers, "jobs": done, "seconds": elapsed, "rate": done / elapsed}


async def _sizes(dsn: str, index_dir: Path) -> dict[str, float]:
    conn = await asyncpg.connect(dsn)
    try:
        db = await conn.fetchval("SELECT pg_database_size(current_database())")
        mem = await conn.fetchval("SELECT pg_total_relation_size('memories')")
        msg = await conn.fetchval("SELECT pg_total_relation_size('messages')")
    finally:
        await conn.close()
    disk = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    return {"database_mb": db / 2**20, "memories_table_mb": mem / 2**20, "messages_table_mb": msg / 2**20,
            "index_mb": disk / 2**20}


async def run(kind: str, args: argparse.Namespace, memories: int) -> None:
    db = f"accord_scale_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(f"{args.postgres}/postgres")
    await admin.execute(f'CREATE DATABASE "{db}"')
    dsn = f"{args.postgres}/{db}"
    print(f"\n== {kind}: {memories:,} memories over {args.users:,} users, embedder {args.embedder}, database {db}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    try:
        with tempfile.TemporaryDirectory(prefix="accord-scale-") as tmp:
            data_dir = Path(tmp)
            index = {"index": "qdrant_edge"} if kind == "edge" else {
                "index": "qdrant_server", "qdrant_path": data_dir / "qdrant"}
            settings = AccordSettings(
                data_dir=data_dir, database_url=dsn.replace("postgresql://", "postgresql+asyncpg://"),
                embedder=args.embedder, run_worker=False, rate_limit_per_minute=1e9, rate_limit_burst=10**6,
                dedup_window_seconds=0, max_pending_jobs_per_tenant=None, **index,
            )
            rng = random.Random(args.seed)
            async with AsyncAccord(settings) as engine:
                load = await _load(engine, memories, args.users, rng)
            settled = await _settle_load_jobs(dsn)
            print(f"load: {load['rate']:,.0f} memories/s ({load['memories']:,} in {load['seconds']:.0f} s: "
                  f"SQL {load['sql_s']:.0f} s, index {load['index_s']:.0f} s, building the sessions and embedding {load['embed_s']:.0f} s; "
                  f"{settled:,} load jobs marked done)")
            t0 = time.perf_counter()
            async with AsyncAccord(settings) as engine:
                print(f"reopen with {memories:,} memories: {time.perf_counter() - t0:.2f} s, "
                      f"index stale: {engine.parts.index_stale}")
                for _ in range(20):
                    await engine.get(_query(rng), f"user-{rng.randrange(args.users)}")  # warm up
                for clients in args.clients:
                    try:
                        g = await _gets(engine, args.users, clients, args.queries, args.seed + clients)
                    except StorageError as e:  # e.g. local mode: no pooled connection within 30 s
                        print(f"get, {clients:>2} client(s): failed: {str(e)[:160]}", flush=True)
                        continue
                    print(f"get, {clients:>2} client(s): p50 {g['p50']:6.2f} ms  p95 {g['p95']:6.2f} ms  "
                          f"p99 {g['p99']:6.2f} ms  {g['qps']:6.0f} gets/s  {g['cpu_ms']:5.2f} ms CPU a get in this process  "
                          f"({g['hits']:.1f} memories a get; load average {g['load']:.1f})",
                          flush=True)
                for workers in (1, 2):
                    j = await _jobs(engine, args.jobs, workers, args.users, rng)
                    print(f"jobs, {workers} worker(s): {j['rate']:6.1f} jobs/s ({j['jobs']} in {j['seconds']:.1f} s; "
                          f"load average {os.getloadavg()[0]:.1f})",
                          flush=True)
            s = await _sizes(dsn, data_dir / ("index" if kind == "edge" else "qdrant"))
            print(f"sizes: database {s['database_mb']:,.0f} MB (memories {s['memories_table_mb']:,.0f} MB, "
                  f"messages {s['messages_table_mb']:,.0f} MB, with indexes), index on disk {s['index_mb']:,.0f} MB")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        await admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--memories", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--index", nargs="+", choices=["edge", "local"], default=["edge", "local"])
    parser.add_argument("--local-memories", type=int, default=20_000, help="cap for qdrant-client local mode")
    parser.add_argument("--embedder", default="none", help="none (BM25 only) or an embedder spec, e.g. model2vec:<dir>")
    parser.add_argument("--queries", type=int, default=300, help="gets per concurrency level")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--jobs", type=int, default=100, help="one-turn adds drained per worker count")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    for kind in args.index:
        memories = args.memories if kind == "edge" else min(args.memories, args.local_memories)
        asyncio.run(run(kind, args, memories))
    return 0


if __name__ == "__main__":
    sys.exit(main())

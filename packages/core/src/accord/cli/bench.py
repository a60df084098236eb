"""``accord bench``: add throughput and get latency on the embedded default.

Prints figures; asserts nothing. Data is synthetic but shaped like chat turns (a few
hundred distinct words, 8-20 words a turn), generated from a fixed seed.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from accord.settings import AccordSettings
from accord.engine.engine import AsyncAccord

_SUBJECTS = "I my-sister my-manager we our-team my-friend the-kids".split()
_VERBS = "visited bought cooked planned discussed fixed painted booked learned watched read ordered".split()
_OBJECTS = (
    "a ramen place|the museum of modern art|a vintage bicycle|a trip to Lisbon|the quarterly report|"
    "a sourdough loaf|the garden shed|tickets for a jazz concert|a course on statistics|a documentary about whales|"
    "a novel by Ishiguro|a standing desk|a marathon training plan|the kitchen sink|a birthday cake|"
    "a hiking route in the Alps|a Python library|a yoga class|new running shoes|a chess opening"
).split("|")
_WHEN = "yesterday|last week|on Sunday|this morning|in March|after work|during the holidays|twice this month".split("|")
_EXTRA = "because it was fun|with a friend|for the first time|again|despite the rain|on a budget|for my mother".split("|")


def _turn(rng: random.Random, i: int) -> str:
    subject = rng.choice(_SUBJECTS).replace("-", " ")
    return f"{subject.capitalize()} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_WHEN)} {rng.choice(_EXTRA)} (note {i})"


def _query(rng: random.Random) -> str:
    return f"what did they say about {rng.choice(_OBJECTS)} {rng.choice(_WHEN)}?"


@dataclass
class BenchRow:
    embedder: str
    memories: int
    users: int
    add_single_turns_per_s: float
    add_batched_turns_per_s: float
    get_p50_ms: float
    get_p95_ms: float
    get_p99_ms: float
    rss_mb: float


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench_one(spec: str, size: int, users: int, queries: int, seed: int = 7) -> BenchRow:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as tmp:
        settings = AccordSettings(
            data_dir=Path(tmp),
            embedder=spec,
            run_worker=False,  # measure the add path; extraction is asynchronous by design
            rate_limit_per_minute=1e9,
            rate_limit_burst=1_000_000,
            dedup_window_seconds=0,
        )
        async with AsyncAccord(settings) as memory:
            user_ids = [f"user-{u}" for u in range(users)]
            # Single-turn adds, one call per turn: the latency-bound case.
            single = min(500, size)
            start = time.perf_counter()
            for i in range(single):
                await memory.add([{"role": "user", "content": _turn(rng, i)}], user_ids[i % users])
            single_rate = single / (time.perf_counter() - start)
            # Batched adds (a session of 50 turns per call) fill the rest.
            batched = size - single
            start = time.perf_counter()
            i = single
            while i < size:
                n = min(50, size - i)
                turns = [{"role": "user", "content": _turn(rng, i + k)} for k in range(n)]
                await memory.add(turns, user_ids[(i // 50) % users], session_id=f"s{i // 50}")
                i += n
            batched_rate = batched / (time.perf_counter() - start) if batched else float("nan")
            for _ in range(20):  # warm up
                await memory.get(_query(rng), user_ids[0])
            samples = []
            for q in range(queries):
                user = user_ids[q % users]
                t0 = time.perf_counter()
                await memory.get(_query(rng), user)
                samples.append((time.perf_counter() - t0) * 1000)
            rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            return BenchRow(
                embedder=spec,
                memories=size,
                users=users,
                add_single_turns_per_s=round(single_rate, 1),
                add_batched_turns_per_s=round(batched_rate, 1),
                get_p50_ms=round(statistics.median(samples), 2),
                get_p95_ms=round(_pct(samples, 0.95), 2),
                get_p99_ms=round(_pct(samples, 0.99), 2),
                rss_mb=round(rss_mb, 1),
            )


async def run_bench(
    *, sizes: list[int], users: list[int], embedder: list[str], queries: int, json_out: str | None
) -> list[BenchRow]:
    rows: list[BenchRow] = []
    header = (
        f"{'embedder':<28} {'memories':>9} {'users':>6} {'add 1/call':>11} {'add 50/call':>12} "
        f"{'get p50':>8} {'get p95':>8} {'get p99':>8} {'max RSS':>8}"
    )
    print(header)
    print("-" * len(header))
    for spec in embedder:
        for size in sizes:
            for n_users in users:
                row = await bench_one(spec, size, n_users, queries)
                rows.append(row)
                print(
                    f"{_short(spec):<28} {row.memories:>9,} {row.users:>6} {row.add_single_turns_per_s:>9,.0f}/s "
                    f"{row.add_batched_turns_per_s:>10,.0f}/s {row.get_p50_ms:>6.2f}ms {row.get_p95_ms:>6.2f}ms "
                    f"{row.get_p99_ms:>6.2f}ms {row.rss_mb:>6.0f}MB",
                    flush=True,
                )
    if json_out:
        Path(json_out).write_text(json.dumps([asdict(r) for r in rows], indent=2))
    return rows


def _short(spec: str) -> str:
    if ":" in spec and "/" in spec:
        kind, _, path = spec.partition(":")
        return f"{kind}:{Path(path).name}"
    return spec

"""What the entity graph costs: rule-based entity reading per turn, and graph expansion per
``get()`` for one user with many memories and entities.

    python benchmarks/graph_speed.py [--memories 10000] [--entities 2000] [--queries 300] [--json OUT]

1. **Reading**: ``read_entities`` on each turn of a synthetic corpus (people by name and role,
   pets, places, organisations, pronouns, plain chat), one turn at a time; p50 / p95 / max.
2. **Expansion**: one embedded engine (SQLite + Qdrant Edge, no embedder) is filled through
   ``add()`` with ``--memories`` turns naming ``--entities`` distinct people and places; then
   the same queries (each names an entity, a role or a group) are asked with the graph on
   and off, interleaved, and the p50 / p95 of ``get()`` are compared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from accord import AccordSettings, AsyncAccord
from accord.domain.entities import Turn, read_entities

_SYLLABLES = "ka lo mi ra te su no vi de an el or is ul be ta ri po ne sa".split()
_ROLES = ["friend", "colleague", "cousin", "neighbor", "teammate", "mentor", "client", "classmate"]
_PLACES = ["Lisbon", "Porto", "Berlin", "Madrid", "Oslo", "Kyoto", "Lima", "Quito", "Accra", "Hanoi"]
_ORGS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne"]
_TEMPLATES = [
    "My {role} {name} works at {org}.",
    "{name} moved to {place} last year.",
    "I had lunch with {name} today. She is a nurse.",
    "My {role} {name} loves climbing and he is a pilot.",
    "We talked about the weather and the traffic for a while.",
    "{name} is from {place} and works for {org}.",
    "I went hiking with {name} in {place}.",
    "Honestly I just need some sleep, the week was long.",
]


def _names(n: int, rng: random.Random) -> list[str]:
    seen: set[str] = set()
    while len(seen) < n:
        seen.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(seen)


def _turn(names: list[str], rng: random.Random) -> str:
    return rng.choice(_TEMPLATES).format(
        role=rng.choice(_ROLES), name=rng.choice(names), org=rng.choice(_ORGS), place=rng.choice(_PLACES)
    )


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def reading(turns: list[str]) -> dict[str, float]:
    times = []
    for text in turns:
        start = time.perf_counter()
        read_entities([Turn(text)])
        times.append((time.perf_counter() - start) * 1000)
    return {"turns": len(turns), "p50_ms": statistics.median(times), "p95_ms": _pct(times, 0.95), "max_ms": max(times)}


async def expansion(
    memories: int, entities: int, queries: int, rng: random.Random, reuse: Path | None = None
) -> dict[str, float]:
    names = _names(entities, rng)
    with tempfile.TemporaryDirectory() as tmp:
        settings = AccordSettings(
            data_dir=reuse or Path(tmp), embedder="none", rate_limit_per_minute=1e12, rate_limit_burst=10**9,
            dedup_window_seconds=0, tenant_memory_quota=None, access_boost=0.0,
        )  # fmt: skip
        async with AsyncAccord(settings) as engine:
            start = time.perf_counter()
            # Every name once first (so the graph holds them all), then random turns.
            # (No name twice in one add(): two memories of one job about "friend X" would share an
            # attribute key, which the write path refuses.)
            turns = [f"My {rng.choice(_ROLES)} {n} lives in {rng.choice(_PLACES)}." for n in names]
            while len(turns) < memories:
                turns += [_turn([n], rng) for n in rng.sample(names, min(25, len(names)))]
            for i in range(0, 0 if reuse else memories, 25):
                batch = [{"role": "user", "content": t} for t in turns[i : min(i + 25, memories)]]
                await engine.add(batch, user_id="bench", wait=True, timeout=600)
            fill = time.perf_counter() - start
            stats = await engine.stats("bench")
            graph = engine.parts.graph
            assert graph is not None
            if reuse:  # the names the filled store holds
                names = [e.name for e in await graph.entities(engine.principal.tenant_id, "bench", kinds=["person"], limit=1000)]
            held = await graph.entities(engine.principal.tenant_id, "bench", limit=1000, offset=0)
            n_entities = len(held) + len(await graph.entities(engine.principal.tenant_id, "bench", limit=1000, offset=1000))
            n_entities += len(await graph.entities(engine.principal.tenant_id, "bench", limit=1000, offset=2000))
            asked = [
                rng.choice([f"What does {rng.choice(names)} do?", f"Where does my {rng.choice(_ROLES)} live?",
                            f"Who in my family lives in {rng.choice(_PLACES)}?", f"Tell me about {rng.choice(names)}"])
                for _ in range(queries)
            ]  # fmt: skip
            on: list[float] = []
            off: list[float] = []
            for q in asked[:20]:  # warm both paths
                await engine.get(q, user_id="bench")
            for q in asked:
                for times, g in ((on, graph), (off, None)):
                    engine.parts.graph = g
                    t = time.perf_counter()
                    await engine.get(q, user_id="bench")
                    times.append((time.perf_counter() - t) * 1000)
            engine.parts.graph = graph
    return {
        "memories": stats.active_memories, "entities": n_entities, "fill_seconds": round(fill, 1), "queries": queries,
        "get_p50_on_ms": statistics.median(on), "get_p95_on_ms": _pct(on, 0.95),
        "get_p50_off_ms": statistics.median(off), "get_p95_off_ms": _pct(off, 0.95),
        "added_p50_ms": statistics.median(on) - statistics.median(off), "added_p95_ms": _pct(on, 0.95) - _pct(off, 0.95),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--memories", type=int, default=10_000)
    p.add_argument("--entities", type=int, default=2_000)
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--turns", type=int, default=5_000, help="turns for the reading benchmark")
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--data-dir", type=Path, default=None, help="measure a store filled by an earlier run (user 'bench')")
    args = p.parse_args(argv)
    rng = random.Random(16)
    names = _names(500, rng)
    report = {"reading": reading([_turn(names, rng) for _ in range(args.turns)])}
    print(f"entity reading per turn: p50 {report['reading']['p50_ms']:.3f} ms, p95 {report['reading']['p95_ms']:.3f} ms")
    report["expansion"] = asyncio.run(expansion(args.memories, args.entities, args.queries, rng, args.data_dir))
    e = report["expansion"]
    print(
        f"get() with {e['memories']} memories, {e['entities']} entities: graph on p50/p95 "
        f"{e['get_p50_on_ms']:.2f}/{e['get_p95_on_ms']:.2f} ms, off {e['get_p50_off_ms']:.2f}/{e['get_p95_off_ms']:.2f} ms; "
        f"added p50 {e['added_p50_ms']:.2f} ms, p95 {e['added_p95_ms']:.2f} ms"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the built-in reranker and the irregular-forms lookup add to one get(), in isolation.

    python benchmarks/rerank_speed.py [--candidates 40] [--queries 2000]

Scores ``--candidates`` synthetic conversational turns (the default pool of get() is 40) for
each of ``--queries`` questions, with the same code get() runs (date range, features,
irregular-form terms), and prints p50/p95/p99 in milliseconds. Pure CPU, no stores.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import time

from accord.adapters.rerankers.features import FeatureReranker
from accord.domain.clock import ManualClock
from accord.domain.inflection import irregular_terms
from accord.domain.records import RerankCandidate

WORDS = (
    "adopted puppy shelter marathon violin lessons garden tomatoes bakery sourdough interview promotion "
    "wedding honeymoon Lisbon flight cancelled knee hiking museum painting concert guitar jazz chess "
    "tournament kittens daughter school hospital mother exam statistics scholarship camping bear"
).split()
QUESTIONS = [
    "When did Caroline go to the support group?", "What did Melanie paint last year?",
    "Where did they go camping in the second week of June 2023?", "Did she lose the chess tournament?",
    "What instrument does he play?", "How many kids does Mel have?", "What did John buy on 8 May 2023?",
]  # fmt: skip


def _candidates(rng: random.Random, n: int) -> list[RerankCandidate]:
    day = dt.datetime(2023, 5, 1, tzinfo=dt.UTC)
    return [
        RerankCandidate(
            memory_id=str(i),
            text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30))),
            relevance=rng.random(),
            dense=rng.random(),
            session=f"s{i // 10}",
            turn=i % 10,
            said_at=day + dt.timedelta(days=i // 10),
        )
        for i in range(n)
    ]


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--candidates", type=int, default=40)
    p.add_argument("--queries", type=int, default=2000)
    args = p.parse_args()
    rng = random.Random(7)
    reranker = FeatureReranker(ManualClock())
    irregular_terms("warm up the lemma tables")  # loaded once per process
    times = []
    for q in range(args.queries):
        query, pool = QUESTIONS[q % len(QUESTIONS)] + f" {rng.choice(WORDS)}", _candidates(rng, args.candidates)
        start = time.perf_counter()
        irregular_terms(query)
        await reranker.rerank(query, pool)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    pick = lambda f: times[min(len(times) - 1, int(f * len(times)))]  # noqa: E731
    print(f"{args.candidates} candidates, {args.queries} queries: p50 {pick(0.5):.3f} ms  p95 {pick(0.95):.3f} ms  p99 {pick(0.99):.3f} ms")


if __name__ == "__main__":
    asyncio.run(main())

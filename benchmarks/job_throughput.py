"""Extraction throughput of the job queue: jobs a second, with the rules and with a scripted LLM.

    .venv/bin/python benchmarks/job_throughput.py [--jobs 300] [--workers 1] [--latency-ms 0]

Each run opens an embedded engine (SQLite + Qdrant Edge, no dense embedder) in a fresh
temporary data dir with its background worker off, enqueues ``--jobs`` adds of one turn each
(varied personal facts, one user per ten jobs), then drains the queue with ``--workers``
workers in this process and prints jobs/s for the drain alone (claim, extract, resolve,
apply, index, complete). The LLM run points litellm at the scripted OpenAI-compatible server
the tests use (``tests/adapters/llm/conftest.py``) on loopback; ``--latency-ms`` makes each of
its answers wait, to show how a model's latency bounds throughput. A benchmark, not a test:
it prints figures and asserts nothing but that every job finished.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the scripted LLM server lives in the test tree

from accord import AccordSettings, AsyncAccord  # noqa: E402
from accord.engine.job import Worker  # noqa: E402

FACTS = [
    "I work at {x}", "I live in {x}", "My sister is called {x}", "I love {x}", "I'm allergic to {x}",
    "My favourite band is {x}", "I drive a {x}", "I'm learning {x}", "My dog is called {x}", "I was born in {x}",
]
WORDS = ["Globex", "Oslo", "Ana", "hiking", "peanuts", "Muse", "Volvo", "Rust", "Rex", "Porto", "Initech", "Lima"]


def _turn(i: int) -> str:
    return FACTS[i % len(FACTS)].format(x=f"{WORDS[(i * 7) % len(WORDS)]}{i}")


def _answer(body: dict[str, Any]) -> str:
    """The scripted model's answer: one fact, the turn itself reworded, as the extractor expects."""
    said = body["messages"][-1]["content"]
    return json.dumps({"memories": [{
        "content": f"User said: {said[-80:]}", "category": "fact", "attribute_key": None, "attribute_value": None,
        "importance": 0.7, "confidence": 0.9, "message_index": 0, "negated": False, "scope": "user",
    }]})


async def _run(settings: AccordSettings, jobs: int, workers: int) -> tuple[float, int]:
    async with AsyncAccord(settings) as engine:
        for i in range(jobs):
            result = await engine.add(_turn(i), user_id=f"user{i // 10}")
            assert result.status == "queued", result
        crew = [Worker(engine.parts, engine._indexer, engine._authz) for _ in range(workers)]  # noqa: SLF001
        start = time.perf_counter()
        done = sum(await asyncio.gather(*(w.drain() for w in crew)))
        elapsed = time.perf_counter() - start
        counts = await engine.parts.store.store_counts("default")
        assert counts["jobs_pending"] == 0 and counts["jobs_failed"] == 0, counts
        return elapsed, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="each scripted LLM answer waits this long")
    args = parser.parse_args()
    base = {"embedder": "none", "run_worker": False, "rate_limit_burst": 10**6, "rate_limit_per_minute": 10**9,
            "max_pending_jobs_per_tenant": None}
    print(f"{args.jobs} jobs of one turn, {args.workers} worker(s), embedded SQLite + Qdrant Edge, lexical index")
    with tempfile.TemporaryDirectory() as tmp:
        elapsed, n = asyncio.run(_run(AccordSettings(data_dir=Path(tmp) / "rules", **base), args.jobs, args.workers))
        print(f"rules:          {n / elapsed:8.1f} jobs/s  ({n} jobs in {elapsed:.2f} s)")
        from tests.adapters.llm.conftest import Reply, _serving  # noqa: PLC0415 - needs litellm

        with _serving() as fake:
            delay = args.latency_ms / 1000.0
            fake.script("bench", Reply(content=_answer, hang_seconds=delay) if delay else Reply(content=_answer))
            llm = AccordSettings(
                data_dir=Path(tmp) / "llm",
                llm_provider_order=["openai/bench"],
                llm_api_bases={"openai": fake.api_base},
                llm_api_keys={"openai": "sk-bench"},
                **base,
            )
            elapsed, n = asyncio.run(_run(llm, args.jobs, args.workers))
            served = len(fake.requests)
        print(f"scripted LLM:   {n / elapsed:8.1f} jobs/s  ({n} jobs in {elapsed:.2f} s, {served} model requests, "
              f"{args.latency_ms:g} ms per answer)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Paraphrase recall: a later message that relates to an earlier turn with no shared word.

    python benchmarks/paraphrase/run.py --embedder model2vec:<dir> [--split tuning|heldout|both]

Each case of ``cases.tsv`` is an earlier turn (the target) and a later message that shares no
content word with it (checked: a case that does is reported and left out). Every target and
every line of ``distractors.txt`` is stored as one turn of one user, in its own session; each
query then asks ``get(query, limit=10)`` for episodic memories, and a case counts when its
target is among them. Cases alternate between the ``tuning`` and ``heldout`` halves (fixed
before any tuning). Modes: lexical (no embedder), dense (``dense_weight=1``), hybrid (the
defaults). Prints recall@1/5/10 per mode and half.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from accord import AccordSettings, AsyncAccord
from accord.domain import lexical

HERE = Path(__file__).parent
MODES: dict[str, dict[str, Any]] = {"lexical": {"embedder": "none"}, "dense": {"dense_weight": 1.0}, "hybrid": {}}
BASE: dict[str, Any] = {
    "profile_memories": 0, "recent_turns": 0, "access_boost": 0.0, "rate_limit_per_minute": 1e12,
    "rate_limit_burst": 10**9, "dedup_window_seconds": 0.0, "llm_provider_order": [], "redis_url": None,
    "database_url": None, "index": "qdrant_edge",
}  # fmt: skip


def load_cases() -> tuple[list[tuple[str, str, str]], list[str]]:
    cases, dropped = [], []
    rows = [line for line in (HERE / "cases.tsv").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for i, line in enumerate(rows):
        target, query = line.split("\t")
        shared = set(lexical.tokenize(target)) & set(lexical.tokenize(query))
        if shared:
            dropped.append(f"{query!r} shares {sorted(shared)}")
            continue
        cases.append(("tuning" if i % 2 == 0 else "heldout", target, query))
    return cases, dropped


async def run_mode(mode: str, embedder: str, cases: list[tuple[str, str, str]], extra: dict[str, Any]) -> dict[str, list[int]]:
    distractors = [d for d in (HERE / "distractors.txt").read_text(encoding="utf-8").splitlines() if d.strip()]
    with tempfile.TemporaryDirectory(prefix=f"accord-para-{mode}-") as tmp:
        settings = AccordSettings(**{**BASE, "embedder": embedder, **extra, **MODES[mode], "data_dir": Path(tmp)})
        async with AsyncAccord(settings) as memory:
            for n, text in enumerate([t for _, t, _ in cases] + distractors):
                await memory.add([{"role": "user", "content": text, "name": "Sam"}], user_id="sam", session_id=f"s{n}", wait=True)
            ranks: dict[str, list[int]] = {}
            for split, target, query in cases:
                got = await memory.get(query, "sam", limit=10, categories=["episodic"])
                found = [m.content for m in got.memories]
                ranks.setdefault(split, []).append(found.index(target) + 1 if target in found else 0)
    return ranks


def recall(ranks: list[int], k: int) -> float:
    return round(sum(1 for r in ranks if 0 < r <= k) / len(ranks), 3) if ranks else 0.0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--embedder", required=True, help="model2vec:<dir> or sentence-transformers:<dir>")
    p.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    args = p.parse_args()
    extra = dict(o.split("=", 1) for o in args.overrides)
    cases, dropped = load_cases()
    for d in dropped:
        print("left out:", d)
    print(f"{len(cases)} cases ({sum(1 for c in cases if c[0] == 'tuning')} tuning), embedder {args.embedder}")
    for mode in args.modes:
        start = time.perf_counter()
        ranks = asyncio.run(run_mode(mode, args.embedder, cases, extra))
        cells = "  ".join(
            f"{split} R@1 {recall(r, 1):.3f} R@5 {recall(r, 5):.3f} R@10 {recall(r, 10):.3f}" for split, r in sorted(ranks.items(), reverse=True)
        )
        print(f"{mode:8s} {cells}  ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()

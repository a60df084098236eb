"""How long the default (rules) extractor takes on a 10-turn conversation: p50 and p95.

    .venv/bin/python benchmarks/extraction_speed.py [FILE ...] [--conversations 200] [--rounds 3]

Builds varied 10-turn conversations (user and assistant turns alternating, starting with the
user) from the turns of the extraction corpus (default: the ``*.tuning.jsonl`` files), then
times ``extract()`` of the extractor the engine builds when no LLM is configured,
``GuardedExtractor(RuleBasedExtractor())`` (see ``accord.engine.bootstrap``), called directly:
no store, no gate, no conflict resolution. The process is pinned to one core where the OS
allows it, so the figures do not depend on how many cores are idle.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from accord import Message
from accord.adapters.extractors.rules.extractor import RuleBasedExtractor
from accord.adapters.llm import GuardedExtractor

CORPUS = Path(__file__).resolve().parent / "extraction" / "corpus"
TURNS_PER_CONVERSATION = 10
WARMUP_CONVERSATIONS = 5
START = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)


def corpus_turns(paths: Sequence[Path]) -> tuple[list[str], list[str]]:
    """(user turns, assistant turns) of every case of the files, in file order."""
    user: list[str] = []
    assistant: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            for session in case.get("sessions") or [case.get("messages", [])]:
                for turn in session:
                    (assistant if turn["role"] == "assistant" else user).append(turn["content"])
    return user, assistant


def conversations(
    user: Sequence[str], assistant: Sequence[str], count: int, seed: int
) -> list[list[Message]]:
    """``count`` conversations of alternating turns, drawn at random (but reproducibly)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        turns = []
        for i in range(TURNS_PER_CONVERSATION):
            at = START + dt.timedelta(minutes=i)
            if i % 2 and assistant:
                turns.append(Message(role="assistant", content=rng.choice(assistant), created_at=at))
            else:
                turns.append(Message(role="user", content=rng.choice(user), created_at=at))
        out.append(turns)
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation between the closest ranks."""
    ranked = sorted(values)
    at = q * (len(ranked) - 1)
    low = int(at)
    high = min(low + 1, len(ranked) - 1)
    return ranked[low] + (ranked[high] - ranked[low]) * (at - low)


async def time_extraction(convs: Sequence[Sequence[Message]], rounds: int) -> tuple[list[float], int]:
    """Milliseconds per ``extract()`` call (every conversation, ``rounds`` times), and memories found."""
    extractor = GuardedExtractor(RuleBasedExtractor())
    for conv in convs[:WARMUP_CONVERSATIONS]:  # untimed: first calls compile patterns and fill caches
        await extractor.extract(conv)
    times: list[float] = []
    memories = 0
    for _ in range(rounds):
        for conv in convs:
            start = time.perf_counter()
            found = await extractor.extract(conv)
            times.append((time.perf_counter() - start) * 1000)
            memories += len(found)
    return times, memories // max(rounds, 1)


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
        return "pinned to core 0"
    return "not pinned (no sched_setaffinity on this OS)"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "files", nargs="*", type=Path, help="corpus JSONL files (default: corpus/*.tuning.jsonl)"
    )
    parser.add_argument("--conversations", type=int, default=200, metavar="N")
    parser.add_argument("--rounds", type=int, default=3, metavar="R", help="times each conversation is timed")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    files = args.files or sorted(CORPUS.glob("*.tuning.jsonl"))
    user, assistant = corpus_turns(files)
    if not user:
        print("no user turns in the files", file=sys.stderr)
        return 1
    pinned = pin_to_one_core()
    convs = conversations(user, assistant, args.conversations, args.seed)
    times, memories = asyncio.run(time_extraction(convs, args.rounds))
    print(
        f"rules extraction (GuardedExtractor(RuleBasedExtractor())), {pinned}\n"
        f"{len(convs)} conversations x {TURNS_PER_CONVERSATION} turns from {len(user)} user and "
        f"{len(assistant)} assistant corpus turns, {args.rounds} rounds, {memories} memories per round\n"
        f"per conversation: p50 {percentile(times, 0.50):.2f} ms, p95 {percentile(times, 0.95):.2f} ms, "
        f"mean {statistics.fmean(times):.2f} ms, max {max(times):.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

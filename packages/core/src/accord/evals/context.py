"""The context quality suite: is the next session's context the one a good agent needs?

    accord eval context benchmarks/context/scenarios.jsonl [--budget 500] [--split heldout]

Each scenario is one user: its sessions are added in order (``wait=True``, the engine's clock
set to each session's time), then, a day after the last one, the scenario's query is asked with
``get(query, user_id, context_max_tokens=budget)`` in bullets, as an agent would at the start of
the next session. The context is scored (:mod:`accord.evals._context_score`):

* **expected-fact recall**: the share of the ``must`` facts in the rendered context;
* **stale-fact rate**: the share of ``must_not`` facts (since changed) shown as current;
* **duplicate rate**: the share of rendered lines another line already says;
* **empty contexts**: queries that got nothing although the user has durable memories;
* **not extracted**: ``must`` facts no durable memory holds (extraction's share of the misses).

Reported per split (tuning, held-out, all) and per domain.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from accord.domain.clock import ManualClock
from accord.domain.models import Category, Message
from accord.engine.engine import AsyncAccord
from accord.errors import InvalidInputError
from accord.evals._context_corpus import Scenario, load_scenarios
from accord.evals._context_score import fact_in, score_context
from accord.settings import AccordSettings

__all__ = ["ContextReport", "ScenarioResult", "SplitScores", "run_context"]

Progress = Callable[[str], None]

# An isolated store that never blocks or thins out what the scenarios say, and no LLM.
EVAL_SETTINGS: dict[str, Any] = {
    "rate_limit_per_minute": 1e12,
    "rate_limit_burst": 1_000_000_000,
    "dedup_window_seconds": 0.0,
    "tenant_memory_quota": None,
    "llm_provider_order": [],
    "database_url": None,
    "index": "qdrant_edge",
    "redis_url": None,
    "embedder": "none",
}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ScenarioResult(_Model):
    id: str
    domain: str
    split: str
    query: str
    must: list[str]
    found: list[str]
    missed: list[str]
    not_extracted: list[str]
    stale: list[str]
    duplicates: list[str]
    lines: int
    tokens: int
    empty_with_memories: bool
    context: str


class SplitScores(_Model):
    name: str
    scenarios: int
    fact_recall: float
    stale_rate: float
    duplicate_rate: float
    empty_contexts: int
    facts_not_extracted: int
    missed_facts: int
    tokens_mean: float


def _scores(name: str, rows: Sequence[ScenarioResult], must_not: dict[str, int]) -> SplitScores:
    facts = sum(len(r.must) for r in rows)
    lines = sum(r.lines for r in rows)
    stale_total = sum(must_not[r.id] for r in rows)
    return SplitScores(
        name=name,
        scenarios=len(rows),
        fact_recall=round(sum(len(r.found) for r in rows) / facts, 4) if facts else 0.0,
        stale_rate=round(sum(len(r.stale) for r in rows) / stale_total, 4) if stale_total else 0.0,
        duplicate_rate=round(sum(len(r.duplicates) for r in rows) / lines, 4) if lines else 0.0,
        empty_contexts=sum(r.empty_with_memories for r in rows),
        facts_not_extracted=sum(len(r.not_extracted) for r in rows),
        missed_facts=sum(len(r.missed) for r in rows),
        tokens_mean=round(sum(r.tokens for r in rows) / len(rows), 1) if rows else 0.0,
    )


class ContextReport(_Model):
    dataset: str
    budget: int
    settings: dict[str, Any]
    splits: list[SplitScores]
    domains: list[SplitScores]
    scenarios: list[ScenarioResult]

    def to_table(self) -> str:
        head = f"{'':<14}{'scen.':>6}{'recall':>8}{'stale':>7}{'dupl.':>7}{'empty':>7}{'missed':>8}{'not extr.':>10}{'tokens':>8}"
        lines = [f"Context quality: {self.dataset}, budget {self.budget} tokens (bullets)", "", head, "-" * len(head)]
        for group in (self.splits, self.domains):
            for s in group:
                lines.append(
                    f"{s.name:<14}{s.scenarios:>6}{s.fact_recall:>8.3f}{s.stale_rate:>7.3f}{s.duplicate_rate:>7.3f}"
                    f"{s.empty_contexts:>7}{s.missed_facts:>8}{s.facts_not_extracted:>10}{s.tokens_mean:>8.1f}"
                )
            lines.append("")
        lines.append("missed: must facts not in the context; not extr.: of all must facts, those no durable memory holds")
        return "\n".join(lines)

    def show_misses(self, n: int) -> str:
        bad = [r for r in self.scenarios if r.missed or r.stale or r.duplicates][:n]
        out = []
        for r in bad:
            out.append(f"{r.id} [{r.split}] {r.query!r}")
            if r.missed:
                out.append(f"  missed: {r.missed} (not extracted: {r.not_extracted})")
            if r.stale:
                out.append(f"  stale: {r.stale}")
            if r.duplicates:
                out.append(f"  duplicates: {r.duplicates}")
            out.extend(f"  | {line}" for line in r.context.splitlines())
        return "\n".join(out)


async def _play(memory: AsyncAccord, clock: ManualClock, s: Scenario, budget: int) -> ScenarioResult:
    user = s.id
    for i, session in enumerate(s.sessions):
        clock.set(session.at)
        messages = [Message(role=t.role, content=t.content, created_at=session.at) for t in session.turns]
        await memory.add(messages, user, session_id=f"session_{i + 1}", wait=True)
    clock.set(s.sessions[-1].at + dt.timedelta(days=1))
    ctx = await memory.get(s.query, user, context_max_tokens=budget)
    durable = [
        m.content for m in await memory.list_memories(user, limit=1000) if m.category is not Category.EPISODIC
    ]
    score = score_context(ctx.system_prompt_addition, s.must, s.must_not)
    return ScenarioResult(
        id=s.id,
        domain=s.domain,
        split=s.split,
        query=s.query,
        must=s.must,
        found=score.found,
        missed=score.missed,
        not_extracted=[f for f in s.must if not fact_in(f, durable)],
        stale=score.stale,
        duplicates=score.duplicates,
        lines=score.lines,
        tokens=ctx.context_token_count,
        empty_with_memories=bool(durable) and not ctx.system_prompt_addition,
        context=ctx.system_prompt_addition,
    )


async def run_context(
    path: Path,
    *,
    budget: int = 500,
    split: str | None = None,
    settings_overrides: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> ContextReport:
    """Play every scenario of ``path`` (optionally one split) on a fresh store and score its context."""
    if budget < 1:
        raise InvalidInputError("budget", "must be at least 1 token")
    if split not in (None, "tuning", "heldout"):
        raise InvalidInputError("split", "must be tuning or heldout")
    overrides = dict(settings_overrides or {})
    if "data_dir" in overrides:
        raise InvalidInputError("settings_overrides", "data_dir is chosen by the eval (a fresh temporary dir)")
    scenarios = [s for s in load_scenarios(Path(path)) if split is None or s.split == split]
    say = progress or (lambda _line: None)
    clock = ManualClock()
    with tempfile.TemporaryDirectory(prefix="accord-eval-context-") as tmp:
        settings = AccordSettings(**{**EVAL_SETTINGS, **overrides, "data_dir": Path(tmp)})
        async with AsyncAccord(settings, clock=clock) as memory:
            results = []
            for s in scenarios:
                results.append(await _play(memory, clock, s, budget))
            say(f"played {len(results)} scenarios")
    must_not = {s.id: len(s.must_not) for s in scenarios}
    splits = [
        _scores(name, [r for r in results if r.split == name], must_not)
        for name in ("tuning", "heldout")
        if any(r.split == name for r in results)
    ]
    domains = [
        _scores(d, [r for r in results if r.domain == d], must_not) for d in dict.fromkeys(r.domain for r in results)
    ]
    return ContextReport(
        dataset=Path(path).name,
        budget=budget,
        settings=settings.named(
            ["profile_memories", "profile_min_importance", "weight_relevance", "weight_importance", "weight_recency"]
        ),
        splits=[*splits, _scores("all", results, must_not)],
        domains=domains,
        scenarios=results,
    )

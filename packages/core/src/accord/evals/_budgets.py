"""What the context budget buys: evidence recall of the rendered memories, and their tokens.

``get(question, limit=BUDGET_LIMIT, context_max_tokens=b)`` in the default format (bullets) for
each budget ``b``: the evidence among the memories ``rendered`` into ``system_prompt_addition``
(not merely returned), and what that context costs. This is the measurement the default
``context_max_tokens`` is chosen from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from accord.domain.models import ContextResult
from accord.evals.metrics import percentile, recall_at_k

__all__ = ["BUDGET_LIMIT", "BudgetSample", "BudgetScores", "rendered_sample", "summarize_budgets"]

# What a user gets by default: get(query, user_id) returns 10 memories.
BUDGET_LIMIT = 10


class BudgetSample(BaseModel):
    """One question at one budget."""

    model_config = ConfigDict(frozen=True)

    budget: int
    recall: float
    tokens: int
    rendered: int


class BudgetScores(BaseModel):
    """Means over the scored questions (categories 1-4) at one budget."""

    model_config = ConfigDict(frozen=True)

    budget: int
    questions: int
    recall: float
    tokens_mean: float
    tokens_p95: float
    rendered_mean: float


def rendered_sample(budget: int, ctx: ContextResult, keys: Sequence[list[str]], evidence: Sequence[str]) -> BudgetSample:
    """``keys[i]``: the evidence keys of ``ctx.memories[i]``; only rendered memories count."""
    shown = [k for m, k in zip(ctx.memories, keys, strict=True) if m.rendered]
    recall = recall_at_k(shown, evidence, len(shown)) if shown else 0.0
    return BudgetSample(budget=budget, recall=recall, tokens=ctx.context_token_count, rendered=len(shown))


def summarize_budgets(samples: Mapping[int, Sequence[BudgetSample]]) -> list[BudgetScores]:
    out = []
    for budget, rows in sorted(samples.items()):
        n = len(rows)
        out.append(
            BudgetScores(
                budget=budget,
                questions=n,
                recall=round(sum(r.recall for r in rows) / n, 4) if n else 0.0,
                tokens_mean=round(sum(r.tokens for r in rows) / n, 1) if n else 0.0,
                tokens_p95=round(percentile([float(r.tokens) for r in rows], 0.95), 1),
                rendered_mean=round(sum(r.rendered for r in rows) / n, 2) if n else 0.0,
            )
        )
    return out

"""The LoCoMo report: per-mode runs side by side, as a table or as JSON."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from accord.evals._budgets import BUDGET_LIMIT, BudgetScores
from accord.evals.metrics import NDCG_K, CategoryScores

__all__ = ["MODES", "EvalMode", "LocomoReport", "ModeRun", "QuestionResult"]

EvalMode = Literal["lexical", "dense", "hybrid"]
MODES: tuple[EvalMode, ...] = ("lexical", "dense", "hybrid")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class QuestionResult(_Model):
    """One question as asked: its evidence, what came back (keys per rank) and its scores."""

    conversation: str
    question: str
    category: int
    evidence: list[str]
    retrieved: list[list[str]] = Field(
        description="evidence keys (dia ids) each returned memory covers, best first"
    )
    retrieved_categories: list[str] = Field(
        default_factory=list, description="each returned memory's category"
    )
    recall: dict[int, float]
    ndcg_at_10: float
    first_hit: int | None = Field(description="1-based rank of the first memory covering any evidence turn")
    latency_ms: float


class ModeRun(_Model):
    """One mode's run: a fresh store, the whole ingest, every question."""

    mode: EvalMode
    embedder: str
    search: list[str] = Field(description="the search mode(s) get() reported serving the questions")
    settings: dict[str, Any] = Field(description="the retrieval settings in force")
    notes: list[str] = Field(default_factory=list)
    ingest_seconds: float
    turns_per_second: float
    jobs_not_done: int = 0
    memories: dict[str, int] = Field(description="active memories after ingest, by category")
    query_p50_ms: float
    query_p95_ms: float
    categories: list[CategoryScores]
    overall: CategoryScores
    adversarial: CategoryScores
    budgets: list[BudgetScores] = Field(
        default_factory=list, description="rendered-evidence recall and tokens per context budget (bullets)"
    )
    questions: list[QuestionResult] = Field(default_factory=list)


class LocomoReport(_Model):
    """What ``run_locomo`` returns. ``to_table()`` for people, ``model_dump_json()`` for tools."""

    dataset: str
    conversations: int
    sessions: int
    turns: int
    questions: int
    questions_without_evidence: int = Field(description="asked and timed, but not scored: nothing to find")
    ks: list[int]
    runs: list[ModeRun]

    def run(self, mode: EvalMode) -> ModeRun:
        """The run of one mode (KeyError when that mode was not run)."""
        for r in self.runs:
            if r.mode == mode:
                return r
        raise KeyError(mode)

    def to_table(self) -> str:
        """Scores per category and overall, one column per mode, then ingest and query latency."""
        modes = [r.mode for r in self.runs]
        width = 9
        head = f"{'questions':<26}{'metric':<10}" + "".join(f"{m:>{width}}" for m in modes)
        lines = [
            f"LoCoMo retrieval: {self.dataset}",
            (
                f"{self.conversations} conversations, {self.sessions} sessions, {self.turns} turns, "
                f"{self.questions} questions ({self.questions_without_evidence} without evidence, not scored)"
            ),
            "",
            head,
            "-" * len(head),
        ]
        groups = [[*r.categories, r.overall, r.adversarial] for r in self.runs]
        for g, first in enumerate(groups[0] if groups else []):
            metrics: list[tuple[str, list[float]]] = [
                (f"R@{k}", [run[g].recall[k] for run in groups]) for k in self.ks
            ]
            metrics.append((f"NDCG@{NDCG_K}", [run[g].ndcg_at_10 for run in groups]))
            for i, (label, values) in enumerate(metrics):
                name = f"{first.name} ({first.questions})" if i == 0 else ""
                lines.append(f"{name:<26}{label:<10}" + "".join(f"{v:>{width}.3f}" for v in values))
            if g == len(groups[0]) - 3 or g == len(groups[0]) - 2:
                lines.append("")
        lines.append("-" * len(head))
        rows: list[tuple[str, list[str]]] = [
            ("ingest (s)", [f"{r.ingest_seconds:.1f}" for r in self.runs]),
            ("ingest turns/s", [f"{r.turns_per_second:.0f}" for r in self.runs]),
            ("query p50 (ms)", [f"{r.query_p50_ms:.1f}" for r in self.runs]),
            ("query p95 (ms)", [f"{r.query_p95_ms:.1f}" for r in self.runs]),
            ("search", ["/".join(r.search) for r in self.runs]),
        ]
        for label, cells in rows:
            lines.append(f"{label:<36}" + "".join(f"{c:>{width}}" for c in cells))
        lines.append("")
        for r in self.runs:
            lines.extend(_budget_lines(r))
            lines.append(f"{r.mode}: embedder {r.embedder}, memories {_counts(r.memories)}")
            lines.extend(f"  - {note}" for note in r.notes)
        return "\n".join(lines)


def _budget_lines(run: ModeRun) -> list[str]:
    if not run.budgets:
        return []
    lines = [
        (
            f"{run.mode}: context budget (get(limit={BUDGET_LIMIT}), bullets; categories 1-4, "
            "evidence among the rendered memories)"
        ),
        f"{'budget':>8}{'recall':>9}{'tokens':>9}{'p95':>7}{'rendered':>10}",
    ]
    for b in run.budgets:
        lines.append(
            f"{b.budget:>8}{b.recall:>9.3f}{b.tokens_mean:>9.1f}{b.tokens_p95:>7.0f}{b.rendered_mean:>10.2f}"
        )
    return [*lines, ""]


def _counts(memories: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(memories.items(), key=lambda kv: -kv[1])) or "none"

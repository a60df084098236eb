"""LoCoMo retrieval evaluation through the public API.

Each conversation is one user. Each session is one ``add()`` of all its turns (both speakers
are people, so every turn is a ``user`` turn named after its speaker, dated by the session and
tagged with its ``dia_id``), with ``wait=True`` so extraction has finished. Every question is
then asked with ``get(question, user_id, limit=max(ks))``, and the memories that come back are
scored against the question's evidence turns (see :mod:`accord.evals.metrics`).

Example:
    >>> report = await run_locomo(Path("locomo10.json"), embedder="model2vec:/models/m2v",
    ...                           modes=("lexical", "dense", "hybrid"))
    >>> print(report.to_table())
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from accord.errors import InvalidInputError
from accord.settings import AccordSettings
from accord.adapters.embedders.loader import default_model2vec_dir
from accord.adapters.embedders.model2vec import is_model2vec_dir
from accord.engine.engine import AsyncAccord
from accord.evals._dataset import LocomoConversation, load_locomo
from accord.evals._budgets import summarize_budgets
from accord.evals._drive import CONTEXT_MAX_TOKENS, Progress, ask_all, evidence_keys, ingest, memory_counts
from accord.evals._report import MODES, EvalMode, LocomoReport, ModeRun
from accord.evals.metrics import percentile, score_question, summarize
from accord.ports import IndexHits
from accord.domain.ranking import fuse_hits

__all__ = [
    "CONTEXT_MAX_TOKENS",
    "EVAL_DEFAULTS",
    "MODE_OVERRIDES",
    "evidence_keys",
    "resolve_embedder",
    "run_locomo",
]

EVAL_DEFAULTS: dict[str, Any] = {
    # Ingestion must never be blocked or thinned out by the gate.
    "rate_limit_per_minute": 1e12,
    "rate_limit_burst": 1_000_000_000,
    "dedup_window_seconds": 0.0,
    "tenant_memory_quota": None,
    # Only memories that match the question count: no always-included profile facts.
    "profile_memories": 0,
    # Asking a question must not change the ranking of the next one.
    "access_boost": 0.0,
    # Rule-based extraction (no LLM calls) unless an override names providers.
    "llm_provider_order": [],
    # A private, embedded store whatever ACCORD_* says.
    "database_url": None,
    "index": "qdrant_edge",
    "redis_url": None,
    "episodic_ttl_days": None,
    "maintenance_interval_seconds": None,
    "run_worker": True,
}
"""Settings every eval run starts from (``settings_overrides`` may change any but ``data_dir``)."""

MODE_OVERRIDES: dict[EvalMode, dict[str, Any]] = {
    "lexical": {"embedder": "none"},
    "dense": {"dense_weight": 1.0},
    "hybrid": {},
}
"""What each mode forces on top of the defaults and the caller's overrides."""

_RECORDED_SETTINGS = {
    "embedder", "fusion", "dense_weight", "weight_relevance", "weight_importance", "weight_recency",
    "recency_half_life_days", "profile_memories", "access_boost", "llm_provider_order",
    "fusion_normalization", "dense_weight_unmatched", "candidates_per_result", "speaker_boost", "session_boost", "expansion_terms",
    "expansion_docs", "expansion_weight", "index_previous_turn_weight", "index_next_turn_weight",
    "index_date_weight", "index_caption_weight", "reranker", "irregular_forms_weight",
}  # fmt: skip


def resolve_embedder(spec: str, data_dir: Path | None = None) -> str:
    """The embedder spec a run uses. ``auto`` means the Model2Vec model that ``accord models
    distill`` put in the user's data dir (``~/.accord`` or ``ACCORD_DATA_DIR``), else ``none``:
    an eval's store lives in a temporary directory, where ``auto`` would never find a model."""
    if spec.strip().lower() != "auto":
        return spec
    base = data_dir if data_dir is not None else AccordSettings().data_dir
    model = default_model2vec_dir(base.expanduser())
    return f"model2vec:{model}" if is_model2vec_dir(model) else "none"


def _dense_note() -> str:
    # Measured, not assumed: whether a zero-weight lexical list still adds candidates.
    fused = fuse_hits(IndexHits(dense=[("d", 1.0)], lexical=[("l", 1.0)]), dense_weight=1.0)
    if "l" in fused:
        return "dense = dense_weight 1.0: lexical-only candidates still enter the pool, with zero weight"
    return (
        "dense = dense_weight 1.0: fusion skips the zero-weight lexical list, so only dense candidates rank"
    )


async def _run_mode(
    data: Sequence[LocomoConversation],
    mode: EvalMode,
    base: Mapping[str, Any],
    ks: Sequence[int],
    progress: Progress,
    budgets: Sequence[int] = (),
) -> ModeRun:
    with tempfile.TemporaryDirectory(prefix=f"accord-eval-{mode}-") as tmp:
        settings = AccordSettings(**{**base, **MODE_OVERRIDES[mode], "data_dir": Path(tmp)})
        progress(f"{mode}: embedder {settings.embedder}")
        async with AsyncAccord(settings) as memory:
            ingest_seconds, not_done = await ingest(memory, data, progress)
            results, latencies, served, at_budget = await ask_all(memory, data, ks, progress, budgets)
            counts = await memory_counts(memory, data)
    scores = [score_question(r.retrieved, r.evidence, r.category, ks) for r in results]
    per_category, overall, adversarial = summarize(scores, ks)
    turns = sum(len(s.turns) for c in data for s in c.sessions)
    notes = [_dense_note()] if mode == "dense" else []
    if not_done:
        notes.append(f"{not_done} add() jobs did not finish as done (their turns are still searchable)")
    return ModeRun(
        mode=mode,
        embedder=settings.embedder,
        search=sorted(served),
        settings=settings.named(_RECORDED_SETTINGS),
        notes=notes,
        ingest_seconds=round(ingest_seconds, 3),
        turns_per_second=round(turns / ingest_seconds, 1) if ingest_seconds > 0 else 0.0,
        jobs_not_done=not_done,
        memories=counts,
        query_p50_ms=round(percentile(latencies, 0.50), 3),
        query_p95_ms=round(percentile(latencies, 0.95), 3),
        categories=per_category,
        overall=overall,
        adversarial=adversarial,
        budgets=summarize_budgets(at_budget),
        questions=results,
    )


async def run_locomo(
    path: Path,
    *,
    settings_overrides: dict[str, Any] | None = None,
    embedder: str = "auto",
    limit_conversations: int | None = None,
    ks: Sequence[int] = (5, 10, 20),
    modes: Sequence[EvalMode] | None = None,
    budgets: Sequence[int] = (),
    progress: Progress | None = None,
) -> LocomoReport:
    """Ingest a LoCoMo file into fresh stores and score retrieval, once per mode.

    Args:
        path: a LoCoMo JSON file (``data/locomo10.json`` of snap-research/locomo, or a part).
        settings_overrides: ``AccordSettings`` fields on top of :data:`EVAL_DEFAULTS`
            (e.g. ``{"dense_weight": 0.3}``); ``data_dir`` is always a fresh temporary dir.
        embedder: the dense model for ``dense`` and ``hybrid`` (``model2vec:<dir>``, ...);
            ``auto`` resolves as :func:`resolve_embedder` says.
        limit_conversations: only the first N conversations.
        ks: the cut-offs of recall@k; ``get()`` is asked for ``max(ks)`` memories.
        modes: any of ``lexical`` (no embedder), ``dense`` (``dense_weight=1.0``) and
            ``hybrid`` (the settings as given). Default: ``hybrid`` when there is a dense
            embedder, else ``lexical``.
        budgets: context budgets at which each question is asked again as a user would
            (``get(q, limit=10)``, bullets), scoring the evidence among the rendered memories.
        progress: called with a line of text as the run advances.

    Raises:
        InvalidInputError: bad arguments, or a file not in the LoCoMo format.
        pydantic.ValidationError: an override that ``AccordSettings`` rejects.
        AccordError: an ``add()`` was blocked, so the store would not hold the whole file.
    """
    overrides = dict(settings_overrides or {})
    if "data_dir" in overrides:
        raise InvalidInputError(
            "settings_overrides", "data_dir is chosen by the eval (a fresh temporary dir)"
        )
    ks = sorted({int(k) for k in ks})
    if not ks or ks[0] < 1:
        raise InvalidInputError("ks", "must hold cut-offs of at least 1")
    resolved = resolve_embedder(overrides.pop("embedder", embedder))
    chosen: list[EvalMode] = list(modes) if modes else ["hybrid" if resolved != "none" else "lexical"]
    for mode in chosen:
        if mode not in MODES:
            raise InvalidInputError("modes", f"unknown mode {mode!r}; use {', '.join(MODES)}")
        if mode != "lexical" and resolved == "none":
            raise InvalidInputError("embedder", f"mode {mode!r} needs a dense embedder, e.g. model2vec:<dir>")
    if any(int(b) < 1 for b in budgets):
        raise InvalidInputError("budgets", "must be token budgets of at least 1")
    data = load_locomo(Path(path), limit_conversations=limit_conversations)
    base = {**EVAL_DEFAULTS, "embedder": resolved, **overrides}
    say = progress or (lambda _line: None)
    runs = [await _run_mode(data, mode, base, ks, say, [int(b) for b in budgets]) for mode in chosen]
    return LocomoReport(
        dataset=Path(path).name,
        conversations=len(data),
        sessions=sum(len(c.sessions) for c in data),
        turns=sum(len(s.turns) for c in data for s in c.sessions),
        questions=sum(len(c.questions) for c in data),
        questions_without_evidence=sum(1 for c in data for q in c.questions if not q.evidence),
        ks=ks,
        runs=runs,
    )

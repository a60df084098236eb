"""Extraction evaluation through the public API: what a user's turns become.

One ``AsyncAccord`` on a fresh temporary data dir; each case is a fresh user. A ``statement``
or ``negative`` is one ``add(messages, user_id, wait=True)``; a ``change`` is one such call
per session, in order. The user's memories are then read with
``list_memories(user_id, include_archived=True, limit=1000)``; episodic ones (the raw turns)
and pending ones are ignored. Extraction is the engine's own: the rules unless ``ACCORD_LLM_*``
settings (or ``settings_overrides``) name LLM providers. The corpus format is
``benchmarks/extraction/FORMAT.md``.

Scoring (keywords as :func:`accord.evals._extraction_match.satisfies` says: case-insensitive,
whole words or phrases, a list entry is any one of its strings, plural and possessive endings
allowed):

- **statements** — each expected memory is matched by at most one *active* durable memory of
  the same category whose content satisfies its keywords, and each memory matches at most one
  expected memory (a maximum matching). Recall = matched expected / all expected; precision =
  matched memories / all active durable memories extracted from statements *and* negatives.
  ``recall_any_category`` repeats the matching ignoring the category, so a memory filed under
  the wrong category shows up as the gap between the two. Per expected category (precision per
  the memories' category), overall, and per voice.
- **negatives** — the share of negative cases that left at least one active durable memory,
  per ``why``; those memories count against precision.
- **changes** — *current* memories are active ones that are not past values (a ``valid_to``
  before the moment they are read). A case is right when none of these holds:
  ``no_current`` / ``two_current``: not exactly one current memory of ``current``'s category
  satisfies its keywords (only checked when ``current`` is not null);
  ``old_still_current``: a current memory that does not satisfy ``current``'s keywords (in
  any category) and is not a denial (``metadata["negated"]``) satisfies ``old``'s;
  ``old_lost``: no archived memory and no past value satisfies ``old``'s keywords.
  ``share_any_category`` repeats the check ignoring ``current``'s category.
- **personas** (:func:`run_personas`) — each statement of an MSC persona file is one user
  turn of a fresh user; it is kept when one active durable memory holds at least half of its
  content words (:func:`accord.evals._extraction_match.keeps_content`). Statements without a
  content word are not scored.

Example:
    >>> report = await run_extraction([Path("benchmarks/extraction/corpus/changes.tuning.jsonl")])
    >>> print(report.to_table())
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import AddResult, AsyncAccord, InvalidInputError, Message
from accord.evals._extraction_corpus import (
    ChangeCase,
    StatementCase,
    load_corpus,
    load_personas,
    sample_every_kth,
)
from accord.evals._extraction_match import content_words, keeps_content
from accord.evals._extraction_report import (
    ExtractionReport,
    PersonaMiss,
    PersonasReport,
    Run,
    change_failure,
    statement_failure,
)
from accord.evals._extraction_score import (
    ChangeOutcome,
    Found,
    StatementOutcome,
    found_from,
    score_change,
    score_statement,
)
from accord.evals._extraction_summary import (
    change_rows,
    negative_rows,
    rate,
    recall_rows,
    recall_total,
    voice_rows,
)
from accord.evals.locomo import EVAL_DEFAULTS
from accord.settings import AccordSettings

__all__ = [
    "EXTRACTION_DEFAULTS",
    "ExtractionReport",
    "PersonasReport",
    "run_extraction",
    "run_personas",
]

EXTRACTION_DEFAULTS: dict[str, Any] = {
    **{k: v for k, v in EVAL_DEFAULTS.items() if k != "llm_provider_order"},
    # Nothing is searched, and neither extraction nor conflict resolution reads vectors.
    "embedder": "none",
}
"""The retrieval evals' defaults (no gate, a private embedded store), but the LLM settings
come from the environment: the rules unless ``ACCORD_LLM_*`` names providers."""

ADD_TIMEOUT_SECONDS = 600.0
_RECORDED_SETTINGS = {"llm_provider_order", "llm_on_all_down", "llm_temperature", "embedder"}

Progress = Callable[[str], None]


@dataclass
class _Tally:
    """What the add() calls of a run returned."""

    adds: int = 0
    served: Counter[str] = field(default_factory=Counter)
    blocked: Counter[str] = field(default_factory=Counter)
    not_done: int = 0
    rejected: dict[str, str] = field(default_factory=dict)

    def record(self, result: AddResult) -> None:
        self.adds += 1
        if result.status == "blocked":
            self.blocked[result.blocked_reason or "unknown"] += 1
            return
        self.not_done += result.status != "done"
        if result.extractor:
            self.served[result.extractor] += 1

    def run(self, settings: AccordSettings, overrides: Mapping[str, Any], cases: int, seconds: float) -> Run:
        recorded = (_RECORDED_SETTINGS | set(overrides)) - {k for k in overrides if "key" in k}
        return Run(
            settings=settings.named(recorded),
            served_by=dict(self.served),
            adds=self.adds,
            adds_blocked=dict(self.blocked),
            adds_not_done=self.not_done,
            adds_rejected=self.rejected,
            seconds=round(seconds, 3),
            cases_per_second=round(cases / seconds, 2) if seconds > 0 else 0.0,
        )


@asynccontextmanager
async def _fresh_engine(
    overrides: Mapping[str, Any], name: str
) -> AsyncIterator[tuple[AsyncAccord, AccordSettings]]:
    """An engine on a fresh temporary data dir, with :data:`EXTRACTION_DEFAULTS` and the overrides."""
    if "data_dir" in overrides:
        raise InvalidInputError(
            "settings_overrides", "data_dir is chosen by the eval (a fresh temporary dir)"
        )
    with tempfile.TemporaryDirectory(prefix=f"accord-eval-{name}-") as tmp:
        settings = AccordSettings(**{**EXTRACTION_DEFAULTS, **overrides, "data_dir": Path(tmp)})
        async with AsyncAccord(settings) as memory:
            yield memory, settings


async def _say(
    memory: AsyncAccord, tally: _Tally, label: str, user_id: str, sessions: Sequence[Sequence[Message]]
) -> list[Found]:
    """Each session as one add() for the user, in order; then the user's durable memories.

    A session that add() rejects is recorded under ``label`` and stores nothing, as for a user.
    """
    for n, messages in enumerate(sessions, start=1):
        try:
            result = await memory.add(
                list(messages), user_id, session_id=f"session-{n}", wait=True, timeout=ADD_TIMEOUT_SECONDS
            )
        except InvalidInputError as e:
            tally.rejected[label if len(sessions) == 1 else f"{label} session {n}"] = str(e)
            continue
        tally.record(result)
    now = dt.datetime.now(dt.UTC)
    stored = await memory.list_memories(user_id, include_archived=True, limit=1000)
    return [f for m in stored if (f := found_from(m, now)) is not None]


async def _play(
    memory: AsyncAccord, tally: _Tally, case: StatementCase | ChangeCase, user_id: str
) -> StatementOutcome | ChangeOutcome:
    if isinstance(case, ChangeCase):
        return score_change(case, await _say(memory, tally, case.id, user_id, case.sessions))
    return score_statement(case, await _say(memory, tally, case.id, user_id, [case.messages]))


def _report(
    files: Sequence[Path], outcomes: Sequence[StatementOutcome | ChangeOutcome], run: Run
) -> ExtractionReport:
    statements = [o for o in outcomes if isinstance(o, StatementOutcome)]
    changes = [o for o in outcomes if isinstance(o, ChangeOutcome)]
    negatives = [o for o in statements if o.case.kind == "negative"]
    by_why, all_negatives = negative_rows(negatives)
    by_kind, all_changes = change_rows(changes)
    failures = [
        statement_failure(o) if isinstance(o, StatementOutcome) else change_failure(o) for o in outcomes
    ]
    kinds = Counter(o.case.kind for o in statements) + Counter("change" for _ in changes)
    return ExtractionReport(
        files=[Path(f).name for f in files],
        cases={k: kinds[k] for k in ("statement", "negative", "change") if kinds[k]},
        run=run,
        categories=recall_rows(statements),
        statements=recall_total("all", statements),
        voices=voice_rows(statements, changes),
        negatives_by_why=by_why,
        negatives=all_negatives,
        changes_by_kind=by_kind,
        changes=all_changes,
        failures=[f for f in failures if f is not None],
    )


async def run_extraction(
    paths: Sequence[Path],
    *,
    settings_overrides: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> ExtractionReport:
    """Play every case of the corpus files on a fresh store and score what it remembered.

    Args:
        paths: JSONL files in the format of ``benchmarks/extraction/FORMAT.md``.
        settings_overrides: ``AccordSettings`` fields on top of :data:`EXTRACTION_DEFAULTS`
            (e.g. ``{"llm_provider_order": ["openai"]}``); ``data_dir`` is always a fresh temporary dir.
        progress: called with a line of text as the run advances.

    Raises:
        InvalidInputError: a file not in the corpus format, no cases, or a ``data_dir`` override.
        pydantic.ValidationError: an override that ``AccordSettings`` rejects.
    """
    overrides = dict(settings_overrides or {})
    cases = load_corpus([Path(p) for p in paths])
    if not cases:
        raise InvalidInputError("corpus", "the files hold no cases")
    say = progress or (lambda _line: None)
    outcomes: list[StatementOutcome | ChangeOutcome] = []
    tally = _Tally()
    async with _fresh_engine(overrides, "extraction") as (memory, settings):
        start = time.perf_counter()
        for n, case in enumerate(cases, start=1):
            outcomes.append(await _play(memory, tally, case, f"case-{n:05d}"))
            if n % 100 == 0 or n == len(cases):
                say(f"{n}/{len(cases)} cases")
        seconds = time.perf_counter() - start
    return _report(paths, outcomes, tally.run(settings, overrides, len(cases), seconds))


async def run_personas(
    path: Path,
    *,
    limit: int | None = None,
    settings_overrides: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> PersonasReport:
    """Say each persona statement as one user turn of a fresh user; count those a memory keeps.

    Args:
        path: an MSC persona file (a JSON list of records with ``"Speaker 1"``/``"Speaker 2"`` lists).
        limit: only this many statements, every k-th of the file's (deterministic).
        settings_overrides: as for :func:`run_extraction`.
        progress: called with a line of text as the run advances.

    Raises:
        InvalidInputError: a file not in that format, a ``limit`` below 1, or a ``data_dir`` override.
        pydantic.ValidationError: an override that ``AccordSettings`` rejects.
    """
    overrides = dict(settings_overrides or {})
    everything = load_personas(Path(path))
    sampled = sample_every_kth(everything, limit)
    scored = [s for s in sampled if content_words(s.text)]
    say = progress or (lambda _line: None)
    misses: list[PersonaMiss] = []
    with_memory = 0
    tally = _Tally()
    async with _fresh_engine(overrides, "personas") as (memory, settings):
        start = time.perf_counter()
        for n, statement in enumerate(scored, start=1):
            turn = [Message(role="user", content=statement.text)]
            found = await _say(memory, tally, statement.id, f"persona-{n:05d}", [turn])
            active = [f for f in found if not f.archived]
            with_memory += bool(active)
            if not any(keeps_content(statement.text, f.content) for f in active):
                misses.append(
                    PersonaMiss(
                        id=statement.id, statement=statement.text, extracted=[f.describe() for f in active]
                    )
                )
            if n % 250 == 0 or n == len(scored):
                say(f"{n}/{len(scored)} statements")
        seconds = time.perf_counter() - start
    kept = len(scored) - len(misses)
    return PersonasReport(
        file=Path(path).name,
        statements=len(everything),
        sampled=len(sampled),
        scored=len(scored),
        kept=kept,
        recall=rate(kept, len(scored)),
        with_any_memory=with_memory,
        run=tally.run(settings, overrides, len(scored), seconds),
        misses=misses,
    )

"""The extraction and persona reports: tables for people, JSON for tools, misses to tune from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from accord import Message
from accord.evals._extraction_score import ChangeOutcome, StatementOutcome
from accord.evals._extraction_summary import ChangeRow, RecallRow, ShareRow, VoiceRow, rate

__all__ = [
    "ExtractionReport",
    "Failure",
    "PersonaMiss",
    "PersonasReport",
    "Run",
    "change_failure",
    "statement_failure",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Run(_Model):
    """How the engine was driven: which settings, what served extraction, how fast."""

    settings: dict[str, Any] = Field(description="the extraction settings in force")
    served_by: dict[str, int] = Field(
        description="add() jobs per extractor that served them (rules, llm:<model>, ...)"
    )
    adds: int
    adds_blocked: dict[str, int] = Field(default_factory=dict, description="blocked add() calls per reason")
    adds_not_done: int = Field(default=0, description="add() jobs that did not finish as done")
    adds_rejected: dict[str, str] = Field(
        default_factory=dict, description="case -> the error of an add() that raised (it stored nothing)"
    )
    seconds: float
    cases_per_second: float


class Failure(_Model):
    """A case that is not right, with what a developer needs to see why."""

    id: str
    kind: str
    voice: str
    reasons: list[str]
    turns: list[list[str]] = Field(description="per add() call, each turn as 'role: content'")
    missing: list[str] = Field(default_factory=list, description="expected memories no memory matched")
    extracted: list[str] = Field(description="the durable memories, as 'category: content [flags]'")


def _turns(sessions: Sequence[Sequence[Message]]) -> list[list[str]]:
    return [[f"{m.role}{f' ({m.name})' if m.name else ''}: {m.content}" for m in s] for s in sessions]


def _keywords(keywords: Sequence[str | Sequence[str]]) -> str:
    return " + ".join(k if isinstance(k, str) else "/".join(k) for k in keywords)


def statement_failure(o: StatementOutcome) -> Failure | None:
    """The failure a statement or negative outcome stands for; None when it is right."""
    reasons = o.reasons()
    if not reasons:
        return None
    fps = set(o.false_positives)
    return Failure(
        id=o.case.id,
        kind=o.case.kind,
        voice=o.case.voice,
        reasons=reasons,
        turns=_turns([o.case.messages]),
        missing=[
            f"{e.category} {e.attribute}: {_keywords(e.keywords)}"
            for e, j in zip(o.case.expected, o.matched, strict=True)
            if j is None
        ],
        extracted=[
            f.describe() + (" <- false positive" if j in fps else "") for j, f in enumerate(o.extracted)
        ],
    )


def change_failure(o: ChangeOutcome) -> Failure | None:
    """The failure a change outcome stands for; None when it is right."""
    if o.right:
        return None
    current = o.case.current
    want = f"current {current.category}: {_keywords(current.keywords)}" if current else "current: none"
    return Failure(
        id=o.case.id,
        kind=f"change/{o.case.change}",
        voice=o.case.voice,
        reasons=list(o.reasons),
        turns=_turns(o.case.sessions),
        missing=[want, f"old: {_keywords(o.case.old.keywords)}"],
        extracted=[f.describe() for f in o.found],
    )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def _recall_line(r: RecallRow) -> str:
    return (
        f"{r.name:<22}{r.expected:>9}{_pct(r.recall):>9}{_pct(r.recall_any_category):>9}"
        f"{r.extracted:>11}{_pct(r.precision):>11}"
    )


def _change_line(r: ChangeRow) -> str:
    reasons = ", ".join(f"{k} {v}" for k, v in r.reasons.items())
    return f"{r.name:<22}{r.cases:>7}{_pct(r.share):>9}{_pct(r.share_any_category):>9}   {reasons}"


def _timing(r: Run, unit: str) -> list[str]:
    """How long the run took and what served it; then any add() call that did not run as it should."""
    served = ", ".join(f"{k} {v}" for k, v in sorted(r.served_by.items())) or "none"
    lines = [
        f"{r.adds} add() calls in {r.seconds:.1f} s ({r.cases_per_second:.1f} {unit}/s); served by {served}"
    ]
    if r.adds_blocked or r.adds_not_done:
        blocked = ", ".join(f"{k} {v}" for k, v in r.adds_blocked.items()) or "none"
        lines.append(f"blocked: {blocked}; not done: {r.adds_not_done}")
    lines.extend(f"add() rejected {case}: {error}" for case, error in r.adds_rejected.items())
    return lines


def _got(extracted: Sequence[str]) -> list[str]:
    return [f"    got {e}" for e in extracted] or ["    got nothing"]


def _block(title: str, failures: Sequence[Failure], limit: int) -> list[str]:
    if not failures or limit <= 0:
        return []
    lines = ["", f"{title} ({min(limit, len(failures))} of {len(failures)})"]
    for f in failures[:limit]:
        lines.append(f"- {f.id} [{f.kind}, {f.voice}] {', '.join(f.reasons)}")
        for n, session in enumerate(f.turns, start=1):
            prefix = f"  s{n} " if len(f.turns) > 1 else "  "
            lines.extend(f"{prefix}> {turn}" for turn in session)
        lines.extend(f"    expected {m}" for m in f.missing)
        lines.extend(_got(f.extracted))
    return lines


class ExtractionReport(_Model):
    """What ``run_extraction`` returns. ``to_table()`` for people, ``model_dump_json()`` for tools."""

    files: list[str]
    cases: dict[str, int] = Field(description="cases per kind")
    run: Run
    categories: list[RecallRow] = Field(description="statements per expected category")
    statements: RecallRow
    voices: list[VoiceRow]
    negatives_by_why: list[ShareRow]
    negatives: ShareRow
    changes_by_kind: list[ChangeRow]
    changes: ChangeRow
    failures: list[Failure] = Field(description="every case that is not right, in file order")

    def to_table(self) -> str:
        """Recall and precision per category and voice, negatives per why, changes per kind."""
        counts = ", ".join(f"{k}s {v}" for k, v in self.cases.items()) + " (figures in %)"
        head = (
            f"{'statements':<22}{'expected':>9}{'recall':>9}{'any cat':>9}{'extracted':>11}{'precision':>11}"
        )
        lines = [f"Extraction: {', '.join(self.files)}", counts, "", head, "-" * len(head)]
        lines += [_recall_line(r) for r in self.categories] + [_recall_line(self.statements)]
        if self.negatives.cases:
            lines += ["", f"{'negatives':<22}{'cases':>7}{'% with a memory':>18}", "-" * 47]
            lines += [
                f"{r.name:<22}{r.cases:>7}{_pct(r.share):>18}"
                for r in [*self.negatives_by_why, self.negatives]
            ]
        if self.changes.cases:
            lines += ["", f"{'changes':<22}{'cases':>7}{'% right':>9}{'any cat':>9}   failures", "-" * 70]
            lines += [_change_line(r) for r in [*self.changes_by_kind, self.changes]]
        lines += [
            "",
            f"{'voice':<14}{'recall':>8}{'precision':>11}{'neg % mem':>11}{'change %':>10}",
            "-" * 54,
        ]
        for v in self.voices:
            s, n, c = v.statements, v.negatives, v.changes
            lines.append(
                f"{v.name:<14}{_pct(s.recall):>8}{_pct(s.precision):>11}{_pct(n.share):>11}{_pct(c.share):>10}"
            )
        return "\n".join([*lines, "", *_timing(self.run, "cases")])

    def show_misses(self, limit: int) -> str:
        """Up to ``limit`` failing cases of each kind, with their turns and what was extracted."""
        by_kind = [
            (
                "statements with a miss or a false positive",
                [f for f in self.failures if f.kind == "statement"],
            ),
            ("negatives that became memories", [f for f in self.failures if f.kind == "negative"]),
            ("wrong changes", [f for f in self.failures if f.kind.startswith("change/")]),
        ]
        return "\n".join(line for title, group in by_kind for line in _block(title, group, limit))


class PersonaMiss(_Model):
    """A persona statement no memory kept, and the durable memories it did become."""

    id: str
    statement: str
    extracted: list[str]


class PersonasReport(_Model):
    """What ``run_personas`` returns: how many persona statements became a memory that keeps them."""

    file: str
    statements: int = Field(description="statements in the file")
    sampled: int
    scored: int = Field(description="sampled statements with at least one content word")
    kept: int
    recall: float | None
    with_any_memory: int = Field(description="scored statements that became any durable memory")
    run: Run
    misses: list[PersonaMiss]

    def to_table(self) -> str:
        any_memory = rate(self.with_any_memory, self.scored)
        return "\n".join(
            [
                f"Persona recall: {self.file}",
                f"{self.sampled} of {self.statements} statements sampled, {self.scored} scored",
                "",
                f"{'kept as a memory (recall)':<34}{self.kept:>7}{_pct(self.recall):>8} %",
                f"{'became any durable memory':<34}{self.with_any_memory:>7}{_pct(any_memory):>8} %",
                "",
                *_timing(self.run, "statements"),
            ]
        )

    def show_misses(self, limit: int) -> str:
        """Up to ``limit`` statements no memory kept, with what they became."""
        if limit <= 0 or not self.misses:
            return ""
        lines = [f"statements no memory kept ({min(limit, len(self.misses))} of {len(self.misses)})"]
        for m in self.misses[:limit]:
            lines.append(f"- {m.id}: {m.statement}")
            lines.extend(_got(m.extracted))
        return "\n".join(lines)

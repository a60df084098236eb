"""Adding scored cases up into the report's rows. Plain functions, no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, computed_field

from accord.evals._extraction_corpus import DURABLE_CATEGORIES
from accord.evals._extraction_score import CHANGE_REASONS, ChangeOutcome, StatementOutcome

__all__ = [
    "ChangeRow",
    "RecallRow",
    "ShareRow",
    "VoiceRow",
    "change_rows",
    "negative_rows",
    "rate",
    "recall_rows",
    "recall_total",
    "voice_rows",
]


T = TypeVar("T")


def rate(part: int, whole: int) -> float | None:
    """``part / whole`` to four places; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class RecallRow(_Row):
    """Statements' expected memories of one group (a category, a voice, or all) and the
    memories extracted for it (from statements and negatives)."""

    name: str
    expected: int
    matched: int
    matched_any_category: int
    extracted: int
    extracted_matched: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        return rate(self.matched, self.expected)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall_any_category(self) -> float | None:
        return rate(self.matched_any_category, self.expected)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float | None:
        return rate(self.extracted_matched, self.extracted)


class ShareRow(_Row):
    """Negative cases of one group and how many of them became a durable memory."""

    name: str
    cases: int
    with_memory: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share(self) -> float | None:
        return rate(self.with_memory, self.cases)


class ChangeRow(_Row):
    """Change cases of one group: how many ended right, and why the others did not."""

    name: str
    cases: int
    right: int
    right_any_category: int
    reasons: dict[str, int]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share(self) -> float | None:
        return rate(self.right, self.cases)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share_any_category(self) -> float | None:
        return rate(self.right_any_category, self.cases)


class VoiceRow(_Row):
    """Every kind of case said in one voice."""

    name: str
    statements: RecallRow
    negatives: ShareRow
    changes: ChangeRow


def recall_total(name: str, outcomes: Iterable[StatementOutcome], category: str | None = None) -> RecallRow:
    """One row over the outcomes; with ``category``, only its expected and extracted memories."""
    expected = matched = loose = extracted = extracted_matched = 0
    for o in outcomes:
        for e, strict, any_cat in zip(o.case.expected, o.matched, o.matched_any_category, strict=True):
            if category is None or e.category == category:
                expected += 1
                matched += strict is not None
                loose += any_cat is not None
        used = {j for j in o.matched if j is not None}
        for j, f in enumerate(o.extracted):
            if category is None or f.category == category:
                extracted += 1
                extracted_matched += j in used
    return RecallRow(
        name=name,
        expected=expected,
        matched=matched,
        matched_any_category=loose,
        extracted=extracted,
        extracted_matched=extracted_matched,
    )


def recall_rows(outcomes: Sequence[StatementOutcome]) -> list[RecallRow]:
    """One row per durable category that was expected or extracted."""
    present: set[str] = {e.category for o in outcomes for e in o.case.expected}
    present |= {f.category for o in outcomes for f in o.extracted}
    return [recall_total(c, outcomes, c) for c in DURABLE_CATEGORIES if c in present]


def _share(name: str, negatives: Sequence[StatementOutcome]) -> ShareRow:
    return ShareRow(name=name, cases=len(negatives), with_memory=sum(1 for o in negatives if o.extracted))


def _change(name: str, outcomes: Sequence[ChangeOutcome]) -> ChangeRow:
    counts = Counter(r for o in outcomes for r in o.reasons)
    return ChangeRow(
        name=name,
        cases=len(outcomes),
        right=sum(1 for o in outcomes if o.right),
        right_any_category=sum(1 for o in outcomes if not o.reasons_any_category),
        reasons={r: counts[r] for r in CHANGE_REASONS if counts[r]},
    )


def _grouped(items: Sequence[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return dict(sorted(groups.items()))


def negative_rows(negatives: Sequence[StatementOutcome]) -> tuple[list[ShareRow], ShareRow]:
    """Per ``why``, and all negatives."""
    groups = _grouped(negatives, lambda o: o.case.why or "unspecified")
    return [_share(why, group) for why, group in groups.items()], _share("all", negatives)


def change_rows(changes: Sequence[ChangeOutcome]) -> tuple[list[ChangeRow], ChangeRow]:
    """Per kind of change, and all changes."""
    groups = _grouped(changes, lambda o: o.case.change)
    return [_change(kind, group) for kind, group in groups.items()], _change("all", changes)


def voice_rows(statements: Sequence[StatementOutcome], changes: Sequence[ChangeOutcome]) -> list[VoiceRow]:
    """Every figure per voice: statements (with the negatives' memories), negatives, changes."""
    voices = sorted({o.case.voice for o in statements} | {o.case.voice for o in changes})
    rows = []
    for voice in voices:
        said = [o for o in statements if o.case.voice == voice]
        rows.append(
            VoiceRow(
                name=voice,
                statements=recall_total(voice, said),
                negatives=_share(voice, [o for o in said if o.case.kind == "negative"]),
                changes=_change(voice, [o for o in changes if o.case.voice == voice]),
            )
        )
    return rows

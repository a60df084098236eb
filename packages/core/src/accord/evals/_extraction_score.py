"""Scoring one case against the memories a user ended with. Plain functions, no I/O.

The memories arrive as :class:`Found` (content, category and three flags), so the rules test
without an engine. The rules themselves are listed in :mod:`accord.evals.extraction`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from accord import Memory, MemoryStatus
from accord.evals._extraction_corpus import ChangeCase, ExpectedMemory, StatementCase, Target
from accord.evals._extraction_match import satisfies

__all__ = [
    "CHANGE_REASONS",
    "ChangeOutcome",
    "Found",
    "StatementOutcome",
    "found_from",
    "match_expected",
    "score_change",
    "score_statement",
]

CHANGE_REASONS = ("no_current", "two_current", "old_still_current", "old_lost")
"""Why a change case is wrong, in the order they are checked (a case may have several)."""


@dataclass(frozen=True, slots=True)
class Found:
    """A durable memory as the scorer sees it.

    ``past``: active, with a ``valid_to`` earlier than the moment it was read (a past value).
    ``negated``: it denies its value ("User no longer drives a Fit"), so it never states it as current.
    """

    content: str
    category: str
    archived: bool = False
    past: bool = False
    negated: bool = False

    @property
    def current(self) -> bool:
        """Active and not a past value."""
        return not self.archived and not self.past

    def describe(self) -> str:
        flags = [
            f for f, on in (("archived", self.archived), ("past", self.past), ("negated", self.negated)) if on
        ]
        return f"{self.category}: {self.content}" + (f" [{', '.join(flags)}]" if flags else "")


def found_from(memory: Memory, now: dt.datetime) -> Found | None:
    """The scorer's view of a stored memory; None for an episodic one (a raw turn) and for a
    pending one (waiting for the user or an admin: neither current nor history)."""
    if memory.category.value == "episodic" or memory.status is MemoryStatus.PENDING:
        return None
    valid_to = memory.valid_to
    if valid_to is not None and valid_to.tzinfo is None:
        valid_to = valid_to.replace(tzinfo=dt.UTC)
    return Found(
        content=memory.content,
        category=memory.category.value,
        archived=memory.status is MemoryStatus.ARCHIVED,
        past=valid_to is not None and valid_to < now,
        negated=memory.metadata.get("negated") is True,
    )


def match_expected(
    expected: Sequence[ExpectedMemory],
    found: Sequence[Found],
    *,
    by_category: bool = True,
    seed: Sequence[int | None] = (),
) -> list[int | None]:
    """For each expected memory, the index of the memory matched to it (None: unmatched).

    A memory may match an expected one when its content satisfies the keywords (and, with
    ``by_category``, has its category); each memory is matched at most once, and as many
    expected memories as possible are matched (a maximum bipartite matching). Starting from
    ``seed`` (a matching already made), every expected memory matched there stays matched.
    """
    edges = [
        [
            j
            for j, f in enumerate(found)
            if (not by_category or f.category == e.category) and satisfies(f.content, e.keywords)
        ]
        for e in expected
    ]
    owner = {j: i for i, j in enumerate(seed) if j is not None}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(expected)):
        if i >= len(seed) or seed[i] is None:
            augment(i, set())
    matched: list[int | None] = [None] * len(expected)
    for j, i in owner.items():
        matched[i] = j
    return matched


@dataclass(frozen=True, slots=True)
class StatementOutcome:
    """A statement or negative case, scored. ``extracted``: its active durable memories."""

    case: StatementCase
    extracted: tuple[Found, ...]
    matched: tuple[int | None, ...]
    matched_any_category: tuple[int | None, ...]

    @property
    def false_positives(self) -> list[int]:
        """Indices of extracted memories matched to no expected memory (same category)."""
        used = {j for j in self.matched if j is not None}
        return [j for j in range(len(self.extracted)) if j not in used]

    def reasons(self) -> list[str]:
        """``missed:<attribute>``, ``wrong_category:<attribute>``, ``false_positive`` (statements)
        or ``became_fact`` (negatives); empty when the case is right."""
        if self.case.kind == "negative":
            return ["became_fact"] if self.extracted else []
        out = []
        for e, strict, loose in zip(self.case.expected, self.matched, self.matched_any_category, strict=True):
            if strict is None:
                out.append(f"{'missed' if loose is None else 'wrong_category'}:{e.attribute or e.category}")
        return out + (["false_positive"] if self.false_positives else [])


def score_statement(case: StatementCase, found: Sequence[Found]) -> StatementOutcome:
    """Match a statement's (or negative's) expected memories to its active durable memories."""
    active = tuple(f for f in found if not f.archived)
    strict = match_expected(case.expected, active)
    return StatementOutcome(
        case=case,
        extracted=active,
        matched=tuple(strict),
        # Seeded with the strict matching, so an expected memory matched there stays matched.
        matched_any_category=tuple(match_expected(case.expected, active, by_category=False, seed=strict)),
    )


@dataclass(frozen=True, slots=True)
class ChangeOutcome:
    """A change case, scored; ``found``: all its durable memories, archived ones included."""

    case: ChangeCase
    found: tuple[Found, ...]
    reasons: tuple[str, ...]
    reasons_any_category: tuple[str, ...]

    @property
    def right(self) -> bool:
        return not self.reasons


def _states(target: Target, *, by_category: bool) -> Callable[[Found], bool]:
    def test(f: Found) -> bool:
        category_ok = not by_category or target.category is None or f.category == target.category
        return category_ok and satisfies(f.content, target.keywords)

    return test


def change_reasons(case: ChangeCase, found: Sequence[Found], *, by_category: bool = True) -> tuple[str, ...]:
    """What is wrong with the memories a change case ended with (see :data:`CHANGE_REASONS`)."""
    current = [f for f in found if f.current]
    reasons: list[str] = []
    states_current = (lambda _f: False) if case.current is None else _states(case.current, by_category=False)
    if case.current is not None:
        hits = sum(1 for f in current if _states(case.current, by_category=by_category)(f))
        if hits != 1:
            reasons.append("no_current" if hits == 0 else "two_current")
    states_old = _states(case.old, by_category=False)
    if any(states_old(f) and not f.negated and not states_current(f) for f in current):
        reasons.append("old_still_current")
    if not any(states_old(f) for f in found if not f.current):
        reasons.append("old_lost")
    return tuple(reasons)


def score_change(case: ChangeCase, found: Sequence[Found]) -> ChangeOutcome:
    """Score a change case, strictly (``current``'s category counts) and category-agnostic."""
    return ChangeOutcome(
        case=case,
        found=tuple(found),
        reasons=change_reasons(case, found),
        reasons_any_category=change_reasons(case, found, by_category=False),
    )

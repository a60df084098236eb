"""One current picture: the raw turns a context may show beside the facts drawn from them.

A raw (episodic) turn that stated a value since superseded would contradict the current fact in
the prompt ("I work at Initech" beside "User joined Umbrella Corp"): it stays (it is still what was
said, and the evidence for "when did I change jobs?") but is marked as earlier, so the context
renders it as "[2026-03-01, since changed] user: ...". A turn whose every fact is shown only
repeats them: it gives way to the facts, the concise current wording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from accord.domain import lexical
from accord.domain.models import Category, Memory, MemoryStatus

__all__ = ["SUPERSEDED", "Derived", "coherent"]

# The metadata flag of a raw turn whose statement has since been superseded.
SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class Derived:
    """A durable memory extracted from a turn: its id and status now."""

    memory_id: str
    status: MemoryStatus


def coherent(ranked: Sequence[Memory], derived: Mapping[str, Sequence[Derived]], limit: int) -> list[Memory]:
    """``ranked`` with raw turns that state a superseded value marked, and without saying a thing twice.

    A turn gives way only when its facts say most of what it says (:data:`COVERED` of its words):
    "Plan for week 1: three easy runs of 5 km ..." is not said by a fact that kept two of its words.

    ``derived`` maps a turn's message id to the durable memories extracted from it. A turn is
    marked (metadata ``superseded``) when one of them is archived: it says something no longer
    believed. A turn is dropped when every fact drawn from it is active and among the first
    ``limit`` of ``ranked``: the facts say it already. Everything else is kept in order.
    """
    shown = {m.id: m for m in ranked[:limit]}
    dropped: set[str] = set()
    stale: set[str] = set()
    for m in ranked:
        facts = derived.get(m.source.message_id or "", ()) if m.category is Category.EPISODIC else ()
        if any(d.status is MemoryStatus.ARCHIVED for d in facts):
            stale.add(m.id)
        elif facts and all(d.status is MemoryStatus.ACTIVE and d.memory_id in shown for d in facts):
            if _covered(m.content, [shown[d.memory_id].content for d in facts]):
                dropped.add(m.id)
    return [
        m.model_copy(update={"metadata": {**m.metadata, SUPERSEDED: True}}) if m.id in stale else m
        for m in ranked
        if m.id not in dropped
    ]


# The share of a turn's words its facts must repeat for the turn to give way to them.
COVERED = 0.6


def _covered(turn: str, facts: Sequence[str]) -> bool:
    said = set(lexical.tokenize(turn))
    if not said:
        return True
    kept = set(lexical.tokenize(" ".join(facts)))
    return len(said & kept) / len(said) >= COVERED

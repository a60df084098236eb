"""One current picture: the raw turns a context may show beside the facts drawn from them.

A raw (episodic) turn that stated a value since superseded would contradict the current fact in
the prompt ("I work at Initech" beside "User joined Umbrella Corp"): it stays (it is still what was
said, and the evidence for "when did I change jobs?") but is marked as earlier, so the context
renders it as "[2026-03-01, since changed] user: ...". A turn and the facts drawn from it that
would all be shown say the same thing twice: the lower-ranked wording gives way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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

    ``derived`` maps a turn's message id to the durable memories extracted from it. A turn is
    marked (metadata ``superseded``) when one of them is archived: it says something no longer
    believed. When a turn
    and every fact drawn from it are all among the first ``limit`` of ``ranked``, they say the same
    thing twice: whichever ranks lower gives way (the turn, or its facts), so the better-ranked
    wording is the one shown. Everything else is kept in order.
    """
    top = ranked[:limit]
    rank = {m.id: i for i, m in enumerate(top)}
    dropped: set[str] = set()
    stale: set[str] = set()
    for m in ranked:
        facts = derived.get(m.source.message_id or "", ()) if m.category is Category.EPISODIC else ()
        if any(d.status is MemoryStatus.ARCHIVED for d in facts):
            stale.add(m.id)
        elif facts and m.id in rank and all(d.status is MemoryStatus.ACTIVE and d.memory_id in rank for d in facts):
            fact_ids = [d.memory_id for d in facts]
            dropped |= set(fact_ids) if rank[m.id] < min(rank[f] for f in fact_ids) else {m.id}
    return [
        m.model_copy(update={"metadata": {**m.metadata, SUPERSEDED: True}}) if m.id in stale else m
        for m in ranked
        if m.id not in dropped
    ]

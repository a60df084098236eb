"""One current picture: the raw turns a context may show beside the facts drawn from them.

A raw (episodic) turn that stated a value since superseded would contradict the current fact in
the prompt ("I work at Initech" beside "User joined Umbrella Corp"), and a turn whose every fact is
already in the context only repeats it. Both give way to the facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from accord.domain.models import Category, Memory, MemoryStatus

__all__ = ["Derived", "coherent"]


@dataclass(frozen=True, slots=True)
class Derived:
    """A durable memory extracted from a turn: its id and status now."""

    memory_id: str
    status: MemoryStatus


def coherent(ranked: Sequence[Memory], derived: Mapping[str, Sequence[Derived]], limit: int) -> list[Memory]:
    """``ranked`` without the raw turns that state a superseded value or only repeat facts shown.

    ``derived`` maps a turn's message id to the durable memories extracted from it. A turn is
    dropped when one of them is archived (the turn says something no longer believed), or when
    every one of them is active and among the first ``limit`` of ``ranked`` (the facts shown say
    it already). Turns with no extracted memory, and every durable memory, are kept in order.
    """
    present = {m.id for m in ranked[:limit]}
    out = []
    for m in ranked:
        facts = derived.get(m.source.message_id or "", ()) if m.category is Category.EPISODIC else ()
        stale = any(d.status is MemoryStatus.ARCHIVED for d in facts)
        repeated = bool(facts) and all(d.status is MemoryStatus.ACTIVE and d.memory_id in present for d in facts)
        if not (stale or repeated):
            out.append(m)
    return out

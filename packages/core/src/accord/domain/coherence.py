"""One current picture: the raw turns a context may show beside the facts drawn from them.

A raw (episodic) turn that stated a value since superseded would contradict the current fact in
the prompt ("I work at Initech" beside "User joined Umbrella Corp"): it stays (it is still what was
said, and the evidence for "when did I change jobs?") but is marked as earlier, so the context
renders it as "[2026-03-01, since changed] user: ...". A turn whose every fact is shown only
repeats them: it gives way to the facts, the concise current wording. And no memory is shown
whose every word another shown memory already says (:func:`without_repeats`): "User works as a
data analyst" gives way to "User works at Northwind as a data analyst".
"""

from __future__ import annotations

import re

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from accord.domain import lexical
from accord.domain.models import Category, Memory, MemoryStatus

__all__ = ["SUPERSEDED", "Derived", "coherent", "without_repeats"]

# The metadata flag of a raw turn whose statement has since been superseded.
SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class Derived:
    """A durable memory extracted from a turn: its id and status now."""

    memory_id: str
    status: MemoryStatus


def coherent(ranked: Sequence[Memory], derived: Mapping[str, Sequence[Derived]]) -> list[Memory]:
    """``ranked`` with raw turns that state a superseded value marked, and without saying a thing twice.

    A turn gives way only when its facts say most of what it says (:data:`COVERED` of its words):
    "Plan for week 1: three easy runs of 5 km ..." is not said by a fact that kept two of its words.

    ``derived`` maps a turn's message id to the durable memories extracted from it. A turn is
    marked (metadata ``superseded``) when one of them is archived: it says something no longer
    believed. A turn is dropped when every fact drawn from it is active and among ``ranked``:
    the facts say it already, and those ranked below the turn take its place (the concise
    current wording, where the turn was). Everything else is kept in order. Nothing depends on
    how many memories the caller will keep, so the first k are the same for any cut.
    """
    present = {m.id: m for m in ranked}
    dropped: dict[str, list[str]] = {}  # a dropped turn -> the facts that stand in for it
    stale: set[str] = set()
    for m in ranked:
        facts = derived.get(m.source.message_id or "", ()) if m.category is Category.EPISODIC else ()
        if any(d.status is MemoryStatus.ARCHIVED for d in facts):
            stale.add(m.id)
        elif (
            facts
            and all(d.status is MemoryStatus.ACTIVE and d.memory_id in present for d in facts)
            and _covered(m.content, [present[d.memory_id].content for d in facts])
        ):
            dropped[m.id] = [d.memory_id for d in facts]
    out: list[Memory] = []
    placed: set[str] = set()
    for m in ranked:
        for i in dropped.get(m.id, [m.id]):
            if i in placed or i in dropped:
                continue
            placed.add(i)
            kept = present[i]
            out.append(kept.model_copy(update={"metadata": {**kept.metadata, SUPERSEDED: True}}) if i in stale else kept)
    return out


# The share of a turn's words its facts must repeat for the turn to give way to them.
COVERED = 0.6


def _covered(turn: str, facts: Sequence[str]) -> bool:
    """Whether the facts repeat most of the turn, and every name and number in it: "we named him
    Rex" must not give way to "User adopted a rescue puppy" (the name is what a question asks)."""
    said = set(lexical.tokenize(turn))
    if not said:
        return True
    kept = set(lexical.tokenize(" ".join(facts)))
    return len(said & kept) / len(said) >= COVERED and _specifics(turn) <= kept


_SPECIFIC = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'-]*|\b\w*\d\w*")


def _specifics(turn: str) -> set[str]:
    """The tokens of a turn's names (capitalised past a sentence start) and numbers."""
    return set(lexical.tokenize(" ".join(_SPECIFIC.findall(turn.strip())))) - {"i"}


def _said(m: Memory) -> frozenset[str]:
    # "user" opens every derived fact ("User works at ..."): it says nothing about the user.
    return frozenset(lexical.tokenize(m.content)) - {"user"}


def _may_absorb(big: Memory, small: Memory) -> bool:
    """Whether ``big`` may stand in for ``small`` when it says all ``small`` says.

    Two raw turns never: each is its own moment, said by someone. A durable memory and a raw
    turn only when the memory was drawn from that very turn (a fact from another turn is other
    evidence). Two durable memories always. A turn marked as earlier never stands in for anything.
    """
    if big.metadata.get(SUPERSEDED):
        return False
    turns = (big.category is Category.EPISODIC) + (small.category is Category.EPISODIC)
    if turns == 2:
        return False
    if turns == 1:
        return big.source.message_id is not None and big.source.message_id == small.source.message_id
    return True


def without_repeats(ranked: Sequence[Memory]) -> list[Memory]:
    """``ranked`` without a memory whose every word another one says; that one takes the better
    of the two places. Memories without words are kept. No rule reads a limit, so the first k are
    the same for any cut."""
    said = [_said(m) for m in ranked]
    gone: set[int] = set()
    # i gives way to j: j says at least all i says (equal wordings: the lower-ranked one goes).
    stand_in: dict[int, int] = {}
    for i, mine in enumerate(said):
        if not mine:
            continue
        for j, other in enumerate(said):
            if j == i or j in gone or not mine <= other or (mine == other and j > i):
                continue
            if _may_absorb(ranked[j], ranked[i]):
                gone.add(i)
                stand_in[i] = j
                break
    out: list[Memory] = []
    placed: set[int] = set()
    for i in range(len(ranked)):
        j = i
        while j in stand_in:  # follow the chain to the memory that stays
            j = stand_in[j]
        if j not in placed:
            placed.add(j)
            out.append(ranked[j])
    return out

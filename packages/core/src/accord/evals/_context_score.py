"""Scoring one rendered context against a scenario: plain functions over text, no I/O.

A fact is a short phrase ("Pro plan", "prefers email"); it is *in* a line when every one of its
terms (stemmed, stopwords removed: :func:`accord.domain.lexical.tokenize`) is among the line's.
A line marked as earlier (``, since changed]``) states a past value: a stale fact in it does not
count as current. A line is a *duplicate* when another rendered line says at least all it says.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from accord.domain import lexical

__all__ = ["ContextScore", "context_lines", "fact_in", "score_context"]

_EARLIER = ", since changed]"
_SAID = " said: "


def context_lines(text: str) -> list[str]:
    """The items of a bullets context (one line each), without their ``- ``."""
    return [line[2:] for line in text.splitlines() if line.startswith("- ")]


def _terms(text: str) -> frozenset[str]:
    return frozenset(lexical.tokenize(text))


def _said(line: str) -> str:
    """What a line says: a quoted turn's quotation, else the line."""
    if line.startswith("[") and _SAID in line:
        quoted = line.split(_SAID, 1)[1]
        try:
            return str(json.loads(quoted))
        except ValueError:
            return quoted
    return line


def fact_in(fact: str, lines: Sequence[str]) -> bool:
    wanted = _terms(fact)
    return bool(wanted) and any(wanted <= _terms(line) for line in lines)


@dataclass(frozen=True, slots=True)
class ContextScore:
    found: list[str]
    missed: list[str]
    stale: list[str]
    duplicates: list[str]
    lines: int


def score_context(text: str, must: Sequence[str], must_not: Sequence[str]) -> ContextScore:
    lines = context_lines(text)
    current = [line for line in lines if _EARLIER not in line]
    found = [f for f in must if fact_in(f, lines)]
    stale = [f for f in must_not if fact_in(f, current)]
    # "user" opens every derived fact; it says nothing about whether two lines repeat each other.
    said = [_terms(_said(line)) - {"user"} for line in lines]
    duplicates = [
        lines[i]
        for i, mine in enumerate(said)
        if mine and any(j != i and mine <= other and (mine != other or j < i) for j, other in enumerate(said))
    ]
    return ContextScore(
        found=found,
        missed=[f for f in must if f not in found],
        stale=stale,
        duplicates=duplicates,
        lines=len(lines),
    )

"""What the dashboard and the consent page show, as plain models and functions (no I/O)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["AgentAccess", "DiffPiece", "Overview", "TimelineRow", "timeline_rows", "word_diff"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AgentAccess(_Frozen):
    """One agent as a user sees it: what its grants allow, the user's word, and the result now."""

    agent_id: str
    name: str
    granted_read: list[str]
    granted_write: list[str]
    consent: bool | None  # None: the user never decided (the grants apply as they are)
    read: list[str]
    write: list[str]


class TimelineRow(_Frozen):
    hour: dt.datetime
    counts: dict[str, int]
    total: int


class Overview(_Frozen):
    """A tenant at a glance (tenant admins and the owner)."""

    memories_by_category: dict[str, int]
    jobs: dict[str, int]
    quota: int | None
    quota_used: int
    gate: list[TimelineRow]


class DiffPiece(_Frozen):
    op: Literal["same", "added", "removed"]
    text: str


# A word keeps its trailing space, so a changed phrase reads as one removal and one addition.
_WORD = re.compile(r"\s+|\S+\s*")


def word_diff(before: str | None, after: str) -> list[DiffPiece]:
    """``after`` against ``before``, word by word (whitespace kept), for a version's diff."""
    old, new = _WORD.findall(before or ""), _WORD.findall(after)
    pieces: list[DiffPiece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(DiffPiece(op="same", text="".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(DiffPiece(op="removed", text="".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(DiffPiece(op="added", text="".join(new[j1:j2])))
    return pieces


def timeline_rows(counts: Counter[tuple[dt.datetime, str]], *, end: dt.datetime, hours: int) -> list[TimelineRow]:
    """One row per hour for the last ``hours`` hours up to ``end``, oldest first, empty hours kept."""
    last = end.replace(minute=0, second=0, microsecond=0)
    rows = []
    for back in range(hours - 1, -1, -1):
        hour = last - dt.timedelta(hours=back)
        here = {decision: n for (when, decision), n in counts.items() if when == hour}
        rows.append(TimelineRow(hour=hour, counts=dict(sorted(here.items())), total=sum(here.values())))
    return rows

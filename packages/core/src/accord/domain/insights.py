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


_WORD = re.compile(r"\S+|\s+")


def word_diff(before: str | None, after: str) -> list[DiffPiece]:
    """``after`` against ``before``, word by word (whitespace kept), for a version's diff.

    A space between two changed words belongs to the change, so a changed phrase reads as
    one removal followed by one addition, not as alternating words.
    """
    old, new = _WORD.findall(before or ""), _WORD.findall(after)
    raw: list[tuple[str, str, str]] = []  # (op, removed text, added text)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        gone, came = "".join(old[i1:i2]), "".join(new[j1:j2])
        raw.append(("same", gone, gone) if tag == "equal" else ("change", gone, came))
    for k in range(1, len(raw) - 1):
        op, text, _ = raw[k]
        if op == "same" and not text.strip() and raw[k - 1][0] == raw[k + 1][0] == "change":
            raw[k] = ("change", text, text)
    pieces: list[DiffPiece] = []
    k = 0
    while k < len(raw):
        if raw[k][0] == "same":
            pieces.append(DiffPiece(op="same", text=raw[k][1]))
            k += 1
            continue
        gone = came = ""
        while k < len(raw) and raw[k][0] == "change":
            gone, came, k = gone + raw[k][1], came + raw[k][2], k + 1
        pieces += [DiffPiece(op="removed", text=gone)] if gone else []
        pieces += [DiffPiece(op="added", text=came)] if came else []
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

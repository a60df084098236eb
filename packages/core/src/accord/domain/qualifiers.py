"""Context and time qualifiers in a memory's wording: plain functions, no I/O.

"User lives in Hamburg on weekends" holds in a context; "User lived in Paris from 2015 to
2018" held in the past. Neither contradicts "User lives in Berlin", so conflict resolution
keeps both. Any extractor's output passes through ``qualify``.
"""

from __future__ import annotations

import datetime as dt
import re

from accord.domain.models import ExtractedMemory

__all__ = ["qualify", "find_context", "find_interval"]

_CONTEXT = re.compile(
    r"\b(on (?:the )?weekends?|during the week|on weekdays|at work|at home|in (?:the )?(?:summer|winter|spring|autumn|fall)"
    r"|when (?:travel(?:l)?ing|on holiday|on vacation|working from home)|for work|in the (?:mornings?|evenings?))\b",
    re.IGNORECASE,
)
_RANGE = re.compile(r"\bfrom ((?:19|20)\d\d) (?:to|until|till) ((?:19|20)\d\d)\b", re.IGNORECASE)
_UNTIL = re.compile(r"\b(?:until|till|up to) ((?:19|20)\d\d)\b", re.IGNORECASE)
_PAST = re.compile(r"\b(used to|lived|worked|studied|was|were|had been|previously|formerly)\b", re.IGNORECASE)
_IN_YEAR = re.compile(r"\bin ((?:19|20)\d\d)\b", re.IGNORECASE)


# A change that happened once: its "in the summer" or "for work" says when or why it happened,
# not a situation the new value is limited to ("moved to Bristol in the summer" is the city).
_ONE_OFF_CHANGE = re.compile(
    r"\b(?:moved|relocated|started|joined|switched|swapped|changed|transferred|bought|sold|got|began|became|"
    r"left|quit|graduated|married|adopted|signed up|enrolled|retired|upgraded)\b",
    re.IGNORECASE,
)


def find_context(text: str) -> str | None:
    """The situation a statement is limited to ("on weekends"), normalised, or None."""
    match = _CONTEXT.search(text)
    if match and _ONE_OFF_CHANGE.search(text, 0, match.start()):
        return None
    if match and re.search(r"\b(?:looking|searching|hunting|applying)\s+$", text[: match.start()], re.IGNORECASE):
        return None  # "looking for work" is what the user does, not a situation
    return " ".join(match.group(1).lower().split()) if match else None


def _year_start(year: str) -> dt.datetime:
    return dt.datetime(int(year), 1, 1, tzinfo=dt.UTC)


def find_interval(text: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(valid_from, valid_to) for statements about a closed period in the past."""
    if match := _RANGE.search(text):
        return _year_start(match.group(1)), _year_start(str(int(match.group(2)) + 1))
    if _PAST.search(text):
        if match := _UNTIL.search(text):
            return None, _year_start(str(int(match.group(1)) + 1))
        if match := _IN_YEAR.search(text):
            return _year_start(match.group(1)), _year_start(str(int(match.group(1)) + 1))
    return None, None


def qualify(memory: ExtractedMemory) -> ExtractedMemory:
    """Fill in ``context`` and the validity interval from the wording, where the extractor did not."""
    update: dict[str, object] = {}
    if memory.context is None and (context := find_context(memory.content)):
        update["context"] = context
    if memory.valid_from is None and memory.valid_to is None:
        start, end = find_interval(memory.content)
        if end is not None:
            update.update(valid_from=start, valid_to=end)
    return memory.model_copy(update=update) if update else memory

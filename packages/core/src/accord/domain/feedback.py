"""What an agent's feedback on a memory changes, as a plan (pure: no I/O).

``feedback(memory_id, kind, note)`` closes the loop between what a context showed and what it
did to the conversation. Each kind is one plan the store applies in one transaction:

* ``helpful``: the live and the baseline importance rise by :data:`HELPFUL_BOOST` (capped at 1),
  so decay starts from the new value; a ``feedback`` version records it.
* ``wrong``: the memory is archived (kept with its history, restorable) by a ``feedback``
  version naming the agent and its note.
* ``outdated``: nothing changes yet; the user is asked (a clarification question with one
  memory: "still true" keeps it, "outdated" archives it by a ``feedback`` version).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from accord.domain.curation import CurationOp, MemoryChange, MemoryState, NewVersion
from accord.domain.models import ChangeType, MemoryStatus
from accord.errors import ConflictError

__all__ = [
    "FEEDBACK_KINDS",
    "HELPFUL_BOOST",
    "FeedbackKind",
    "RecheckChoice",
    "plan_feedback",
    "plan_recheck",
    "recheck_choice",
    "recheck_question",
]

FeedbackKind = Literal["helpful", "wrong", "outdated"]
FEEDBACK_KINDS: tuple[FeedbackKind, ...] = ("helpful", "wrong", "outdated")
HELPFUL_BOOST = 0.1
RecheckChoice = Literal["still_true", "outdated"]

_ACTIVE = MemoryStatus.ACTIVE.value
_ARCHIVED = MemoryStatus.ARCHIVED.value
_KEEP_WORDS = frozenset({"1", "yes", "y", "true", "still true", "still_true", "keep", "keep_existing", "correct", "right"})
_DROP_WORDS = frozenset({"2", "no", "n", "false", "outdated", "not anymore", "no longer", "archive", "wrong", "accept_new"})


def _meta(kind: str, note: str | None) -> dict[str, str]:
    return {"feedback": kind, **({"note": note} if note else {})}


def plan_feedback(
    memory: MemoryState,
    kind: FeedbackKind,
    *,
    agent_id: str | None,
    note: str | None,
    now: dt.datetime,
    boost: float = HELPFUL_BOOST,
) -> tuple[CurationOp, ...]:
    """The changes ``helpful`` or ``wrong`` feedback makes (``outdated`` asks first: no change).

    Wrong feedback on a memory already archived changes nothing (saying it twice is harmless).

    Raises:
        ConflictError: the memory is not active (helpful), or is pending a conflict (wrong).
    """
    if kind == "outdated":
        return ()
    if kind == "wrong" and memory.status == _ARCHIVED:
        return ()
    if memory.status != _ACTIVE:
        raise ConflictError(f"memory {memory.id} is {memory.status}; feedback applies to active memories")
    meta = _meta(kind, note)
    if kind == "helpful":
        raised = round(min(1.0, memory.importance + boost), 6)
        # The baseline rises too: decay starts again from what the agent found useful.
        change = MemoryChange(memory.id, importance=raised, original_importance=raised, updated_at=now)
        return change, NewVersion(memory, ChangeType.FEEDBACK, memory.content, raised, _ACTIVE, agent_id, meta)
    return archived(memory, agent_id=agent_id, meta=meta, now=now)


def archived(
    memory: MemoryState, *, agent_id: str | None, meta: dict[str, str], now: dt.datetime
) -> tuple[CurationOp, ...]:
    """Archive ``memory`` by a ``feedback`` version (a memory already archived: nothing)."""
    if memory.status == _ARCHIVED:
        return ()
    return (
        MemoryChange(memory.id, status=_ARCHIVED, archived_at=now, updated_at=now),
        NewVersion(memory, ChangeType.FEEDBACK, memory.content, memory.importance, _ARCHIVED, agent_id, meta),
    )


def recheck_question(content: str) -> str:
    """The question put to the user when an agent says a memory is outdated."""
    return f"Is this still true: {content!r}? Answer 1 (still true) or 2 (outdated)."


def recheck_choice(answer: str) -> RecheckChoice | None:
    """Map the user's answer to a recheck question; None when it says neither."""
    word = answer.strip().lower().rstrip(".!")
    if word in _KEEP_WORDS:
        return "still_true"
    if word in _DROP_WORDS:
        return "outdated"
    return None


def plan_recheck(
    memory: MemoryState, choice: RecheckChoice, *, resolved_by: str | None, now: dt.datetime
) -> tuple[CurationOp, ...]:
    """Settle a recheck question: keep the memory as it is, or archive it as outdated."""
    if choice == "still_true":
        return ()
    return archived(memory, agent_id=resolved_by, meta=_meta("outdated", "confirmed by the user"), now=now)

"""What curating stored memories changes, as plans: settling a conflict, a maintenance pass,
the statistics reads leave, archiving and restoring, manual edits.

Each store operation follows one shape, so the store decides nothing::

    store reads the rows -> plan_settlement / plan_maintenance / plan_access / plan_status / plan_edit
                         -> store applies the ops

all inside one transaction. A plan is a list of :class:`MemoryChange` and :class:`NewVersion`
operations, applied in order (an archive comes before the activation that would collide with it).
The rules themselves (decay, staleness, boosts, which settlements are allowed) are in
:mod:`accord.domain.lifecycle`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accord.domain.lifecycle import SettleChoice, access_boost, episodic_cutoff, maintenance_step, settlement
from accord.domain.models import ChangeType, MemoryStatus
from accord.domain.records import MaintenancePolicy, MemoryEdit
from accord.errors import ConflictError

__all__ = [
    "AccessPlan",
    "ConflictState",
    "EditPlan",
    "CurationOp",
    "MaintenancePlan",
    "MemoryChange",
    "MemoryState",
    "NewVersion",
    "SettlementPlan",
    "plan_access",
    "plan_edit",
    "plan_maintenance",
    "plan_settlement",
    "plan_status",
]

_ACTIVE = MemoryStatus.ACTIVE.value
_ARCHIVED = MemoryStatus.ARCHIVED.value


@dataclass(frozen=True, slots=True)
class MemoryState:
    """A stored memory as lifecycle policy sees it."""

    id: str
    user_id: str
    lineage_id: str
    content: str
    category: str
    status: str
    importance: float
    created_at: dt.datetime
    scope: str = "user"
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None
    decayed_at: dt.datetime | None = None
    last_accessed_at: dt.datetime | None = None
    access_count: int = 0


@dataclass(frozen=True, slots=True)
class ConflictState:
    """A stored conflict (or clarification question) as settling sees it."""

    id: str
    status: str
    resolution: str | None
    existing_id: str
    candidate_id: str


@dataclass(frozen=True, slots=True)
class MemoryChange:
    """New values for one memory's fields; None leaves a field as it is."""

    target: str
    status: str | None = None
    archived_at: dt.datetime | None = None
    valid_to: dt.datetime | None = None
    lineage_id: str | None = None
    previous_version_id: str | None = None
    importance: float | None = None
    original_importance: float | None = None
    decayed_at: dt.datetime | None = None
    access_count: int | None = None
    last_accessed_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None  # None: not an edit (decay and reads leave it)
    reopen: bool = False  # clear archived_at and valid_to: a restored memory is current again


@dataclass(frozen=True, slots=True)
class NewVersion:
    """The next version of a lineage, recording what a change did (the store numbers it)."""

    memory: MemoryState  # the memory as the version shows it (its lineage, user and content)
    change: ChangeType
    previous: str | None
    importance: float
    status: str
    agent_id: str | None = None
    meta: Mapping[str, Any] = dataclasses.field(default_factory=dict)


CurationOp = MemoryChange | NewVersion


@dataclass(frozen=True, slots=True)
class SettlementPlan:
    """What settling one conflict changes, and how the conflict is closed."""

    choice: SettleChoice
    ops: tuple[CurationOp, ...]
    user_id: str
    touched: tuple[str, ...]


def _archived(
    m: MemoryState, now: dt.datetime, fallback_valid_to: dt.datetime | None = None
) -> MemoryChange:
    # A memory's own end of validity wins; archiving only fills one in when it had none.
    valid_to = m.valid_to or fallback_valid_to or now
    return MemoryChange(m.id, status=_ARCHIVED, archived_at=now, valid_to=valid_to, updated_at=now)


def plan_settlement(
    conflict: ConflictState,
    choice: str,
    existing: MemoryState,
    candidate: MemoryState,
    *,
    resolved_by: str | None,
    now: dt.datetime,
) -> SettlementPlan:
    """Close a conflict: ``candidate`` supersedes the existing memory in its lineage,
    ``existing`` archives the candidate, ``both`` keeps both (shared claims only).

    Raises:
        ConflictError: the conflict is already resolved, or ``both`` for a user's own attribute.
    """
    try:
        settled = settlement(
            choice, conflict_status=conflict.status, resolution=conflict.resolution, candidate_scope=candidate.scope
        )
    except ConflictError as e:
        raise ConflictError(f"{conflict.id}: {e}") from e
    why = {"conflict_id": conflict.id}
    ops: list[CurationOp]
    if settled == "candidate":
        ops = [_archived(existing, now, candidate.valid_from)] if existing.status == _ACTIVE else []
        ops.append(
            MemoryChange(
                candidate.id,
                status=_ACTIVE,
                lineage_id=existing.lineage_id,
                previous_version_id=existing.id,
                updated_at=now,
            )
        )
        joined = dataclasses.replace(candidate, lineage_id=existing.lineage_id)
        ops.append(
            NewVersion(
                joined, ChangeType.CONFLICT_UPDATE, existing.content, candidate.importance, _ACTIVE, resolved_by, why
            )
        )
        touched: tuple[str, ...] = (existing.id, candidate.id)
    elif settled == "existing":
        dropped = NewVersion(
            candidate, ChangeType.ARCHIVED, candidate.content, candidate.importance, _ARCHIVED, resolved_by, why
        )
        ops = [_archived(candidate, now), dropped]
        touched = (candidate.id,)
    else:
        ops = [MemoryChange(candidate.id, status=_ACTIVE, updated_at=now)]
        touched = (candidate.id,)
    return SettlementPlan(choice=settled, ops=tuple(ops), user_id=existing.user_id, touched=touched)


@dataclass(frozen=True, slots=True)
class MaintenancePlan:
    """What one maintenance pass changes in the active durable memories, and which episodic
    turns expire (those created before ``expire_episodic_before``, None: none)."""

    ops: tuple[CurationOp, ...]
    decayed: int
    archived_stale: int
    touched: tuple[tuple[str, str], ...]  # (user_id, memory_id), once per change
    expire_episodic_before: dt.datetime | None


def plan_maintenance(
    active_durable: Sequence[MemoryState], policy: MaintenancePolicy, now: dt.datetime
) -> MaintenancePlan:
    """Decay each memory's importance with time (a version when it moved), archive the stale
    low-value ones (a version too), and say from when episodic turns expire."""
    ops: list[CurationOp] = []
    touched: list[tuple[str, str]] = []
    decayed = archived = 0
    for m in active_durable:
        step = maintenance_step(
            category=m.category,
            importance=m.importance,
            decayed_at=m.decayed_at,
            created_at=m.created_at,
            last_accessed_at=m.last_accessed_at,
            policy=policy,
            now=now,
        )
        # decayed_at moves on every pass, so the next pass decays only the time since this one.
        change = MemoryChange(m.id, decayed_at=now, importance=step.score if step.decayed else None)
        if step.decayed:
            meta = {"days": round(step.days, 1)}
            ops.append(NewVersion(m, ChangeType.IMPORTANCE_DECAY, m.content, step.score, m.status, meta=meta))
            decayed += 1
            touched.append((m.user_id, m.id))
        if step.archive:
            change = dataclasses.replace(change, status=_ARCHIVED, archived_at=now, valid_to=m.valid_to or now)
            meta = {"reason": "stale"}
            ops.append(NewVersion(m, ChangeType.ARCHIVED, m.content, step.score, _ARCHIVED, meta=meta))
            archived += 1
            touched.append((m.user_id, m.id))
        ops.append(change)
    cutoff = episodic_cutoff(now, policy.episodic_ttl_days)
    return MaintenancePlan(tuple(ops), decayed, archived, tuple(touched), cutoff)


@dataclass(frozen=True, slots=True)
class AccessPlan:
    """The counters and live importance reads leave, and the ids whose importance moved enough
    for the hot tier to refresh them."""

    ops: tuple[MemoryChange, ...]
    refresh: tuple[str, ...]


def plan_access(
    read: Sequence[MemoryState], counts: Mapping[str, int], *, boost: float, now: dt.datetime
) -> AccessPlan:
    """Count each memory's reads and raise its live importance by ``boost`` a read (capped at 1).

    Reads are statistics, not changes: no version, and ``updated_at`` stays.
    """
    ops, refresh = [], []
    for m in read:
        n = counts[m.id]
        score, moved = access_boost(m.importance, n, boost)
        ops.append(MemoryChange(m.id, importance=score, access_count=m.access_count + n, last_accessed_at=now))
        if moved:
            refresh.append(m.id)
    return AccessPlan(tuple(ops), tuple(refresh))


def plan_status(
    memory: MemoryState, status: MemoryStatus, *, agent_id: str | None, reason: str, now: dt.datetime
) -> tuple[CurationOp, ...]:
    """Archive or restore one memory, with a version; nothing when it already has that status.

    Raises:
        ConflictError: restoring a memory that is not archived (a pending one is settled with
            ``resolve()``, not restored).
    """
    if memory.status == status.value:
        return ()
    if status is MemoryStatus.ACTIVE and memory.status != _ARCHIVED:
        raise ConflictError(f"memory {memory.id} is {memory.status}; settle its conflict with resolve()")
    if status is MemoryStatus.ARCHIVED:
        change = MemoryChange(memory.id, status=_ARCHIVED, archived_at=now, updated_at=now)
        kind = ChangeType.ARCHIVED
    else:
        change = MemoryChange(memory.id, status=status.value, updated_at=now, reopen=True)
        kind = ChangeType.RESTORED
    meta = {"reason": reason}
    return change, NewVersion(memory, kind, memory.content, memory.importance, status.value, agent_id, meta)


@dataclass(frozen=True, slots=True)
class EditPlan:
    """A manual edit: the memory's new field values (as :meth:`MemoryEdit.changes` names them)
    and the version that records it."""

    values: Mapping[str, Any]
    version: NewVersion


def plan_edit(memory: MemoryState, edit: MemoryEdit, *, agent_id: str | None, now: dt.datetime) -> EditPlan:
    """Edit an active memory's content, importance or category.

    A manual importance is also the new baseline that decay and boosts start from.

    Raises:
        ConflictError: the memory is not active.
    """
    if memory.status != _ACTIVE:
        raise ConflictError(f"memory {memory.id} is {memory.status}; only active memories can be edited")
    values = {**edit.changes(), "updated_at": now}
    if edit.importance is not None:
        values["original_importance_score"] = edit.importance
    meta = {k: v for k, v in values.items() if k in ("category", "importance_score")}
    shown = dataclasses.replace(memory, content=edit.content if edit.content is not None else memory.content)
    importance = edit.importance if edit.importance is not None else memory.importance
    version = NewVersion(shown, ChangeType.MANUAL_EDIT, memory.content, importance, memory.status, agent_id, meta)
    return EditPlan(values=values, version=version)

"""Changes to stored memories after they were written, each one versioned.

Plain functions over a ``Connection`` inside a transaction: manual edits, archive and
restore, settling conflicts, access boosts and the maintenance run. None of them decides
anything here: each reads the rows, asks :mod:`accord.domain.curation` for a plan and applies it,
all in the caller's one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from accord.errors import NotFoundError
from accord.domain.models import ChangeType, MemoryStatus
from accord.adapters.sql.resolution import Resolver
from accord.domain.curation import (
    ConflictState,
    CurationOp,
    MemoryChange,
    NewVersion,
    plan_access,
    plan_edit,
    plan_maintenance,
    plan_settlement,
    plan_status,
)
from accord.adapters.sql.records import encode_vector, memory_state_from_row
from accord.domain.records import MaintenancePolicy, MaintenanceTally, MemoryEdit, Settlement
from accord.adapters.sql.schema import ACTIVE_DURABLE, conflicts, memories, memory_versions


def _row(conn: Connection, tenant_id: str, memory_id: str, *, lock: bool = False) -> Mapping[str, Any]:
    stmt = select(memories).where(memories.c.tenant_id == tenant_id, memories.c.id == memory_id)
    row = conn.execute(stmt.with_for_update() if lock else stmt).mappings().first()
    if row is None:
        raise NotFoundError(f"no memory {memory_id}")
    return row


def history(conn: Connection, tenant_id: str, memory_id: str) -> list[Mapping[str, Any]]:
    """Every version of the memory's lineage, oldest first.

    Versions that older releases wrote for reads (an ``importance_boost`` carrying ``accesses``)
    are left out, so stores filled before reads stopped being versions read the same.
    """
    lineage = _row(conn, tenant_id, memory_id)["lineage_id"]
    stmt = (
        select(memory_versions)
        .where(memory_versions.c.tenant_id == tenant_id, memory_versions.c.lineage_id == lineage)
        .order_by(memory_versions.c.version)
    )
    return [r for r in conn.execute(stmt).mappings().all() if not _a_read(r)]


def _a_read(version: Mapping[str, Any]) -> bool:
    return version["change_type"] == ChangeType.IMPORTANCE_BOOST.value and "accesses" in (version["metadata"] or {})


def edit(
    conn: Connection,
    tenant_id: str,
    memory_id: str,
    edit: MemoryEdit,
    *,
    agent_id: str | None,
    now: dt.datetime,
    lock: bool,
) -> str:
    """A manual edit as :func:`accord.domain.curation.plan_edit` says; returns the user id."""
    memory = memory_state_from_row(_row(conn, tenant_id, memory_id, lock=lock))
    plan = plan_edit(memory, edit, agent_id=agent_id, now=now)
    values = dict(plan.values)
    if "embedding" in values:
        values["embedding"] = encode_vector(values["embedding"])
    conn.execute(update(memories).where(memories.c.tenant_id == tenant_id, memories.c.id == memory_id).values(**values))
    apply_plan(conn, tenant_id, [plan.version], now)
    return memory.user_id


def set_status(
    conn: Connection,
    tenant_id: str,
    memory_id: str,
    status: MemoryStatus,
    *,
    agent_id: str | None,
    now: dt.datetime,
    lock: bool,
    reason: str,
) -> str:
    """Archive or restore a memory as :func:`accord.domain.curation.plan_status` says; returns
    the user id. Restoring fails (a unique index) if it would give the lineage or the attribute
    a second active memory."""
    memory = memory_state_from_row(_row(conn, tenant_id, memory_id, lock=lock))
    apply_plan(conn, tenant_id, plan_status(memory, status, agent_id=agent_id, reason=reason, now=now), now)
    return memory.user_id


def open_conflicts(
    conn: Connection,
    tenant_id: str,
    *,
    status: str | None,
    kind: str | None,
    user_id: str | None,
    limit: int,
    conflict_id: str | None = None,
) -> list[tuple[Mapping[str, Any], list[Mapping[str, Any]]]]:
    """Conflicts with their two memories (existing first, then the candidate), oldest first."""
    where = [conflicts.c.tenant_id == tenant_id]
    if conflict_id is not None:
        where.append(conflicts.c.id == conflict_id)
    if status is not None:
        where.append(conflicts.c.status == status)
    if kind is not None:
        where.append(conflicts.c.kind == kind)
    if user_id is not None:
        where.append(conflicts.c.user_id == user_id)
    rows = conn.execute(select(conflicts).where(*where).order_by(conflicts.c.created_at).limit(limit)).mappings().all()
    out = []
    for c in rows:
        pair = conn.execute(
            select(memories.c.id, memories.c.content).where(
                memories.c.tenant_id == tenant_id,
                memories.c.id.in_([c["existing_memory_id"], c["candidate_memory_id"]]),
            )
        ).mappings().all()
        by_id = {m["id"]: m for m in pair}
        ids = dict.fromkeys((c["existing_memory_id"], c["candidate_memory_id"]))  # one for a recheck question
        out.append((c, [by_id[i] for i in ids if i in by_id]))
    return out


_COLUMNS = {"importance": "importance_score", "original_importance": "original_importance_score"}  # a MemoryChange field -> its column, where they differ


def apply_plan(conn: Connection, tenant_id: str, ops: Iterable[CurationOp], now: dt.datetime) -> None:
    """Write a curation plan's operations in order, on a connection inside its transaction.

    Consecutive changes of the same columns (a batch of reads' statistics, a decay pass) go
    as one ``executemany``: on PostgreSQL one round trip instead of one per memory.
    """
    resolver = Resolver(conn, tenant_id, now, lock=False, job_id="")
    columns: tuple[str, ...] = ()
    run: list[dict[str, Any]] = []
    for op in ops:
        match op:
            case MemoryChange():
                values: dict[str, Any] = {
                    _COLUMNS.get(f.name, f.name): getattr(op, f.name)
                    for f in dataclasses.fields(op)
                    if f.name not in ("target", "reopen") and getattr(op, f.name) is not None
                }
                if op.reopen:
                    values.update(archived_at=None, valid_to=None)
                if tuple(values) != columns:
                    _write_changes(conn, tenant_id, columns, run)
                    columns, run = tuple(values), []
                run.append({"b_target": op.target, **{f"b_{k}": v for k, v in values.items()}})
            case NewVersion(memory=m):
                _write_changes(conn, tenant_id, columns, run)
                columns, run = (), []
                row = {"id": m.id, "user_id": m.user_id, "lineage_id": m.lineage_id, "content": m.content}
                resolver.version(
                    {**row, "importance_score": op.importance, "status": op.status},
                    op.change,
                    previous=op.previous,
                    agent_id=op.agent_id,
                    meta=op.meta,
                )
    _write_changes(conn, tenant_id, columns, run)


def _write_changes(conn: Connection, tenant_id: str, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    if not rows or not columns:  # a change of no column changes nothing
        return
    stmt = (
        update(memories)
        .where(memories.c.tenant_id == tenant_id, memories.c.id == bindparam("b_target"))
        .values({c: bindparam(f"b_{c}") for c in columns})
    )
    conn.execute(stmt, rows)


def settle(
    conn: Connection,
    tenant_id: str,
    conflict_id: str,
    choice: str,
    *,
    resolved_by: str | None,
    now: dt.datetime,
    lock: bool,
) -> Settlement:
    """Close a conflict as :func:`accord.domain.lifecycle.plan_settlement` says."""
    stmt = select(conflicts).where(conflicts.c.tenant_id == tenant_id, conflicts.c.id == conflict_id)
    c = conn.execute(stmt.with_for_update() if lock else stmt).mappings().first()
    if c is None:
        raise NotFoundError(f"no conflict or question {conflict_id}")
    if c["existing_memory_id"] == c["candidate_memory_id"]:
        from accord.adapters.sql.feedback import settle_recheck  # a question about one memory

        return settle_recheck(conn, tenant_id, c, choice, resolved_by=resolved_by, now=now, lock=lock)  # type: ignore[arg-type]
    conflict = ConflictState(
        id=c["id"],
        status=c["status"],
        resolution=c["resolution"],
        existing_id=c["existing_memory_id"],
        candidate_id=c["candidate_memory_id"],
    )
    existing = memory_state_from_row(_row(conn, tenant_id, conflict.existing_id, lock=lock))
    candidate = memory_state_from_row(_row(conn, tenant_id, conflict.candidate_id, lock=lock))
    plan = plan_settlement(conflict, choice, existing, candidate, resolved_by=resolved_by, now=now)
    apply_plan(conn, tenant_id, plan.ops, now)
    conn.execute(
        update(conflicts)
        .where(conflicts.c.id == conflict_id)
        .values(status="resolved", resolved_at=now, resolution=plan.choice, resolved_by=resolved_by)
    )
    return Settlement(user_id=plan.user_id, touched=list(plan.touched))


def boost_on_access(
    conn: Connection, tenant_id: str, counts: Mapping[str, int], *, boost: float, now: dt.datetime
) -> list[str]:
    """Count reads as :func:`accord.domain.lifecycle.plan_access` says; returns the ids the hot
    tier should refresh."""
    rows = conn.execute(
        select(memories).where(memories.c.tenant_id == tenant_id, memories.c.id.in_(list(counts)))
    ).mappings().all()
    plan = plan_access([memory_state_from_row(r) for r in rows], counts, boost=boost, now=now)
    apply_plan(conn, tenant_id, plan.ops, now)
    return list(plan.refresh)


def maintain(conn: Connection, tenant_id: str, policy: MaintenancePolicy, now: dt.datetime) -> MaintenanceTally:
    """One maintenance pass as :func:`accord.domain.lifecycle.plan_maintenance` says."""
    rows = conn.execute(select(memories).where(memories.c.tenant_id == tenant_id, ACTIVE_DURABLE)).mappings().all()
    plan = plan_maintenance([memory_state_from_row(r) for r in rows], policy, now)
    apply_plan(conn, tenant_id, plan.ops, now)
    report = MaintenanceTally(decayed=plan.decayed, archived_stale=plan.archived_stale, touched=list(plan.touched))
    if plan.expire_episodic_before is not None:
        expired = conn.execute(
            select(memories.c.id, memories.c.user_id).where(
                memories.c.tenant_id == tenant_id,
                memories.c.category == "episodic",
                memories.c.status == MemoryStatus.ACTIVE.value,
                memories.c.created_at < plan.expire_episodic_before,
            )
        ).all()
        if expired:
            conn.execute(
                update(memories)
                .where(memories.c.tenant_id == tenant_id, memories.c.id.in_([e.id for e in expired]))
                .values(status=MemoryStatus.ARCHIVED.value, archived_at=now, valid_to=now)
            )
        report.expired_episodic = len(expired)
        report.touched += [(e.user_id, e.id) for e in expired]
    return report

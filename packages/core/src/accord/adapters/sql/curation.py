"""Changes to stored memories after they were written, each one versioned.

Plain functions over a ``Connection`` inside a transaction: manual edits, archive and
restore, settling conflicts, access boosts and the maintenance run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select, update

from accord.errors import ConflictError, NotFoundError
from accord.domain.models import ChangeType, MemoryStatus
from accord.adapters.sql.resolution import Resolver
from accord.domain.lifecycle import access_boost, episodic_cutoff, maintenance_step, settlement
from accord.domain.records import MaintenancePolicy, MaintenanceTally, Settlement
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
    values: Mapping[str, Any],
    *,
    agent_id: str | None,
    now: dt.datetime,
    lock: bool,
) -> str:
    """A manual edit of an active memory (content, importance, category); returns the user id."""
    row = _row(conn, tenant_id, memory_id, lock=lock)
    if row["status"] != MemoryStatus.ACTIVE.value:
        raise ConflictError(f"memory {memory_id} is {row['status']}; only active memories can be edited")
    changes = {**values, "updated_at": now}
    if "importance_score" in values:
        changes["original_importance_score"] = values["importance_score"]
    conn.execute(update(memories).where(memories.c.tenant_id == tenant_id, memories.c.id == memory_id).values(**changes))
    resolver = Resolver(conn, tenant_id, now, lock=lock, job_id="")
    resolver.version(
        row,
        ChangeType.MANUAL_EDIT,
        content=values.get("content", row["content"]),
        previous=row["content"],
        importance=values.get("importance_score"),
        agent_id=agent_id,
        meta={k: v for k, v in values.items() if k in ("category", "importance_score")},
    )
    return row["user_id"]


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
    """Archive or restore a memory; returns the user id. Restoring fails if it would give
    the lineage or the attribute a second active memory."""
    row = _row(conn, tenant_id, memory_id, lock=lock)
    if row["status"] == status.value:
        return row["user_id"]
    if status is MemoryStatus.ACTIVE and row["status"] != MemoryStatus.ARCHIVED.value:
        raise ConflictError(f"memory {memory_id} is {row['status']}; settle its conflict with resolve()")
    archive = status is MemoryStatus.ARCHIVED
    conn.execute(
        update(memories)
        .where(memories.c.tenant_id == tenant_id, memories.c.id == memory_id)
        .values(
            status=status.value,
            archived_at=now if archive else None,
            valid_to=row["valid_to"] if archive else None,
            updated_at=now,
        )
    )
    Resolver(conn, tenant_id, now, lock=lock, job_id="").version(
        row,
        ChangeType.ARCHIVED if archive else ChangeType.RESTORED,
        previous=row["content"],
        status=status.value,
        agent_id=agent_id,
        meta={"reason": reason},
    )
    return row["user_id"]


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
        out.append((c, [by_id[i] for i in (c["existing_memory_id"], c["candidate_memory_id"]) if i in by_id]))
    return out


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
    """Close a conflict: ``candidate`` supersedes the existing memory, ``existing`` drops the
    candidate, ``both`` keeps both (shared claims only)."""
    stmt = select(conflicts).where(conflicts.c.tenant_id == tenant_id, conflicts.c.id == conflict_id)
    c = conn.execute(stmt.with_for_update() if lock else stmt).mappings().first()
    if c is None:
        raise NotFoundError(f"no conflict or question {conflict_id}")
    existing = _row(conn, tenant_id, c["existing_memory_id"], lock=lock)
    candidate = _row(conn, tenant_id, c["candidate_memory_id"], lock=lock)
    try:
        choice = settlement(choice, conflict_status=c["status"], resolution=c["resolution"], candidate_scope=candidate["scope"])
    except ConflictError as e:
        raise ConflictError(f"{conflict_id}: {e}") from e
    resolver = Resolver(conn, tenant_id, now, lock=lock, job_id=c["job_id"] or "")
    settled = Settlement(user_id=existing["user_id"])
    if choice == "candidate":
        if existing["status"] == MemoryStatus.ACTIVE.value:
            resolver.archive(existing, valid_to=candidate["valid_from"], agent_id=resolved_by, why="resolved")
        conn.execute(
            update(memories)
            .where(memories.c.tenant_id == tenant_id, memories.c.id == candidate["id"])
            .values(
                status=MemoryStatus.ACTIVE.value,
                lineage_id=existing["lineage_id"],
                previous_version_id=existing["id"],
                updated_at=now,
            )
        )
        resolver.version(
            {**candidate, "lineage_id": existing["lineage_id"]},
            ChangeType.CONFLICT_UPDATE,
            previous=existing["content"],
            status=MemoryStatus.ACTIVE.value,
            agent_id=resolved_by,
            meta={"conflict_id": conflict_id},
        )
        settled.touched += [existing["id"], candidate["id"]]
    elif choice == "existing":
        resolver.archive(candidate, valid_to=None, agent_id=resolved_by, why="rejected when resolving")
        resolver.version(candidate, ChangeType.ARCHIVED, previous=candidate["content"], status="archived", agent_id=resolved_by, meta={"conflict_id": conflict_id})
        settled.touched.append(candidate["id"])
    else:  # both
        conn.execute(
            update(memories)
            .where(memories.c.tenant_id == tenant_id, memories.c.id == candidate["id"])
            .values(status=MemoryStatus.ACTIVE.value, updated_at=now)
        )
        settled.touched.append(candidate["id"])
    conn.execute(
        update(conflicts)
        .where(conflicts.c.id == conflict_id)
        .values(status="resolved", resolved_at=now, resolution=choice, resolved_by=resolved_by)
    )
    return settled


def boost_on_access(
    conn: Connection, tenant_id: str, counts: Mapping[str, int], *, boost: float, now: dt.datetime
) -> list[str]:
    """Count accesses and raise live importance by ``boost`` per access (capped at 1).

    Reads are statistics, not changes: they write no version, so ``history()`` shows what was
    said and edited, not how often it was read. Returns the ids whose importance moved enough
    for the hot tier to refresh them.
    """
    changed = []
    rows = conn.execute(
        select(memories).where(memories.c.tenant_id == tenant_id, memories.c.id.in_(list(counts)))
    ).mappings().all()
    for row in rows:
        n = counts[row["id"]]
        score, worth_a_version = access_boost(row["importance_score"], n, boost)
        conn.execute(
            update(memories)
            .where(memories.c.tenant_id == tenant_id, memories.c.id == row["id"])
            .values(access_count=row["access_count"] + n, last_accessed_at=now, importance_score=score)
        )
        if worth_a_version:
            changed.append(row["id"])
    return changed


def maintain(conn: Connection, tenant_id: str, policy: MaintenancePolicy, now: dt.datetime) -> MaintenanceTally:
    """Decay importance with time, archive stale low-value memories, expire old episodic turns."""
    report = MaintenanceTally()
    resolver = Resolver(conn, tenant_id, now, lock=False, job_id="")
    rows = conn.execute(select(memories).where(memories.c.tenant_id == tenant_id, ACTIVE_DURABLE)).mappings().all()
    for row in rows:
        step = maintenance_step(
            category=row["category"],
            importance=row["importance_score"],
            decayed_at=row["decayed_at"],
            created_at=row["created_at"],
            last_accessed_at=row["last_accessed_at"],
            policy=policy,
            now=now,
        )
        values: dict[str, Any] = {"decayed_at": now}
        if step.decayed:
            values["importance_score"] = step.score
            resolver.version(row, ChangeType.IMPORTANCE_DECAY, previous=row["content"], importance=step.score, meta={"days": round(step.days, 1)})
            report.decayed += 1
            report.touched.append((row["user_id"], row["id"]))
        if step.archive:
            values.update(status=MemoryStatus.ARCHIVED.value, archived_at=now, valid_to=row["valid_to"] or now)
            resolver.version({**row, "importance_score": step.score}, ChangeType.ARCHIVED, previous=row["content"], status="archived", meta={"reason": "stale"})
            report.archived_stale += 1
            report.touched.append((row["user_id"], row["id"]))
        conn.execute(update(memories).where(memories.c.tenant_id == tenant_id, memories.c.id == row["id"]).values(**values))
    cutoff = episodic_cutoff(now, policy.episodic_ttl_days)
    if cutoff is not None:
        expired = conn.execute(
            select(memories.c.id, memories.c.user_id).where(
                memories.c.tenant_id == tenant_id,
                memories.c.category == "episodic",
                memories.c.status == MemoryStatus.ACTIVE.value,
                memories.c.created_at < cutoff,
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

"""Applying conflict decisions inside one SQL transaction.

``apply_candidates`` runs on a ``Connection`` already inside a transaction: for each
candidate it reads the related active memories (locked on PostgreSQL), asks the pure
``conflict_rules.classify`` what to do, and writes the outcome — memories, versions,
conflicts — so the whole job lands at once or not at all. Concurrent writers that race on
the same attribute are stopped by the unique indexes; the caller retries the transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from accord.domain.models import ChangeType, MemoryStatus
from accord.domain.conflict_rules import Action, Claim, Decision, classify, merge_contents
from accord.ports import SHARED_USER_ID
from accord.adapters.sql.records import memory_row
from accord.domain.records import ApplyResult, NewMemory, content_hash
from accord.adapters.sql.schema import conflicts, memories, memory_versions

_REINFORCE = 0.05
_WEIGHT_DOWN = 0.5
_RELATED_LIMIT = 300


def _claim(row: Mapping[str, Any]) -> Claim:
    meta = row["metadata"] or {}
    return Claim(
        content=row["content"],
        category=row["category"],
        attribute_key=row["attribute_key"],
        attribute_value=row["attribute_value"],
        confidence=row["confidence"],
        negated=bool(meta.get("negated")),
        scope=row["scope"],
        context=meta.get("context"),
        valid_to=row["valid_to"],
        stated_by=meta.get("stated_by"),
        said_at=row["valid_from"] or row["created_at"],
        id=row["id"],
    )


def candidate_claim(m: NewMemory, stated_by: str | None, said_at: dt.datetime) -> Claim:
    return Claim(
        content=m.content,
        category=m.category,
        attribute_key=m.attribute_key,
        attribute_value=m.attribute_value,
        confidence=m.confidence,
        negated=m.negated,
        scope=m.scope,
        context=m.context,
        valid_to=m.valid_to,
        stated_by=stated_by,
        said_at=m.said_at or said_at,
        change_cue=m.change_cue,
    )


def base_key(key: str | None) -> str | None:
    """``city@on weekends`` -> ``city``: context-qualified keys belong to their attribute."""
    return None if key is None else key.split("@", 1)[0]


def qualified(m: NewMemory, said_at: dt.datetime) -> NewMemory:
    """Give a memory that holds only in a context, or only in the past, a key of its own.

    "Lives in Hamburg on weekends" (``city@on weekends``) and "lived in Paris until 2018"
    (``city@until 2019-01-01``) never contradict the current ``city``, and the one-active-
    memory-per-key index holds for each of them separately.
    """
    key = base_key(m.attribute_key)
    if key is None or m.scope == "tenant":
        return m
    when = m.said_at or said_at
    if m.context:
        return dataclasses.replace(m, attribute_key=f"{key}@{m.context}")
    if m.valid_to is not None and m.valid_to <= when:
        return dataclasses.replace(m, attribute_key=f"{key}@until {m.valid_to.date().isoformat()}")
    return m


class Resolver:
    """Applies candidates for one job on one connection (inside its transaction)."""

    def __init__(
        self, conn: Connection, tenant_id: str, now: dt.datetime, *, lock: bool, job_id: str, shared_policy: str = "weigh"
    ) -> None:
        self.shared_policy = shared_policy
        self.conn = conn
        self.tenant_id = tenant_id
        self.now = now
        self.lock = lock
        self.job_id = job_id
        self.result = ApplyResult()

    # -- reading -----------------------------------------------------------------------

    def related(self, m: NewMemory) -> list[Mapping[str, Any]]:
        owner = SHARED_USER_ID if m.scope == "tenant" else m.user_id
        key = base_key(m.attribute_key)
        same = [memories.c.category == m.category]
        if key is not None:
            same += [memories.c.attribute_key == key, memories.c.attribute_key.like(f"{key}@%")]
        stmt = (
            select(memories)
            .where(
                memories.c.tenant_id == self.tenant_id,
                memories.c.user_id == owner,
                memories.c.status == MemoryStatus.ACTIVE.value,
                memories.c.category != "episodic",
                or_(*same),
            )
            .order_by(memories.c.created_at.desc())
            .limit(_RELATED_LIMIT)
        )
        if self.lock:
            stmt = stmt.with_for_update()
        return list(self.conn.execute(stmt).mappings().all())

    # -- writing -----------------------------------------------------------------------

    def version(
        self,
        row: Mapping[str, Any],
        change: ChangeType,
        *,
        content: str | None = None,
        previous: str | None = None,
        importance: float | None = None,
        status: str | None = None,
        agent_id: str | None = None,
        meta: Mapping[str, Any] | None = None,
        memory_id: str | None = None,
    ) -> None:
        """Append the next version of ``row``'s lineage (unique per lineage: a race fails loudly)."""
        lineage = row["lineage_id"]
        latest = self.conn.execute(
            select(func.max(memory_versions.c.version)).where(
                memory_versions.c.tenant_id == self.tenant_id, memory_versions.c.lineage_id == lineage
            )
        ).scalar()
        self.conn.execute(
            insert(memory_versions).values(
                id=str(uuid.uuid4()),
                tenant_id=self.tenant_id,
                user_id=row["user_id"],
                lineage_id=lineage,
                memory_id=memory_id or row["id"],
                version=(latest or 0) + 1,
                change_type=change.value,
                content=content if content is not None else row["content"],
                previous_content=previous,
                importance_score=importance if importance is not None else row["importance_score"],
                status=status or row["status"],
                agent_id=agent_id,
                created_at=self.now,
                metadata=dict(meta or {}),
            )
        )

    def insert(self, m: NewMemory, change: ChangeType = ChangeType.CREATED, previous: str | None = None) -> dict[str, Any]:
        row = memory_row(self.tenant_id, m, self.now)
        self.conn.execute(insert(memories).values(**row))
        self.version(row, change, previous=previous, agent_id=m.agent_id, meta=_decision_meta(m))
        self.result.created.append(m.id)
        return row

    def archive(self, row: Mapping[str, Any], *, valid_to: dt.datetime | None, agent_id: str | None, why: str) -> None:
        self.conn.execute(
            update(memories)
            .where(memories.c.tenant_id == self.tenant_id, memories.c.id == row["id"])
            .values(
                status=MemoryStatus.ARCHIVED.value,
                archived_at=self.now,
                valid_to=row["valid_to"] or valid_to or self.now,
                updated_at=self.now,
            )
        )
        self.result.touched.append(row["id"])

    def reweigh(self, row: Mapping[str, Any], score: float, change: ChangeType, why: str, agent_id: str | None) -> None:
        new_score = round(min(1.0, max(0.0, score)), 6)
        if abs(new_score - row["importance_score"]) < 1e-9:
            return
        self.conn.execute(
            update(memories)
            .where(memories.c.tenant_id == self.tenant_id, memories.c.id == row["id"])
            .values(importance_score=new_score, updated_at=self.now)
        )
        self.version(row, change, previous=row["content"], importance=new_score, agent_id=agent_id, meta={"reason": why})
        self.result.touched.append(row["id"])

    def conflict(self, kind: str, existing: Mapping[str, Any], candidate: NewMemory, decision: Decision) -> None:
        self.conn.execute(
            insert(conflicts).values(
                id=str(uuid.uuid5(uuid.UUID(candidate.id), "conflict")),
                tenant_id=self.tenant_id,
                user_id=existing["user_id"],
                kind=kind,
                status="open",
                existing_memory_id=existing["id"],
                candidate_memory_id=candidate.id,
                question=decision.question or decision.reason,
                reason=decision.reason,
                job_id=self.job_id,
                created_at=self.now,
            )
        )

    # -- one candidate -------------------------------------------------------------------

    def apply(self, m: NewMemory, stated_by: str | None, said_at: dt.datetime) -> Decision:
        if m.scope == "tenant":
            m = dataclasses.replace(m, user_id=SHARED_USER_ID, metadata={**m.metadata, "stated_by": stated_by})
        plain_key = m.attribute_key
        m = qualified(m, said_at)
        rows = self.related(m)
        by_id = {r["id"]: r for r in rows}
        decision = classify(
            candidate_claim(m, stated_by, said_at), [_claim(r) for r in rows], shared_policy=self.shared_policy
        )
        if decision.action is Action.INSERT and m.hint and m.hint.get("target_id") in by_id:
            decision = Decision(
                Action(m.hint["action"]),
                f"llm: {m.hint.get('reason', '')}",
                target_id=m.hint["target_id"],
                merged_content=m.hint.get("merged_content")
                or merge_contents(by_id[m.hint["target_id"]]["content"], m.content),
                question=m.hint.get("question"),
            )
        if decision.action is Action.INSERT and m.attribute_key != plain_key and any(
            r["attribute_key"] == base_key(plain_key) for r in rows
        ):
            # Another context or period of an attribute that has a current value: both hold.
            decision = dataclasses.replace(decision, action=Action.KEEP_BOTH, reason="both hold: another context or period")
        target = by_id.get(decision.target_id) if decision.target_id else None
        self.result.decisions.append((decision.action.value, decision.reason))
        agent = m.agent_id
        match decision.action:
            case Action.INSERT | Action.KEEP_BOTH if decision.target_id is None:
                self.insert(m)
            case Action.REJECT:
                assert target is not None
                self.reweigh(target, target["importance_score"] + _REINFORCE, ChangeType.IMPORTANCE_BOOST, f"restated: {decision.reason}", agent)
            case Action.UPDATE:
                assert target is not None
                self.archive(target, valid_to=m.valid_from or said_at, agent_id=agent, why=decision.reason)
                successor = dataclasses.replace(m, lineage_id=target["lineage_id"], previous_version_id=target["id"])
                self.insert(successor, ChangeType.CONFLICT_UPDATE, previous=target["content"])
            case Action.MERGE:
                assert target is not None and decision.merged_content is not None
                merged_id = str(uuid.uuid5(uuid.UUID(m.id), "merged"))
                part = dataclasses.replace(m, status=MemoryStatus.ARCHIVED.value, metadata={**m.metadata, "merged_into": merged_id})
                self.insert(part)
                self.archive(target, valid_to=None, agent_id=agent, why="merged")
                merged = dataclasses.replace(
                    m,
                    id=merged_id,
                    content=decision.merged_content,
                    content_hash=content_hash(decision.merged_content),
                    index_text=decision.merged_content,
                    attribute_key=target["attribute_key"],
                    attribute_value=target["attribute_value"],
                    importance=max(m.importance, target["importance_score"]),
                    lineage_id=target["lineage_id"],
                    previous_version_id=target["id"],
                    embedding=None,
                    embedding_model=None,
                    metadata={**m.metadata, "merged_from": [target["id"], m.id]},
                )
                self.insert(merged, ChangeType.MERGED, previous=target["content"])
            case Action.KEEP_BOTH:
                qualifier = m.context or (f"until {m.valid_to.date().isoformat()}" if m.valid_to else "other")
                self.insert(dataclasses.replace(m, attribute_key=f"{base_key(m.attribute_key)}@{qualifier}"))
            case Action.CROSS_USER_RECENCY | Action.CROSS_USER_CONFIDENCE:
                why = decision.reason
                if decision.candidate_loses:
                    self.insert(dataclasses.replace(m, importance=round(m.importance * _WEIGHT_DOWN, 6), metadata={**m.metadata, "weighted_down": why}))
                else:
                    self.insert(m)
                    if target is not None:
                        self.reweigh(target, target["importance_score"] * _WEIGHT_DOWN, ChangeType.IMPORTANCE_DECAY, why, agent)
            case Action.ASK_USER | Action.TENANT_REVIEW:
                assert target is not None
                self.insert(dataclasses.replace(m, status=MemoryStatus.PENDING.value))
                self.conflict("clarification" if decision.action is Action.ASK_USER else "review", target, m, decision)
        return decision


def _decision_meta(m: NewMemory) -> dict[str, Any]:
    return {"job_id": m.job_id} if m.job_id else {}


def apply_candidates(
    conn: Connection,
    tenant_id: str,
    job_id: str,
    candidates: Sequence[NewMemory],
    *,
    stated_by: str | None,
    said_at: dt.datetime,
    now: dt.datetime,
    lock: bool,
    shared_policy: str = "weigh",
) -> ApplyResult:
    resolver = Resolver(conn, tenant_id, now, lock=lock, job_id=job_id, shared_policy=shared_policy)
    for m in candidates:
        resolver.apply(m, stated_by, said_at)
    return resolver.result

"""Versions, curation and conflicts in SQL. A mixin of :class:`accord.adapters.sql.SqlStore`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from accord.errors import ConflictError
from accord.domain.models import Conflict, ConflictOption, MemoryStatus, MemoryVersion
from accord.adapters.sql import curation, feedback
from accord.domain.feedback import FeedbackKind
from accord.domain.records import FeedbackApplied, MaintenancePolicy, MaintenanceTally, MemoryEdit, Settlement
from accord.adapters.sql._parts import _StoreParts
from accord.adapters.sql.schema import conflicts, domain_states, memories, memory_versions, messages, tenants

_T = TypeVar("_T")


class CurationMixin(_StoreParts):
    async def _write_or_conflict(
        self, fn: Callable[[Connection], _T], what: str, collision: Callable[[IntegrityError], str]
    ) -> _T:
        """Run ``fn`` in one write transaction; a unique index it hits is the caller's conflict."""
        try:
            result: _T = await self._write(fn, what)
        except IntegrityError as e:
            raise ConflictError(collision(e)) from e
        return result

    async def history(self, tenant_id: str, memory_id: str) -> list[MemoryVersion]:
        rows = await self._read(lambda conn: curation.history(conn, tenant_id, memory_id), "reading history")
        return [
            MemoryVersion.model_validate({k: v for k, v in r.items() if k not in ("tenant_id", "user_id")})
            for r in rows
        ]

    async def edit_memory(
        self,
        tenant_id: str,
        memory_id: str,
        edit: MemoryEdit,
        *,
        agent_id: str | None,
        now: dt.datetime,
    ) -> str:
        lock = self.dialect == "postgresql"
        return await self._write_or_conflict(
            lambda conn: curation.edit(conn, tenant_id, memory_id, edit, agent_id=agent_id, now=now, lock=lock),
            "editing a memory",
            lambda e: f"memory {memory_id}: the same content is already stored for this user",
        )

    async def set_memory_status(
        self,
        tenant_id: str,
        memory_id: str,
        status: MemoryStatus,
        *,
        agent_id: str | None,
        now: dt.datetime,
        reason: str,
    ) -> str:
        lock = self.dialect == "postgresql"
        return await self._write_or_conflict(
            lambda conn: curation.set_status(
                conn, tenant_id, memory_id, status, agent_id=agent_id, now=now, lock=lock, reason=reason
            ),
            "changing a memory's status",
            lambda e: f"memory {memory_id} cannot be restored: another active memory holds its attribute or content",
        )

    async def record_feedback(
        self,
        tenant_id: str,
        memory_id: str,
        kind: FeedbackKind,
        *,
        note: str | None,
        agent_id: str | None,
        now: dt.datetime,
    ) -> FeedbackApplied:
        lock = self.dialect == "postgresql"
        return await self._write_or_conflict(
            lambda conn: feedback.give_feedback(
                conn, tenant_id, memory_id, kind, note=note, agent_id=agent_id, now=now, lock=lock
            ),
            "recording feedback",
            lambda e: f"memory {memory_id}: a question about it is already open or settled",
        )

    async def list_conflicts(
        self,
        tenant_id: str,
        *,
        status: str | None = "open",
        kind: str | None = None,
        user_id: str | None = None,
        limit: int = 100,
        conflict_id: str | None = None,
    ) -> list[Conflict]:
        found = await self._read(
            lambda conn: curation.open_conflicts(
                conn,
                tenant_id,
                status=status,
                kind=kind,
                user_id=user_id,
                limit=limit,
                conflict_id=conflict_id,
            ),
            "listing conflicts",
        )
        return [
            Conflict(
                id=c["id"],
                kind=c["kind"],
                status=c["status"],
                user_id=c["user_id"],
                question=c["question"],
                options=[ConflictOption(memory_id=m["id"], content=m["content"]) for m in pair],
                reason=c["reason"],
                created_at=c["created_at"],
                resolved_at=c["resolved_at"],
                resolution=c["resolution"],
            )
            for c, pair in found
        ]

    async def settle_conflict(
        self, tenant_id: str, conflict_id: str, choice: str, *, resolved_by: str | None, now: dt.datetime
    ) -> Settlement:
        lock = self.dialect == "postgresql"
        return await self._write_or_conflict(
            lambda conn: curation.settle(conn, tenant_id, conflict_id, choice, resolved_by=resolved_by, now=now, lock=lock),
            "resolving a conflict",
            lambda e: f"{conflict_id} cannot be resolved that way: {e.orig}",
        )

    async def maintain(
        self, tenant_id: str, policy: MaintenancePolicy, now: dt.datetime
    ) -> MaintenanceTally:
        return await self._write(lambda conn: curation.maintain(conn, tenant_id, policy, now), "maintenance")

    async def tenant_ids(self) -> list[str]:
        return await self._read(
            lambda conn: list(conn.execute(select(tenants.c.id)).scalars()), "listing tenants"
        )

    async def export_user_rows(self, tenant_id: str, user_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every stored row about one user, by kind (``memories``, ``versions``, ``messages``,
        ``conflicts``), for export; vectors are left out (they are derived)."""
        tables = {
            "memories": memories, "versions": memory_versions, "messages": messages, "conflicts": conflicts,
            "domain": domain_states,
        }

        def run(conn: Connection) -> dict[str, list[dict[str, Any]]]:
            return {
                kind: [
                    {k: v for k, v in r.items() if k != "embedding"}
                    for r in conn.execute(
                        select(t).where(t.c.tenant_id == tenant_id, t.c.user_id == user_id)
                    ).mappings()
                ]
                for kind, t in tables.items()
            }

        return await self._read(run, "exporting a user", heavy=True)

"""An agent's feedback on a memory, and the user's answer to a recheck question, in SQL.

Plain functions over a ``Connection`` inside the caller's transaction: they read the rows, ask
:mod:`accord.domain.feedback` for the plan and apply it (see :mod:`accord.adapters.sql.curation`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, insert, select, update

from accord.adapters.sql.curation import _row, apply_plan
from accord.adapters.sql.records import memory_state_from_row
from accord.adapters.sql.schema import conflicts
from accord.domain.feedback import FeedbackKind, plan_feedback, plan_recheck, recheck_question
from accord.domain.lifecycle import SettleChoice
from accord.domain.records import FeedbackApplied, Settlement
from accord.errors import ConflictError

__all__ = ["give_feedback", "settle_recheck"]


def give_feedback(
    conn: Connection,
    tenant_id: str,
    memory_id: str,
    kind: FeedbackKind,
    *,
    note: str | None,
    agent_id: str | None,
    now: dt.datetime,
    lock: bool,
) -> FeedbackApplied:
    """Apply ``helpful`` or ``wrong``; for ``outdated``, open (or find) the user's recheck question."""
    row = _row(conn, tenant_id, memory_id, lock=lock)
    memory = memory_state_from_row(row)
    if kind != "outdated":
        ops = plan_feedback(memory, kind, agent_id=agent_id, note=note, now=now)
        apply_plan(conn, tenant_id, ops, now)
        return FeedbackApplied(user_id=memory.user_id, changed=bool(ops))
    if memory.status != "active":
        raise ConflictError(f"memory {memory_id} is {memory.status}; only an active memory can be outdated")
    asked = conn.execute(
        select(conflicts.c.id, conflicts.c.status).where(
            conflicts.c.tenant_id == tenant_id, conflicts.c.candidate_memory_id == memory_id
        )
    ).first()
    if asked is not None and asked.status == "open":
        return FeedbackApplied(user_id=memory.user_id, question_id=asked.id)
    if asked is not None:
        # One question per memory as candidate (a unique index): it was already settled once.
        raise ConflictError(f"memory {memory_id} was the subject of a settled question; archive it instead")
    question_id = str(uuid.uuid5(uuid.UUID(memory_id), "recheck")) if _is_uuid(memory_id) else str(uuid.uuid4())
    reason = f"an agent ({agent_id or 'local'}) said it is outdated" + (f": {note}" if note else "")
    conn.execute(
        insert(conflicts).values(
            id=question_id,
            tenant_id=tenant_id,
            user_id=memory.user_id,
            kind="clarification",
            status="open",
            existing_memory_id=memory_id,
            candidate_memory_id=memory_id,
            question=recheck_question(memory.content),
            reason=reason[:2_000],
            job_id=None,
            created_at=now,
        )
    )
    return FeedbackApplied(user_id=memory.user_id, question_id=question_id)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def settle_recheck(
    conn: Connection,
    tenant_id: str,
    conflict: Mapping[str, Any],
    choice: SettleChoice,
    *,
    resolved_by: str | None,
    now: dt.datetime,
    lock: bool,
) -> Settlement:
    """Close a recheck question: ``existing`` (still true) keeps the memory, ``candidate``
    (outdated) archives it by a ``feedback`` version."""
    if conflict["status"] != "open":
        raise ConflictError(f"{conflict['id']}: already resolved ({conflict['resolution']})")
    if choice not in ("existing", "candidate"):
        raise ConflictError(f"{conflict['id']}: answer still true (1) or outdated (2)")
    memory = memory_state_from_row(_row(conn, tenant_id, conflict["existing_memory_id"], lock=lock))
    ops = plan_recheck(memory, "still_true" if choice == "existing" else "outdated", resolved_by=resolved_by, now=now)
    apply_plan(conn, tenant_id, ops, now)
    conn.execute(
        update(conflicts)
        .where(conflicts.c.id == conflict["id"])
        .values(status="resolved", resolved_at=now, resolution=choice, resolved_by=resolved_by)
    )
    return Settlement(user_id=memory.user_id, touched=[memory.id] if ops else [])

"""The engine's curation methods: history, edits, archive/restore, conflicts, maintenance.

A mixin of :class:`accord.AsyncAccord`; it uses the engine's parts, principal and authorizer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.errors import InvalidInputError, NotFoundError
from accord.domain.models import Category, ClarificationQuestion, Conflict, MaintenanceReport, Memory, MemoryStatus, MemoryVersion
from accord.domain.validation import (
    check_categories,
    check_content,
    check_identifier,
    check_int,
    check_memory_id,
    check_unit_interval,
)
from accord.domain.conflict_rules import choose_option
from accord.domain.feedback import recheck_choice
from accord.domain.records import MaintenancePolicy, MemoryEdit

if TYPE_CHECKING:
    from accord.engine.authz import Authorizer
    from accord.engine.indexing import Indexer
    from accord.domain.principal import Principal
    from accord.engine.components import Components


class CurationAPI:
    parts: Components
    _principal: Principal
    _authz: Authorizer
    _indexer: Indexer

    async def _visible(self, memory_id: str) -> Memory:
        """The memory if the caller may read it; otherwise it does not exist for them."""
        memory_id = check_memory_id(memory_id)
        found = await self.parts.store.get_memories(self._principal.tenant_id, [memory_id])
        if not found or not await self._authz.can_read(self._principal, found[0]):
            raise NotFoundError(f"no memory {memory_id}")
        return found[0]

    async def history(self, memory_id: str) -> list[MemoryVersion]:
        """Every version of the memory's lineage, oldest first: what changed, when, by which agent."""
        memory = await self._visible(memory_id)
        return await self.parts.store.history(self._principal.tenant_id, memory.id)

    async def update_memory(
        self,
        memory_id: str,
        *,
        content: str | None = None,
        importance: float | None = None,
        category: str | None = None,
    ) -> Memory:
        """Edit a memory by hand; the edit is a ``manual_edit`` version."""
        parts = self.parts
        memory = await self._visible(memory_id)
        text = check_content("content", content, parts.settings.max_message_chars) if content is not None else None
        score = check_unit_interval("importance", importance) if importance is not None else None
        moved_to = None
        if category is not None:
            (moved_to,) = check_categories([category])  # type: ignore[misc]
            if moved_to == Category.EPISODIC.value:
                raise InvalidInputError("category", "a memory cannot be turned into an episodic turn")
        if text is None and score is None and moved_to is None:
            raise InvalidInputError("update", "give content, importance or category to change")
        await self._authz.require_write(self._principal, memory.user_id, memory.category.value, "edit")
        if moved_to is not None:
            await self._authz.require_write(self._principal, memory.user_id, moved_to, "move memories into")
        vector = None
        if text is not None and parts.embedder is not None:
            (vector,) = await parts.embedder.embed_documents([text])
        edit = MemoryEdit(
            content=text,
            importance=score,
            category=moved_to,
            embedding=vector,
            embedding_model=parts.embedder.name if vector is not None and parts.embedder is not None else None,
        )
        await parts.store.edit_memory(
            self._principal.tenant_id, memory.id, edit, agent_id=self._principal.agent_id, now=parts.clock.now()
        )
        return await self._refreshed(memory.user_id, memory.id)

    async def archive_memory(self, memory_id: str) -> Memory:
        """Archive a memory: kept with its history, no longer retrieved."""
        return await self._set_status(memory_id, MemoryStatus.ARCHIVED)

    async def restore_memory(self, memory_id: str) -> Memory:
        """Bring an archived memory back (refused if another memory now holds its attribute)."""
        return await self._set_status(memory_id, MemoryStatus.ACTIVE)

    async def _set_status(self, memory_id: str, status: MemoryStatus) -> Memory:
        parts = self.parts
        memory = await self._visible(memory_id)
        verb = "archive" if status is MemoryStatus.ARCHIVED else "restore"
        await self._authz.require_write(self._principal, memory.user_id, memory.category.value, verb)
        await parts.store.set_memory_status(
            self._principal.tenant_id,
            memory.id,
            status,
            agent_id=self._principal.agent_id,
            now=parts.clock.now(),
            reason="by request",
        )
        return await self._refreshed(memory.user_id, memory.id)

    async def _refreshed(self, user_id: str, *memory_ids: str) -> Memory:
        """Re-index changed memories from SQL, drop them from the hot tier, return the first."""
        parts, tenant = self.parts, self._principal.tenant_id
        await parts.hot.invalidate(tenant, user_id, list(memory_ids))
        await self._indexer.follow_sql(tenant, ids=list(memory_ids))
        (memory,) = await parts.store.get_memories(tenant, [memory_ids[0]])
        return memory

    async def list_conflicts(
        self,
        *,
        status: str | None = "open",
        kind: str | None = None,
        user_id: str | None = None,
        limit: int = 100,
    ) -> list[Conflict]:
        """Conflicts waiting for a user (``clarification``) or an admin (``review``)."""
        if status not in ("open", "resolved", None):
            raise InvalidInputError("status", "must be 'open', 'resolved' or None")
        if kind not in ("clarification", "review", None):
            raise InvalidInputError("kind", "must be 'clarification', 'review' or None")
        found = await self.parts.store.list_conflicts(
            self._principal.tenant_id,
            status=status,
            kind=kind,
            user_id=check_identifier("user_id", user_id, optional=True),
            limit=check_int("limit", limit, 1, 1000),
        )
        return [c for c in found if await self._may_settle(c)]

    async def _may_settle(self, conflict: Conflict) -> bool:
        if self._principal.is_privileged:
            return True
        if conflict.kind == "review":
            return False
        access = await self._authz.access(self._principal, conflict.user_id)
        return bool(access.write)

    async def resolve(self, conflict_id: str, answer: str | int) -> Conflict:
        """Settle a clarification question or a review item.

        ``answer`` is the option's number (1: what was stored, 2: the new statement), a
        memory id, ``keep_existing`` / ``accept_new`` / ``keep_both``, or the user's own
        words ("it's on May 19").
        """
        parts, tenant = self.parts, self._principal.tenant_id
        conflict_id = check_memory_id(conflict_id, "conflict_id")
        found = await parts.store.list_conflicts(tenant, status=None, conflict_id=conflict_id)
        if not found or not await self._may_settle(found[0]):
            raise NotFoundError(f"no conflict or question {conflict_id}")
        choice = _choice(found[0], answer)
        settled = await parts.store.settle_conflict(
            tenant, conflict_id, choice, resolved_by=self._principal.agent_id, now=parts.clock.now()
        )
        if settled.touched:
            await self._refreshed(settled.user_id, *settled.touched)
        (done,) = await parts.store.list_conflicts(tenant, status=None, conflict_id=conflict_id)
        return done

    async def _open_question(self, user_id: str) -> ClarificationQuestion | None:
        open_ = await self.parts.store.list_conflicts(
            self._principal.tenant_id, status="open", kind="clarification", user_id=user_id, limit=1
        )
        if not open_:
            return None
        c = open_[0]
        return ClarificationQuestion(id=c.id, question=c.question, options=c.options)

    async def maintain(self) -> MaintenanceReport:
        """Decay importance, archive stale low-value memories, expire old episodic turns."""
        self._authz.require_admin(self._principal, "run maintenance")
        parts = self.parts
        s = parts.settings
        policy = MaintenancePolicy(
            half_life_days=s.half_life_days,
            archive_below=s.archive_below_importance,
            stale_after_days=s.stale_after_days,
            episodic_ttl_days=s.episodic_ttl_days,
        )
        report = await parts.store.maintain(self._principal.tenant_id, policy, parts.clock.now())
        by_user: dict[str, list[str]] = {}
        for user, memory_id in report.touched:
            by_user.setdefault(user, []).append(memory_id)
        for user, ids in by_user.items():
            await parts.hot.invalidate(self._principal.tenant_id, user, ids)
            await self._indexer.follow_sql(self._principal.tenant_id, ids=ids)
        return MaintenanceReport(
            decayed=report.decayed, archived_stale=report.archived_stale, expired_episodic=report.expired_episodic
        )


def _choice(conflict: Conflict, answer: str | int) -> str:
    if isinstance(answer, bool) or not isinstance(answer, (str, int)):
        raise InvalidInputError("answer", "must be a string or an option number")
    text = str(answer).strip()
    if not text or len(text) > 2_000:
        raise InvalidInputError("answer", "must be 1-2000 characters")
    ids = [o.memory_id for o in conflict.options]
    if len(ids) == 1:  # "is this still true?" after an agent said it is outdated
        said = recheck_choice(text)
        if said is None:
            raise InvalidInputError("answer", "say 1 (still true) or 2 (outdated)")
        return "existing" if said == "still_true" else "candidate"
    if text in ids:
        return "existing" if ids.index(text) == 0 else "candidate"
    existing, candidate = (o.content for o in conflict.options)
    choice = choose_option(text, existing, candidate)
    if choice is None:
        raise InvalidInputError("answer", f"say which is right: 1) {existing!r} or 2) {candidate!r}")
    return choice

"""The engine's operational methods: the job queue, users, statistics, health and the index.

A mixin of :class:`accord.AsyncAccord`; it uses the engine's parts, principal, authorizer, worker
and indexer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from accord.engine.authz import who
from accord.engine.check import CheckReport, check_invariants
from accord.domain.models import HealthReport, Job, StoreStats, UserStats
from accord.domain.validation import check_identifier, check_int, check_memory_id
from accord.errors import NotFoundError, PermissionDeniedError

if TYPE_CHECKING:
    from accord.domain.principal import Principal
    from accord.engine.authz import Authorizer
    from accord.engine.components import Components
    from accord.engine.indexing import Indexer
    from accord.engine.job import Worker


class OperationsAPI:
    parts: Components
    _principal: Principal
    _authz: Authorizer
    _indexer: Indexer
    _worker: Worker

    async def process_pending(self) -> int:
        """Run every queued job now, in this task; returns how many ran."""
        self._authz.require_admin(self._principal, "run the job queue")
        return await self._worker.drain()

    async def get_job(self, job_id: str) -> Job:
        """An ``add()`` job of this tenant: its status, attempts, error and what it created."""
        job = await self.parts.store.get_job(self._principal.tenant_id, check_memory_id(job_id, "job_id"))
        if job is None or not (self._principal.is_privileged or job.agent_id == self._principal.agent_id):
            raise NotFoundError(f"no job {job_id}")
        return job

    async def list_users(self, *, limit: int = 100, offset: int = 0) -> list[str]:
        """The tenant's users Accord holds memory for, in id order (admins and the owner)."""
        limit = check_int("limit", limit, 1, 1000)
        offset = check_int("offset", offset, 0, 10**9)
        self._authz.require_admin(self._principal, "list users")
        return await self.parts.store.list_users(self._principal.tenant_id, limit=limit, offset=offset)

    async def stats(self, user_id: str | None = None) -> UserStats | StoreStats:
        """Counts for one user, or for the whole tenant with the current service mode."""
        parts = self.parts
        if user_id is not None:
            user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
            if not (await self._authz.access(self._principal, user_id)).read:
                raise PermissionDeniedError(f"{who(self._principal)} may not read user {user_id!r}")
            return await parts.store.user_stats(self._principal.tenant_id, user_id)
        self._authz.require_admin(self._principal, "read tenant statistics")
        counts = await parts.store.store_counts(self._principal.tenant_id)
        points = await parts.index.count(self._principal.tenant_id) if parts.index is not None else None
        return StoreStats(**counts, index_points=points, mode=parts.mode())

    async def health(self) -> HealthReport:
        """Each dependency's state: index, embedder, hot tier, extraction and every LLM provider's
        circuit breaker (state, failure counts, last error), with the tenant's job counts.
        ``checks`` holds what the store, the hot tier and the index answered just now."""
        parts = self.parts
        counts = await parts.store.store_counts(self._principal.tenant_id)  # a store that fails raises
        # Each dependency is asked now, not assumed from the last call that happened to use it.
        checks = {"store": "ok", "hot_tier": await parts.hot.probe() or "ok"}
        if parts.index is not None:
            checks["index"] = await parts.index.probe() or "ok"
            if checks["index"] != "ok":  # it may have lost points (its files gone): rebuild from SQL once it answers
                self._indexer.mark_stale(f"the index failed its probe: {checks['index']}")
        mode = parts.mode()  # after the probes: a hot tier that answered again is back in use
        failed = [f"{name} unreachable: {problem}" for name, problem in checks.items() if problem != "ok"]
        if failed:
            mode = mode.model_copy(update={"degraded": True, "notes": [*mode.notes, *failed]})
        return HealthReport(
            status="degraded" if mode.degraded else "ok",
            mode=mode,
            providers=parts.extractor.providers(),
            jobs_pending=counts["jobs_pending"],
            jobs_failed=counts["jobs_failed"],
            checks=checks,
        )

    async def check(self, *, repair: bool = False) -> CheckReport:
        """The store-wide invariants (``accord check``); ``repair`` rebuilds the index if it is off."""
        self._authz.require_owner(self._principal, "check the store")
        return await check_invariants(self.parts, self._indexer, repair=repair)

    async def reindex(self, *, on_progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the vector index from SQL (re-embedding memories whose vectors are missing
        or came from another model).

        Args:
            on_progress: called after each batch with how many memories are indexed so far
                (``accord reindex`` draws its bar from it).
        """
        self._authz.require_owner(self._principal, "rebuild the index")
        return await self._indexer.rebuild(on_progress)

"""``AsyncAccord``: the memory engine. Every adapter (sync API, REST, MCP, LangChain,
LlamaIndex) reaches this one class.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from accord import gate
from accord._bootstrap import build_components
from accord._components import Components, Principal
from accord._datadir import DataDirLock
from sqlalchemy.exc import IntegrityError

from accord._errors import AccordError, ConflictError, InvalidInputError, NotFoundError
from accord._models import (
    AddResult,
    Category,
    ClarificationQuestion,
    Conflict,
    MaintenanceReport,
    MemoryVersion,
    ContextFormat,
    ContextResult,
    ForgetReport,
    Job,
    Memory,
    MemoryStatus,
    StoreStats,
    UserStats,
)
from accord._read import Reader
from accord._settings import AccordSettings
from accord._validation import (
    MAX_LIMIT,
    check_datetime,
    check_categories,
    check_content,
    check_format,
    check_identifier,
    check_int,
    check_memory_id,
    check_messages,
    check_metadata,
    check_positive_number,
    check_query,
    check_unit_interval,
)
from accord._write import Writer, point_from_record
from accord.conflict_rules import choose_option
from accord.stores.sql.curation import MaintenancePolicy
from accord.stores.sql.records import content_hash, encode_vector
from accord.ports import Clock, Extractor
from accord.worker import Worker, job_is_final

__all__ = ["AsyncAccord", "DEFAULT_TENANT", "LOCAL_AGENT"]

log = logging.getLogger("accord")

DEFAULT_TENANT = "default"
LOCAL_AGENT = "local"
MAX_CONTEXT_TOKENS = 32_000


class AsyncAccord:
    """The async memory engine.

    Use it as ``async with AsyncAccord() as memory:`` (embedded, in ``~/.accord``), or pass
    ``data_dir=`` or a full :class:`AccordSettings`. Without keys the engine acts as the
    local owner of the default tenant.

    Example:
        >>> async with AsyncAccord(data_dir="/tmp/accord-demo") as memory:
        ...     await memory.add("I'm vegetarian", user_id="alice", wait=True)
        ...     ctx = await memory.get("what should I cook?", user_id="alice")
    """

    def __init__(
        self,
        settings: AccordSettings | None = None,
        *,
        data_dir: str | Path | None = None,
        clock: Clock | None = None,
        extractor: Extractor | None = None,
    ) -> None:
        if settings is None:
            settings = AccordSettings(**({"data_dir": Path(data_dir)} if data_dir is not None else {}))
        elif data_dir is not None:
            settings = settings.model_copy(update={"data_dir": Path(data_dir)})
        self.settings = settings
        self._clock = clock
        self._extractor = extractor
        self._parts: Components | None = None
        self._lock: DataDirLock | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._principal = Principal(tenant_id=DEFAULT_TENANT, agent_id=LOCAL_AGENT)

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> Self:
        """Open the stores and start the background worker. Idempotent."""
        if self._parts is not None:
            return self
        parts, self._lock = build_components(self.settings, clock=self._clock, extractor=self._extractor)
        try:
            await parts.store.open()
            await parts.store.ensure_tenant(self._principal.tenant_id, "Default tenant", parts.clock.now())
        except BaseException:
            await parts.store.close()
            if self._lock is not None:
                self._lock.release()
            raise
        self._parts = parts
        self._writer = Writer(parts)
        self._reader = Reader(parts)
        self._worker = Worker(parts, self._writer)
        if self.settings.run_worker:
            self._tasks.append(asyncio.create_task(self._worker.run_forever(), name="accord-worker"))
        self._tasks.append(asyncio.create_task(self._flush_access_forever(), name="accord-access-flush"))
        if self.settings.maintenance_interval_seconds is not None:
            self._tasks.append(asyncio.create_task(self._maintain_forever(), name="accord-maintenance"))
        return self

    async def close(self) -> None:
        """Stop the worker, write pending access statistics and close every store."""
        parts, self._parts = self._parts, None
        if parts is None:
            return
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        try:
            await self._reader.flush_access()
        finally:
            if parts.index is not None:
                await parts.index.close()
            await parts.hot.close()
            await parts.store.close()
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def parts(self) -> Components:
        if self._parts is None:
            raise AccordError("the engine is not open: use `async with AsyncAccord(...)` or `await engine.start()`")
        return self._parts

    async def _maintain_forever(self) -> None:
        interval = self.settings.maintenance_interval_seconds
        assert interval is not None
        while True:
            await asyncio.sleep(interval)
            try:
                report = await self.maintain()
                log.info("maintenance: %s", report)
            except AccordError as e:
                log.warning("maintenance failed, will retry: %s", e)

    async def _flush_access_forever(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            try:
                await self._reader.flush_access()
            except AccordError as e:
                log.warning("could not record access statistics: %s", e)

    # -- write -------------------------------------------------------------------------

    async def add(
        self,
        messages: Any,
        user_id: str,
        *,
        session_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        wait: bool = False,
        timeout: float = 60.0,
    ) -> AddResult:
        """Remember a conversation. Returns at once with a job id; ``wait=True`` waits for the job.

        Args:
            messages: a list of ``{"role", "content"}`` dicts or ``Message`` models (a plain
                string is a user turn). Each turn is searchable at once as an episodic memory.
            user_id: the application's id for the user (1-128 characters).
            session_id: groups turns of one conversation.
            metadata: JSON-serialisable provenance kept with the turns.
            idempotency_key: a retry with the same key returns the first job, not a new one.
            wait: wait until extraction has finished (up to ``timeout`` seconds).

        Returns:
            An ``AddResult``: ``queued`` or ``done``, or ``blocked`` with a ``blocked_reason``
            (``rate_limit_exceeded``, ``low_quality``, ``duplicate``, ``budget_exhausted``).
        """
        parts = self.parts
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        session_id = check_identifier("session_id", session_id, optional=True)
        meta = check_metadata(metadata)
        if idempotency_key is not None and (
            not isinstance(idempotency_key, str) or not 1 <= len(idempotency_key) <= 200
        ):
            raise InvalidInputError("idempotency_key", "must be a string of 1-200 characters")
        check_positive_number("timeout", timeout, optional=False)
        msgs = check_messages(
            messages, max_messages=parts.settings.max_messages_per_add, max_chars=parts.settings.max_message_chars
        )
        fp = gate.fingerprint(msgs, session_id)
        blocked = await self._writer.check_gate(self._principal, user_id, msgs, fp, idempotency_key)
        if blocked is not None:
            return blocked
        result = await self._writer.enqueue(
            self._principal, user_id, msgs, session_id=session_id, metadata=meta, idempotency_key=idempotency_key, fp=fp
        )
        self._worker.wake()
        if wait and result.job_id is not None and result.status == "queued":
            return await self._wait_for(result, timeout)
        return result

    async def _wait_for(self, result: AddResult, timeout: float) -> AddResult:
        job_id = result.job_id
        assert job_id is not None
        finished = self._worker.finished_event(job_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        job = await self.parts.store.get_job(self._principal.tenant_id, job_id)
        while not job_is_final(job) and loop.time() < deadline:
            if not self.settings.run_worker:
                await self._worker.run_once()  # no background worker: run the queue inline
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(finished.wait(), timeout=min(0.5, max(deadline - loop.time(), 0.01)))
            job = await self.parts.store.get_job(self._principal.tenant_id, job_id)
        if job is None:
            return result
        created = await self.parts.store.get_memories(self._principal.tenant_id, job.created_memory_ids)
        status = {"done": "done", "failed": "failed"}.get(job.status.value, "queued")
        return result.model_copy(update={"status": status, "memories_created": created, "error": job.error})

    async def process_pending(self) -> int:
        """Run every queued job now, in this task; returns how many ran."""
        return await self._worker.drain()

    async def get_job(self, job_id: str) -> Job:
        job = await self.parts.store.get_job(self._principal.tenant_id, check_memory_id(job_id, "job_id"))
        if job is None:
            raise NotFoundError(f"no job {job_id}")
        return job

    # -- read --------------------------------------------------------------------------

    async def get(
        self,
        query: str,
        user_id: str,
        *,
        limit: int = 10,
        categories: list[str] | None = None,
        format: ContextFormat = "bullets",  # noqa: A002 - the public name of the option
        context_max_tokens: int = 500,
        time_filter_days: float | None = None,
        as_of: dt.datetime | None = None,
    ) -> ContextResult:
        """Fetch what matters about the user for this query, ready for a system prompt.

        ``as_of`` answers what was believed true at that moment (memories recorded by then,
        not yet archived then, and valid then).

        Returns:
            A ``ContextResult`` whose ``system_prompt_addition`` holds the best memories that
            fit in ``context_max_tokens``, as bullets grouped by category, json or xml;
            ``memories`` lists them in that order, each with its id and scores.
        """
        self.parts  # noqa: B018 - raises when closed
        query = check_query(query)
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        limit = check_int("limit", limit, 1, MAX_LIMIT)
        cats = check_categories(categories)
        fmt = check_format(format)
        max_tokens = check_int("context_max_tokens", context_max_tokens, 1, MAX_CONTEXT_TOKENS)
        days = check_positive_number("time_filter_days", time_filter_days)
        when = check_datetime("as_of", as_of)
        retrieval = await self._reader.retrieve(
            self._principal, user_id, query, limit=limit, categories=cats, time_filter_days=days, as_of=when
        )
        question = await self._open_question(user_id)
        result = self._reader.context(query, retrieval, fmt, max_tokens, clarification_question=question)
        await self._reader.note_access(self._principal, user_id, result.memories)
        return result

    async def list_memories(
        self,
        user_id: str,
        *,
        categories: list[str] | None = None,
        include_archived: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Memory]:
        """The user's memories, newest first."""
        statuses = [MemoryStatus.ACTIVE.value] + ([MemoryStatus.ARCHIVED.value] if include_archived else [])
        return await self.parts.store.list_memories(
            self._principal.tenant_id,
            check_identifier("user_id", user_id),  # type: ignore[arg-type]
            categories=check_categories(categories),
            statuses=statuses,
            limit=check_int("limit", limit, 1, 1000),
            offset=check_int("offset", offset, 0, 10**9),
        )

    async def get_memory(self, memory_id: str) -> Memory:
        found = await self.parts.store.get_memories(self._principal.tenant_id, [check_memory_id(memory_id)])
        if not found:
            raise NotFoundError(f"no memory {memory_id}")
        return found[0]

    async def delete_memory(self, memory_id: str) -> Memory:
        """Delete one memory from every store; returns what was deleted."""
        parts = self.parts
        deleted = await parts.store.delete_memory(self._principal.tenant_id, check_memory_id(memory_id))
        if deleted is None:
            raise NotFoundError(f"no memory {memory_id}")
        if parts.index is not None:
            await parts.index.delete(self._principal.tenant_id, [deleted.id])
        await parts.hot.invalidate(self._principal.tenant_id, deleted.user_id, [deleted.id])
        return deleted

    async def forget_user(self, user_id: str) -> ForgetReport:
        """Remove every trace of a user: memories, versions, raw turns, jobs, index points, cache."""
        parts = self.parts
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        report = await parts.store.forget_user(self._principal.tenant_id, user_id)
        if parts.index is not None:
            await parts.index.delete_user(self._principal.tenant_id, user_id)
        await parts.hot.invalidate(self._principal.tenant_id, user_id)
        return report

    async def stats(self, user_id: str | None = None) -> UserStats | StoreStats:
        """Counts for one user, or for the whole store with the current service mode."""
        parts = self.parts
        if user_id is not None:
            return await parts.store.user_stats(self._principal.tenant_id, check_identifier("user_id", user_id))  # type: ignore[arg-type]
        counts = await parts.store.store_counts(self._principal.tenant_id)
        points = await parts.index.count(self._principal.tenant_id) if parts.index is not None else None
        return StoreStats(**counts, index_points=points, mode=parts.mode())

    # -- versions, curation, conflicts -------------------------------------------------

    async def history(self, memory_id: str) -> list[MemoryVersion]:
        """Every version of the memory's lineage, oldest first: what changed, when, by whom."""
        return await self.parts.store.history(self._principal.tenant_id, check_memory_id(memory_id))

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
        memory_id = check_memory_id(memory_id)
        values: dict[str, Any] = {}
        if content is not None:
            text = check_content("content", content, parts.settings.max_message_chars)
            values.update(content=text, content_hash=content_hash(text), index_text=text)
            if parts.embedder is not None:
                (vector,) = await parts.embedder.embed_documents([text])
                values.update(embedding=encode_vector(vector), embedding_model=parts.embedder.name)
        if importance is not None:
            values["importance_score"] = check_unit_interval("importance", importance)
        if category is not None:
            (values["category"],) = check_categories([category])  # type: ignore[misc]
            if values["category"] == Category.EPISODIC.value:
                raise InvalidInputError("category", "a memory cannot be turned into an episodic turn")
        if not values:
            raise InvalidInputError("update", "give content, importance or category to change")
        try:
            user_id = await parts.store.edit_memory(
                self._principal.tenant_id, memory_id, values, agent_id=self._principal.agent_id, now=parts.clock.now()
            )
        except IntegrityError as e:
            raise ConflictError(f"memory {memory_id}: the same content is already stored for this user") from e
        return await self._refreshed(user_id, memory_id)

    async def archive_memory(self, memory_id: str) -> Memory:
        """Archive a memory: kept with its history, no longer retrieved."""
        return await self._set_status(memory_id, MemoryStatus.ARCHIVED)

    async def restore_memory(self, memory_id: str) -> Memory:
        """Bring an archived memory back (refused if another memory now holds its attribute)."""
        return await self._set_status(memory_id, MemoryStatus.ACTIVE)

    async def _set_status(self, memory_id: str, status: MemoryStatus) -> Memory:
        parts = self.parts
        memory_id = check_memory_id(memory_id)
        user_id = await parts.store.set_memory_status(
            self._principal.tenant_id,
            memory_id,
            status,
            agent_id=self._principal.agent_id,
            now=parts.clock.now(),
            reason="by request",
        )
        return await self._refreshed(user_id, memory_id)

    async def _refreshed(self, user_id: str, *memory_ids: str) -> Memory:
        """Re-index changed memories from SQL, drop them from the hot tier, return the first."""
        parts, tenant = self.parts, self._principal.tenant_id
        await parts.hot.invalidate(tenant, user_id, list(memory_ids))
        if parts.index is not None:
            async for batch in parts.store.index_records(tenant_id=tenant, ids=list(memory_ids)):
                await parts.index.upsert([point_from_record(r) for r in batch])
        return await self.get_memory(memory_ids[0])

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
        return await self.parts.store.list_conflicts(
            self._principal.tenant_id,
            status=status,
            kind=kind,
            user_id=check_identifier("user_id", user_id, optional=True),
            limit=check_int("limit", limit, 1, 1000),
        )

    async def resolve(self, conflict_id: str, answer: str | int) -> Conflict:
        """Settle a clarification question or a review item.

        ``answer`` is the option's number (1: what was stored, 2: the new statement), a
        memory id, ``keep_existing`` / ``accept_new`` / ``keep_both``, or the user's own
        words ("it's on May 19").
        """
        parts, tenant = self.parts, self._principal.tenant_id
        conflict_id = check_memory_id(conflict_id, "conflict_id")
        (conflict,) = [c for c in await parts.store.list_conflicts(tenant, status=None, limit=1000) if c.id == conflict_id] or [None]
        if conflict is None:
            raise NotFoundError(f"no conflict or question {conflict_id}")
        choice = self._choice(conflict, answer)
        settled = await parts.store.settle_conflict(
            tenant, conflict_id, choice, resolved_by=self._principal.agent_id, now=parts.clock.now()
        )
        if settled.touched:
            await self._refreshed(settled.user_id, *settled.touched)
        (done,) = [c for c in await parts.store.list_conflicts(tenant, status="resolved", limit=1000) if c.id == conflict_id]
        return done

    @staticmethod
    def _choice(conflict: Conflict, answer: str | int) -> str:
        if isinstance(answer, bool) or not isinstance(answer, (str, int)):
            raise InvalidInputError("answer", "must be a string or an option number")
        text = str(answer).strip()
        if not text or len(text) > 2_000:
            raise InvalidInputError("answer", "must be 1-2000 characters")
        ids = [o.memory_id for o in conflict.options]
        if text in ids:
            return "existing" if ids.index(text) == 0 else "candidate"
        existing, candidate = (o.content for o in conflict.options)
        choice = choose_option(text, existing, candidate)
        if choice is None:
            raise InvalidInputError("answer", f"say which is right: 1) {existing!r} or 2) {candidate!r}")
        return choice

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
            if parts.index is not None:
                async for batch in parts.store.index_records(tenant_id=self._principal.tenant_id, ids=ids):
                    await parts.index.upsert([point_from_record(r) for r in batch])
        return MaintenanceReport(
            decayed=report.decayed, archived_stale=report.archived_stale, expired_episodic=report.expired_episodic
        )

    async def reindex(self) -> int:
        """Rebuild the vector index from SQL (re-embedding memories whose vectors are missing)."""
        parts = self.parts
        if parts.index is None:
            return 0
        await parts.index.clear()
        total = 0
        async for batch in parts.store.index_records():
            embedder = parts.embedder
            stale = [r for r in batch if embedder is not None and r.embedding_model != embedder.name]
            if stale and embedder is not None:
                vectors = await embedder.embed_documents([r.index_text for r in stale])
                fresh = {r.memory_id: v for r, v in zip(stale, vectors, strict=True)}
                for tenant in {r.tenant_id for r in stale}:
                    await parts.store.set_embeddings(
                        tenant,
                        {r.memory_id: (fresh[r.memory_id].astype("float32").tobytes(), embedder.name) for r in stale if r.tenant_id == tenant},
                    )
                batch = [r if r.memory_id not in fresh else _with_vector(r, fresh[r.memory_id], embedder.name) for r in batch]
            await parts.index.upsert([point_from_record(r) for r in batch])
            total += len(batch)
        return total


def _with_vector(record: Any, vector: Any, model: str) -> Any:
    from dataclasses import replace

    return replace(record, embedding=vector, embedding_model=model)

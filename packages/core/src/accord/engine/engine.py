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

from accord.domain import gate
from accord.engine import alongside
from accord.engine.authz import LOCAL_AGENT, Authorizer, who
from accord.engine.bootstrap import build_components
from accord.domain.principal import Principal
from accord.engine.components import Components
from accord.engine.domains import DomainAPI, DomainOverlay
from accord.engine.feedback import FeedbackAPI
from accord.engine.graph_api import GraphAPI
from accord.engine.datadir import DataDirLock
from accord.engine.background import every
from accord.errors import AccordError, NotFoundError, PermissionDeniedError, StorageError
from accord.domain.models import (
    AddResult,
    ContextFormat,
    ContextResult,
    ForgetReport,
    Memory,
    MemoryStatus,
)
from accord.engine.passport import PassportAPI
from accord.engine.read import Reader
from accord.settings import AccordSettings
from accord.domain.validation import (
    MAX_LIMIT,
    check_agent_ids,
    check_categories,
    check_datetime,
    check_format,
    check_identifier,
    check_idempotency_key,
    check_int,
    check_memory_id,
    check_messages,
    check_metadata,
    check_metadata_filter,
    check_positive_number,
    check_query,
)
from accord.engine.indexing import Indexer
from accord.engine.index_repair import IndexRepair
from accord.engine.operations import OperationsAPI
from accord.engine.write import Writer
from accord.engine import webhooks
from accord.engine.webhooks import WebhookAPI, WebhookDelivery
from accord.engine.insights import InsightsAPI
from accord.blocking import BlockingEngine
from accord.interface import MemoryEngine, share_docs
from accord.domain.access import ALL_CATEGORIES
from accord.ports import SHARED_USER_ID, Clock, Extractor
from accord.engine.job import Worker, job_is_final

__all__ = ["AsyncAccord", "DEFAULT_TENANT", "LOCAL_AGENT"]

log = logging.getLogger("accord")

DEFAULT_TENANT = "default"
MAX_CONTEXT_TOKENS = 32_000


class AsyncAccord(FeedbackAPI, GraphAPI, PassportAPI, OperationsAPI, DomainAPI, WebhookAPI, InsightsAPI):
    """The async memory engine.

    Use it as ``async with AsyncAccord() as memory:`` (embedded, in ``~/.accord``), or pass
    ``data_dir=`` or a full :class:`AccordSettings`. Without keys the engine acts as the
    local owner of the default tenant; ``await memory.for_key(key)`` acts as an agent.

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
        self._principal = Principal(tenant_id=DEFAULT_TENANT, agent_id=LOCAL_AGENT, role="owner")
        self._is_view = False

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> Self:
        """Open the stores and start the background worker. Idempotent."""
        if self._parts is not None:
            return self
        parts, self._lock = build_components(self.settings, clock=self._clock, extractor=self._extractor)
        try:
            await parts.store.open()
            await parts.store.ensure_tenant(DEFAULT_TENANT, "Default tenant", parts.clock.now())
        except BaseException:
            await parts.store.close()
            if self._lock is not None:
                self._lock.release()
            raise
        self._parts = parts
        self._authz = Authorizer(parts)
        self._indexer = Indexer(parts)
        self._writer = Writer(parts, self._indexer)
        self._reader = Reader(parts)
        self._domains = DomainOverlay(parts)
        self._worker = Worker(parts, self._indexer, self._authz, domains=self._domains)
        self._index_repair = IndexRepair(parts, self._indexer)
        await self._index_repair.check_at_start()
        self._tasks.append(asyncio.create_task(self._index_repair.run_forever(), name="accord-index-repair"))
        if self.settings.run_worker:
            self._tasks.append(asyncio.create_task(self._worker.run_forever(), name="accord-worker"))
        flush = every(1.0, self._reader.flush_access, "recording access statistics")
        self._tasks.append(asyncio.create_task(flush, name="accord-access-flush"))
        self._delivery = WebhookDelivery(parts)
        deliver = every(self.settings.webhook_poll_seconds, self._delivery.run_round, "webhook delivery")
        self._tasks.append(asyncio.create_task(deliver, name="accord-webhooks"))
        if (interval := self.settings.maintenance_interval_seconds) is not None:
            maintain = every(interval, lambda: self.maintain(), "maintenance", report=True)  # looked up each round
            self._tasks.append(asyncio.create_task(maintain, name="accord-maintenance"))
        return self

    async def close(self) -> None:
        """Stop the worker, write pending access statistics and close every store.

        Views made by ``for_key`` share the engine; closing a view does nothing.
        """
        if self._is_view:
            return
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
            # Jobs this process claimed go back to the queue now, not when their lease expires.
            try:
                released = await parts.store.release_jobs(self._worker.id, parts.clock.now())
            except StorageError as e:
                # A store gone away cannot take them back; their leases expire as after a crash.
                log.warning("could not hand running jobs back to the queue: %s", e)
            else:
                if released:
                    log.info("handed %d running job(s) back to the queue", released)
            await self._reader.flush_access()
        finally:
            if parts.index is not None:
                await parts.index.close()
            await parts.hot.close()
            if parts.webhook_sender is not None:
                await parts.webhook_sender.close()
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
            (``rate_limit_exceeded``, ``backlog`` with ``retry_after_seconds``, ``low_quality``,
            ``duplicate``, ``budget_exhausted``).

        Raises:
            PermissionDeniedError: the caller may not write this user's memory.
        """
        parts = self.parts
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        session_id = check_identifier("session_id", session_id, optional=True)
        meta = check_metadata(metadata)
        idempotency_key = check_idempotency_key(idempotency_key)
        check_positive_number("timeout", timeout, optional=False)
        msgs = check_messages(
            messages, max_messages=parts.settings.max_messages_per_add, max_chars=parts.settings.max_message_chars
        )
        await self._require_tenant()
        access = await self._authz.access(self._principal, user_id)
        if not access.write:
            raise PermissionDeniedError(f"{who(self._principal)} may not write the memory of user {user_id!r}")
        fp = gate.fingerprint(msgs, session_id)
        blocked, quota_marks = await self._writer.check_gate(self._principal, user_id, msgs, fp, idempotency_key)
        if blocked is not None:
            return blocked
        result = await self._writer.enqueue(
            self._principal,
            user_id,
            msgs,
            session_id=session_id,
            metadata=meta,
            idempotency_key=idempotency_key,
            fp=fp,
            episodic=access.can_write("episodic"),
            events=quota_marks,
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
                    async with asyncio.timeout(min(0.5, max(deadline - loop.time(), 0.01))):
                        await finished.wait()
            job = await self.parts.store.get_job(self._principal.tenant_id, job_id)
        if job is None:
            return result
        status = {"done": "done", "failed": "failed"}.get(job.status.value, "queued")
        # Only a finished job has created memories to report: an unfinished one may still change them.
        ids = job.created_memory_ids if status == "done" else []
        created = await self.parts.store.get_memories(self._principal.tenant_id, ids)
        return result.model_copy(
            update={"status": status, "memories_created": created, "error": job.error, "extractor": job.extractor}
        )

    # -- read --------------------------------------------------------------------------

    async def get(
        self,
        query: str,
        user_id: str,
        *,
        limit: int = 10,
        categories: list[str] | None = None,
        format: ContextFormat = "bullets",  # noqa: A002 - the public name of the option
        context_max_tokens: int = 1000,
        time_filter_days: float | None = None,
        as_of: dt.datetime | None = None,
        agent_ids: list[str] | None = None,
    ) -> ContextResult:
        """Fetch what matters about the user for this query, ready for a system prompt.

        ``as_of`` answers what was believed true at that moment (memories recorded by then,
        not yet archived then, and valid then); ``agent_ids`` keeps only memories those
        agents wrote. Categories the caller may not read are never returned.

        Returns:
            A ``ContextResult``: ``memories`` are the ``limit`` best memories in rank order
            (the first k are the same whatever ``limit`` is), each with its id, scores, writer
            and whether it was ``rendered``; ``system_prompt_addition`` renders the best of
            them that fit in ``context_max_tokens`` (default 1,000: the whole default top 10
            fits in almost every case, measured on LoCoMo), as bullets grouped by category,
            json or xml.
        """
        self.parts  # noqa: B018 - raises when closed
        query = check_query(query)
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        limit = check_int("limit", limit, 1, MAX_LIMIT)
        cats = check_categories(categories)
        fmt = check_format(format)
        max_tokens = check_int("context_max_tokens", context_max_tokens, 1, MAX_CONTEXT_TOKENS)
        days = check_positive_number("time_filter_days", time_filter_days, maximum=100_000)
        when = check_datetime("as_of", as_of)
        writers = check_agent_ids(agent_ids)
        access = await self._authz.access(self._principal, user_id)
        allowed = sorted((set(cats) if cats is not None else ALL_CATEGORIES) & access.read)
        shared = await self._authz.access(self._principal, SHARED_USER_ID) if allowed else access
        # An open question does not depend on the retrieval: read it alongside.
        asking = alongside.start(self._open_question(user_id)) if access.write else None
        try:
            retrieval = await self._reader.retrieve(
                self._principal, user_id, query, limit=limit, categories=allowed, time_filter_days=days,
                as_of=when, agent_ids=writers, shared_categories=sorted(set(allowed) & shared.read),
            )
            question = await asking if asking is not None else None
        finally:
            alongside.stop(asking)
        block = await self._domains.block(self._principal.tenant_id, user_id, allowed, max_tokens)
        budget, said = block.budget(fmt, max_tokens), block.covers(retrieval.ranked)
        result = self._reader.context(query, retrieval, fmt, budget, clarification_question=question, hide=said)
        result = block.prepend(result, fmt, max_tokens)
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
        metadata: dict[str, str] | None = None,
        job_id: str | None = None,
    ) -> list[Memory]:
        """The user's memories the caller may read, newest first.

        ``metadata`` keeps memories whose metadata holds each path with that string value
        (``{"langgraph_store.key": "k1"}``); ``job_id`` keeps those one ``add()`` wrote.
        """
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        cats = check_categories(categories)
        limit = check_int("limit", limit, 1, 1000)
        offset = check_int("offset", offset, 0, 10**9)
        wanted = check_metadata_filter(metadata)
        job = check_memory_id(job_id, "job_id") if job_id is not None else None
        access = await self._authz.access(self._principal, user_id)
        allowed = sorted((set(cats) if cats is not None else ALL_CATEGORIES) & access.read)
        if not allowed:
            return []
        statuses = [MemoryStatus.ACTIVE.value] + ([MemoryStatus.ARCHIVED.value] if include_archived else [])
        return await self.parts.store.list_memories(
            self._principal.tenant_id,
            user_id,
            categories=allowed,
            statuses=statuses,
            limit=limit,
            offset=offset,
            metadata=wanted,
            job_id=job,
        )

    async def get_memory(self, memory_id: str) -> Memory:
        """One memory the caller may read (``NotFoundError`` otherwise, also for another tenant's)."""
        return await self._visible(memory_id)

    async def delete_memory(self, memory_id: str) -> Memory:
        """Delete one memory from every store; returns what was deleted."""
        parts = self.parts
        memory = await self._visible(memory_id)
        await self._authz.require_write(self._principal, memory.user_id, memory.category.value, "delete")
        deleted = await parts.store.delete_memory(self._principal.tenant_id, memory.id)
        if deleted is None:
            raise NotFoundError(f"no memory {memory_id}")
        await self._indexer.drop(self._principal.tenant_id, [deleted.id])
        if parts.graph is not None:
            await parts.graph.forget_memories(self._principal.tenant_id, [deleted.id])
        await parts.hot.invalidate(self._principal.tenant_id, deleted.user_id, [deleted.id])
        return deleted

    async def forget_user(self, user_id: str) -> ForgetReport:
        """Remove every trace of a user: memories, versions, raw turns, jobs, conflicts, consent,
        index points and cache entries."""
        parts = self.parts
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        self._authz.require_user_or_admin(self._principal, user_id, "erase memory")
        tenant_id = self._principal.tenant_id
        # user.erased is queued in the erasure's own transaction (the outbox).
        report = await parts.store.forget_user(
            tenant_id, user_id, now=parts.clock.now(), events_for=webhooks.erased_events(tenant_id, user_id)
        )
        if parts.graph is not None:
            await parts.graph.forget_user(self._principal.tenant_id, user_id)
        await self._indexer.drop(self._principal.tenant_id, user_id=user_id)
        await parts.hot.invalidate(self._principal.tenant_id, user_id)
        return report

# The engine's docstrings document the interface and the blocking twins too (one text).
share_docs(AsyncAccord, MemoryEngine, BlockingEngine)

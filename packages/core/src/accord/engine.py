"""``AsyncAccord``: the memory engine. Every adapter (sync API, REST, MCP, LangChain,
LlamaIndex) reaches this one class.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from accord import gate
from accord._bootstrap import build_components
from accord._components import Components, Principal
from accord._datadir import DataDirLock
from accord._errors import AccordError, InvalidInputError, NotFoundError
from accord._models import (
    AddResult,
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
    check_categories,
    check_format,
    check_identifier,
    check_int,
    check_memory_id,
    check_messages,
    check_metadata,
    check_positive_number,
    check_query,
)
from accord._write import Writer, point_from_record
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
    ) -> ContextResult:
        """Fetch what matters about the user for this query, ready for a system prompt.

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
        retrieval = await self._reader.retrieve(
            self._principal, user_id, query, limit=limit, categories=cats, time_filter_days=days
        )
        result = self._reader.context(query, retrieval, fmt, max_tokens, clarification_question=None)
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

"""``Accord``: the synchronous API. Each method is one line over ``AsyncAccord``.

The async engine runs on a private event loop in a daemon thread, so the sync API also
works where a loop is already running (Jupyter, inside async frameworks).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from accord._models import (
    AddResult,
    Conflict,
    ContextFormat,
    ContextResult,
    ForgetReport,
    HealthReport,
    Job,
    MaintenanceReport,
    Memory,
    MemoryVersion,
    StoreStats,
    UserStats,
)
from accord._settings import AccordSettings
from accord.engine import AsyncAccord
from accord.ports import Clock, Extractor

__all__ = ["Accord", "LoopThread"]

T = TypeVar("T")


class LoopThread:
    """An event loop running in a daemon thread; ``run`` submits a coroutine and waits."""

    def __init__(self, name: str = "accord-loop") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()


class Accord:
    """The synchronous memory engine; same methods and arguments as :class:`AsyncAccord`.

    Example:
        >>> memory = Accord(data_dir="/tmp/accord-demo")
        >>> memory.add("I prefer Python examples", user_id="alice", wait=True).status
        'done'
        >>> memory.close()
    """

    def __init__(
        self,
        settings: AccordSettings | None = None,
        *,
        data_dir: str | Path | None = None,
        clock: Clock | None = None,
        extractor: Extractor | None = None,
    ) -> None:
        self._loop = LoopThread()
        self._async = AsyncAccord(settings, data_dir=data_dir, clock=clock, extractor=extractor)
        try:
            self._loop.run(self._async.start())
        except BaseException:
            self._loop.stop()
            raise

    @property
    def aio(self) -> AsyncAccord:
        """The async engine behind this object (runs on this object's private loop)."""
        return self._async

    def close(self) -> None:
        try:
            self._loop.run(self._async.close())
        finally:
            self._loop.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def add(
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
        return self._loop.run(self._async.add(messages, user_id, session_id=session_id, metadata=metadata, idempotency_key=idempotency_key, wait=wait, timeout=timeout))  # noqa: E501

    def get(
        self,
        query: str,
        user_id: str,
        *,
        limit: int = 10,
        categories: list[str] | None = None,
        format: ContextFormat = "bullets",  # noqa: A002
        context_max_tokens: int = 500,
        time_filter_days: float | None = None,
        as_of: dt.datetime | None = None,
    ) -> ContextResult:
        return self._loop.run(self._async.get(query, user_id, limit=limit, categories=categories, format=format, context_max_tokens=context_max_tokens, time_filter_days=time_filter_days, as_of=as_of))  # noqa: E501

    def list_memories(
        self,
        user_id: str,
        *,
        categories: list[str] | None = None,
        include_archived: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Memory]:
        return self._loop.run(self._async.list_memories(user_id, categories=categories, include_archived=include_archived, limit=limit, offset=offset))  # noqa: E501

    def get_memory(self, memory_id: str) -> Memory:
        return self._loop.run(self._async.get_memory(memory_id))

    def delete_memory(self, memory_id: str) -> Memory:
        return self._loop.run(self._async.delete_memory(memory_id))

    def forget_user(self, user_id: str) -> ForgetReport:
        return self._loop.run(self._async.forget_user(user_id))

    def stats(self, user_id: str | None = None) -> UserStats | StoreStats:
        return self._loop.run(self._async.stats(user_id))

    def get_job(self, job_id: str) -> Job:
        return self._loop.run(self._async.get_job(job_id))

    def process_pending(self) -> int:
        return self._loop.run(self._async.process_pending())

    def reindex(self) -> int:
        return self._loop.run(self._async.reindex())

    def health(self) -> HealthReport:
        return self._loop.run(self._async.health())

    def history(self, memory_id: str) -> list[MemoryVersion]:
        return self._loop.run(self._async.history(memory_id))

    def update_memory(
        self, memory_id: str, *, content: str | None = None, importance: float | None = None, category: str | None = None
    ) -> Memory:
        return self._loop.run(self._async.update_memory(memory_id, content=content, importance=importance, category=category))  # noqa: E501

    def archive_memory(self, memory_id: str) -> Memory:
        return self._loop.run(self._async.archive_memory(memory_id))

    def restore_memory(self, memory_id: str) -> Memory:
        return self._loop.run(self._async.restore_memory(memory_id))

    def list_conflicts(
        self, *, status: str | None = "open", kind: str | None = None, user_id: str | None = None, limit: int = 100
    ) -> list[Conflict]:
        return self._loop.run(self._async.list_conflicts(status=status, kind=kind, user_id=user_id, limit=limit))

    def resolve(self, conflict_id: str, answer: str | int) -> Conflict:
        return self._loop.run(self._async.resolve(conflict_id, answer))

    def maintain(self) -> MaintenanceReport:
        return self._loop.run(self._async.maintain())

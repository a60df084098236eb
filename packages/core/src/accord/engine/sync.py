"""``Accord``: the synchronous API. Each method is one line over ``AsyncAccord``.

The async engine runs on a private event loop in a daemon thread, so the sync API also
works where a loop is already running (Jupyter, inside async frameworks).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Coroutine, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self, TypeVar

from accord.domain.models import (
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
from accord.engine.components import Principal
from accord.settings import AccordSettings
from accord.domain.passport import Agent, ApiKeyInfo, Consent, Grant, IssuedKey, IssuedToken, Tenant, UserExport
from accord.engine.engine import AsyncAccord
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
        self._owner = True
        self._async = AsyncAccord(settings, data_dir=data_dir, clock=clock, extractor=extractor)
        try:
            self._loop.run(self._async.start())
        except BaseException:
            self._loop.stop()
            raise

    def _view(self, engine: AsyncAccord) -> Accord:
        """A sync object over a view of the engine (``for_key``); closing it does nothing."""
        view = object.__new__(Accord)
        view._loop, view._owner, view._async = self._loop, False, engine
        return view

    @property
    def aio(self) -> AsyncAccord:
        """The async engine behind this object; await it only on ``loop_thread``."""
        return self._async

    @property
    def loop_thread(self) -> LoopThread:
        """The event loop thread ``aio`` runs on (adapters use it: see ``accord.blocking``)."""
        return self._loop

    def close(self) -> None:
        if not self._owner:
            return
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
        agent_ids: list[str] | None = None,
    ) -> ContextResult:
        return self._loop.run(self._async.get(query, user_id, limit=limit, categories=categories, format=format, context_max_tokens=context_max_tokens, time_filter_days=time_filter_days, as_of=as_of, agent_ids=agent_ids))  # noqa: E501

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

    # -- Memory Passport -------------------------------------------------------------------

    @property
    def principal(self) -> Principal:
        return self._async.principal

    def authenticate(self, key: str) -> Principal:
        return self._loop.run(self._async.authenticate(key))

    def for_key(self, key: str) -> Accord:
        return self._view(self._loop.run(self._async.for_key(key)))

    def for_tenant(self, tenant_id: str) -> Accord:
        return self._view(self._async.for_tenant(tenant_id))

    def create_tenant(self, tenant_id: str, name: str | None = None, *, memory_quota: int | None = None) -> Tenant:
        return self._loop.run(self._async.create_tenant(tenant_id, name, memory_quota=memory_quota))

    def list_tenants(self) -> list[Tenant]:
        return self._loop.run(self._async.list_tenants())

    def create_agent(self, name: str, *, role: Literal["agent", "admin"] = "agent") -> tuple[Agent, IssuedKey]:
        return self._loop.run(self._async.create_agent(name, role=role))

    def list_agents(self) -> list[Agent]:
        return self._loop.run(self._async.list_agents())

    def issue_key(self, agent_id: str) -> IssuedKey:
        return self._loop.run(self._async.issue_key(agent_id))

    def list_keys(self, agent_id: str | None = None) -> list[ApiKeyInfo]:
        return self._loop.run(self._async.list_keys(agent_id))

    def rotate_key(self, key_id: str, *, overlap_seconds: float = 3600.0) -> IssuedKey:
        return self._loop.run(self._async.rotate_key(key_id, overlap_seconds=overlap_seconds))

    def revoke_key(self, key_id: str) -> ApiKeyInfo:
        return self._loop.run(self._async.revoke_key(key_id))

    def grant(
        self,
        agent_id: str,
        access: Literal["read_only", "read_write"],
        *,
        categories: Sequence[str] | None = None,
        user_id: str | None = None,
        expires_at: dt.datetime | None = None,
    ) -> Grant:
        return self._loop.run(self._async.grant(agent_id, access, categories=categories, user_id=user_id, expires_at=expires_at))  # noqa: E501

    def revoke_grant(self, grant_id: str) -> Grant:
        return self._loop.run(self._async.revoke_grant(grant_id))

    def list_grants(self, *, agent_id: str | None = None, user_id: str | None = None) -> list[Grant]:
        return self._loop.run(self._async.list_grants(agent_id=agent_id, user_id=user_id))

    def issue_user_token(self, user_id: str) -> IssuedToken:
        return self._loop.run(self._async.issue_user_token(user_id))

    def set_consent(
        self, agent_id: str, granted: bool, *, categories: Sequence[str] | None = None, user_id: str | None = None
    ) -> Consent:
        return self._loop.run(self._async.set_consent(agent_id, granted, categories=categories, user_id=user_id))

    def list_consents(self, user_id: str | None = None) -> list[Consent]:
        return self._loop.run(self._async.list_consents(user_id))

    def export_user(self, user_id: str) -> UserExport:
        return self._loop.run(self._async.export_user(user_id))

"""``MemoryEngine``: the one interface every way into Accord offers.

The embedded engine (:class:`accord.AsyncAccord`) and the client of ``accord serve``
(:class:`accord.AsyncRemoteAccord`) implement it; every adapter (MCP, LangChain, LlamaIndex,
the REST routes) depends on it and on nothing more. The blocking twins (:class:`accord.Accord`,
:class:`accord.RemoteAccord`) are generated from it by :func:`accord.blocking.blocking`, so no
public signature is written twice; ``tests/test_public_surface.py`` checks that both
implementations match it argument for argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, Self, runtime_checkable

from accord.domain.models import (
    AddResult,
    Conflict,
    ContextFormat,
    ContextResult,
    ForgetReport,
    HealthReport,
    Job,
    FeedbackResult,
    MaintenanceReport,
    Memory,
    MemoryVersion,
    StoreStats,
    UserStats,
)
from accord.domain.domains.profiles import DomainProfile, DomainSchemaInfo, DomainSetting, EdTechProfile, SupportProfile
from accord.domain.graph import Entity, EntityDetail, RelatedEntity
from accord.domain.passport import Agent, ApiKeyInfo, Consent, Grant, IssuedKey, IssuedToken, Tenant, UserExport
from accord.domain.principal import Principal

__all__ = ["MemoryEngine", "ENGINE_METHODS", "share_docs"]


@runtime_checkable
class MemoryEngine(Protocol):
    """What an Accord engine offers, embedded or remote. See :class:`accord.AsyncAccord` for the
    behaviour of each method; errors are :class:`accord.AccordError` subclasses on every backend."""

    # -- lifecycle and identity ------------------------------------------------------------

    async def start(self) -> Self: ...

    async def close(self) -> None: ...

    @property
    def principal(self) -> Principal: ...

    async def authenticate(self, key: str) -> Principal: ...

    async def for_key(self, key: str) -> Self: ...

    def for_tenant(self, tenant_id: str) -> Self: ...

    # -- memories ----------------------------------------------------------------------------

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
    ) -> AddResult: ...

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
    ) -> ContextResult: ...

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
    ) -> list[Memory]: ...

    async def list_users(self, *, limit: int = 100, offset: int = 0) -> list[str]: ...

    async def get_memory(self, memory_id: str) -> Memory: ...

    async def delete_memory(self, memory_id: str) -> Memory: ...

    async def forget_user(self, user_id: str) -> ForgetReport: ...

    async def stats(self, user_id: str | None = None) -> UserStats | StoreStats: ...

    async def get_job(self, job_id: str) -> Job: ...

    async def process_pending(self) -> int: ...

    async def reindex(self, *, on_progress: Callable[[int], None] | None = None) -> int: ...

    async def health(self) -> HealthReport: ...

    # -- the entity graph --------------------------------------------------------------------

    async def entities(
        self, user_id: str, *, kind: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[Entity]: ...

    async def entity(self, entity_id: str, *, as_of: dt.datetime | None = None) -> EntityDetail: ...

    async def related(
        self, entity_id: str, *, depth: int = 1, as_of: dt.datetime | None = None
    ) -> list[RelatedEntity]: ...

    # -- curation ----------------------------------------------------------------------------

    async def history(self, memory_id: str) -> list[MemoryVersion]: ...

    async def update_memory(
        self,
        memory_id: str,
        *,
        content: str | None = None,
        importance: float | None = None,
        category: str | None = None,
    ) -> Memory: ...

    async def archive_memory(self, memory_id: str) -> Memory: ...

    async def restore_memory(self, memory_id: str) -> Memory: ...

    async def feedback(
        self, memory_id: str, kind: Literal["helpful", "wrong", "outdated"], note: str | None = None
    ) -> FeedbackResult: ...

    async def list_conflicts(
        self, *, status: str | None = "open", kind: str | None = None, user_id: str | None = None, limit: int = 100
    ) -> list[Conflict]: ...

    async def resolve(self, conflict_id: str, answer: str | int) -> Conflict: ...

    async def maintain(self) -> MaintenanceReport: ...

    # -- the Memory Passport -------------------------------------------------------------------

    async def create_tenant(self, tenant_id: str, name: str | None = None, *, memory_quota: int | None = None) -> Tenant: ...

    async def list_tenants(self) -> list[Tenant]: ...

    async def create_agent(self, name: str, *, role: Literal["agent", "admin"] = "agent") -> tuple[Agent, IssuedKey]: ...

    async def list_agents(self) -> list[Agent]: ...

    async def issue_key(self, agent_id: str) -> IssuedKey: ...

    async def list_keys(self, agent_id: str | None = None) -> list[ApiKeyInfo]: ...

    async def rotate_key(self, key_id: str, *, overlap_seconds: float = 3600.0) -> IssuedKey: ...

    async def revoke_key(self, key_id: str) -> ApiKeyInfo: ...

    async def grant(
        self,
        agent_id: str,
        access: Literal["read_only", "read_write"],
        *,
        categories: Sequence[str] | None = None,
        user_id: str | None = None,
        expires_at: dt.datetime | None = None,
    ) -> Grant: ...

    async def revoke_grant(self, grant_id: str) -> Grant: ...

    async def list_grants(self, *, agent_id: str | None = None, user_id: str | None = None) -> list[Grant]: ...

    async def issue_user_token(self, user_id: str) -> IssuedToken: ...

    async def set_consent(
        self, agent_id: str, granted: bool, *, categories: Sequence[str] | None = None, user_id: str | None = None
    ) -> Consent: ...

    async def list_consents(self, user_id: str | None = None) -> list[Consent]: ...

    async def export_user(self, user_id: str) -> UserExport: ...

    # -- domain schemas -------------------------------------------------------------------

    async def set_domain_schema(self, domain_schema: str) -> DomainSetting: ...

    async def get_domain_schema(self) -> DomainSetting: ...

    async def register_domain_schema(self, schema: Any) -> DomainSchemaInfo: ...

    async def list_domain_schemas(self) -> list[DomainSchemaInfo]: ...

    async def get_domain_profile(self, user_id: str) -> DomainProfile | EdTechProfile | SupportProfile: ...

    async def get_edtech_profile(self, user_id: str) -> EdTechProfile: ...

    async def get_support_profile(self, user_id: str) -> SupportProfile: ...


# Every method of the interface, for the surface tests and the blocking wrapper.
ENGINE_METHODS: tuple[str, ...] = tuple(
    name for name, value in vars(MemoryEngine).items() if callable(value) and not name.startswith("_")
) + ("principal",)


def share_docs(source: type, *targets: type) -> None:
    """Give each interface method of ``targets`` that has no docstring the one of ``source``.

    The embedded engine's docstrings are the reference; the interface, the remote client and the
    blocking twins read the same words in ``help()`` instead of keeping copies of them.
    """
    for name in ENGINE_METHODS:
        doc = getattr(getattr(source, name, None), "__doc__", None)
        for target in targets:
            method = vars(target).get(name)
            if callable(method) and method.__doc__ is None and doc is not None:
                method.__doc__ = doc

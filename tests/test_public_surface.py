"""The public surface is pinned: each package's ``__all__``, and the one engine interface's
signatures, which the embedded engine, the remote client and both blocking twins must match.

A change here is a change of the public API: make it on purpose, in the interface, and update this file.
"""

from __future__ import annotations

import inspect

import pytest

import accord
import accord.remote
import accord.server
from accord import Accord, AsyncAccord, AsyncRemoteAccord, RemoteAccord
from accord.blocking import BlockingEngine
from accord.interface import ENGINE_METHODS, MemoryEngine

ACCORD_ALL = [
    "Accord",
    "AsyncAccord",
    "connect",
    "connect_async",
    "RemoteAccord",
    "AsyncRemoteAccord",
    "Principal",
    "MemoryEngine",
    "AccordSettings",
    "AddResult",
    "ContextResult",
    "Memory",
    "MemorySource",
    "Message",
    "Category",
    "ChangeType",
    "ClarificationQuestion",
    "Conflict",
    "ConflictOption",
    "FeedbackResult",
    "MaintenanceReport",
    "MemoryVersion",
    "Scope",
    "MemoryStatus",
    "SourceKind",
    "ServiceMode",
    "ExtractedMemory",
    "Job",
    "JobStatus",
    "UserStats",
    "StoreStats",
    "ForgetReport",
    "HealthReport",
    "ProviderHealth",
    "ManualClock",
    "SystemClock",
    "AccordError",
    "InvalidInputError",
    "NotFoundError",
    "PermissionDeniedError",
    "ConflictError",
    "StorageError",
    "DataDirLockedError",
    "DiskFullError",
    "SchemaOutOfDateError",
    "ProviderError",
    "Entity",
    "EntityDetail",
    "Relation",
    "RelatedEntity",
]

INTERFACE = {
    "add": "(self, messages: 'Any', user_id: 'str', *, session_id: 'str | None' = None, metadata: 'dict[str, Any] | None' = None, idempotency_key: 'str | None' = None, wait: 'bool' = False, timeout: 'float' = 60.0) -> 'AddResult'",
    "archive_memory": "(self, memory_id: 'str') -> 'Memory'",
    "authenticate": "(self, key: 'str') -> 'Principal'",
    "close": "(self) -> 'None'",
    "create_agent": "(self, name: 'str', *, role: \"Literal['agent', 'admin']\" = 'agent') -> 'tuple[Agent, IssuedKey]'",
    "create_tenant": "(self, tenant_id: 'str', name: 'str | None' = None, *, memory_quota: 'int | None' = None) -> 'Tenant'",
    "delete_memory": "(self, memory_id: 'str') -> 'Memory'",
    "export_user": "(self, user_id: 'str') -> 'UserExport'",
    "get_domain_profile": "(self, user_id: 'str') -> 'DomainProfile | EdTechProfile | SupportProfile'",
    "get_domain_schema": "(self) -> 'DomainSetting'",
    "get_edtech_profile": "(self, user_id: 'str') -> 'EdTechProfile'",
    "get_support_profile": "(self, user_id: 'str') -> 'SupportProfile'",
    "list_domain_schemas": "(self) -> 'list[DomainSchemaInfo]'",
    "register_domain_schema": "(self, schema: 'Any') -> 'DomainSchemaInfo'",
    "set_domain_schema": "(self, domain_schema: 'str') -> 'DomainSetting'",
    "feedback": "(self, memory_id: 'str', kind: \"Literal['helpful', 'wrong', 'outdated']\", note: 'str | None' = None) -> 'FeedbackResult'",
    "for_key": "(self, key: 'str') -> 'Self'",
    "for_tenant": "(self, tenant_id: 'str') -> 'Self'",
    "forget_user": "(self, user_id: 'str') -> 'ForgetReport'",
    "get": "(self, query: 'str', user_id: 'str', *, limit: 'int' = 10, categories: 'list[str] | None' = None, format: 'ContextFormat' = 'bullets', context_max_tokens: 'int' = 1000, time_filter_days: 'float | None' = None, as_of: 'dt.datetime | None' = None, agent_ids: 'list[str] | None' = None) -> 'ContextResult'",
    "get_job": "(self, job_id: 'str') -> 'Job'",
    "get_memory": "(self, memory_id: 'str') -> 'Memory'",
    "grant": "(self, agent_id: 'str', access: \"Literal['read_only', 'read_write']\", *, categories: 'Sequence[str] | None' = None, user_id: 'str | None' = None, expires_at: 'dt.datetime | None' = None) -> 'Grant'",
    "health": "(self) -> 'HealthReport'",
    "history": "(self, memory_id: 'str') -> 'list[MemoryVersion]'",
    "entities": "(self, user_id: 'str', *, kind: 'str | None' = None, limit: 'int' = 100, offset: 'int' = 0) -> 'list[Entity]'",
    "entity": "(self, entity_id: 'str', *, as_of: 'dt.datetime | None' = None) -> 'EntityDetail'",
    "related": "(self, entity_id: 'str', *, depth: 'int' = 1, as_of: 'dt.datetime | None' = None) -> 'list[RelatedEntity]'",
    "issue_key": "(self, agent_id: 'str') -> 'IssuedKey'",
    "issue_user_token": "(self, user_id: 'str') -> 'IssuedToken'",
    "list_agents": "(self) -> 'list[Agent]'",
    "list_conflicts": "(self, *, status: 'str | None' = 'open', kind: 'str | None' = None, user_id: 'str | None' = None, limit: 'int' = 100) -> 'list[Conflict]'",
    "list_consents": "(self, user_id: 'str | None' = None) -> 'list[Consent]'",
    "list_grants": "(self, *, agent_id: 'str | None' = None, user_id: 'str | None' = None) -> 'list[Grant]'",
    "list_keys": "(self, agent_id: 'str | None' = None) -> 'list[ApiKeyInfo]'",
    "list_memories": "(self, user_id: 'str', *, categories: 'list[str] | None' = None, include_archived: 'bool' = False, limit: 'int' = 100, offset: 'int' = 0, metadata: 'dict[str, str] | None' = None, job_id: 'str | None' = None) -> 'list[Memory]'",
    "list_tenants": "(self) -> 'list[Tenant]'",
    "list_users": "(self, *, limit: 'int' = 100, offset: 'int' = 0) -> 'list[str]'",
    "maintain": "(self) -> 'MaintenanceReport'",
    "process_pending": "(self) -> 'int'",
    "reindex": "(self, *, on_progress: 'Callable[[int], None] | None' = None) -> 'int'",
    "resolve": "(self, conflict_id: 'str', answer: 'str | int') -> 'Conflict'",
    "restore_memory": "(self, memory_id: 'str') -> 'Memory'",
    "revoke_grant": "(self, grant_id: 'str') -> 'Grant'",
    "revoke_key": "(self, key_id: 'str') -> 'ApiKeyInfo'",
    "rotate_key": "(self, key_id: 'str', *, overlap_seconds: 'float' = 3600.0) -> 'IssuedKey'",
    "set_consent": "(self, agent_id: 'str', granted: 'bool', *, categories: 'Sequence[str] | None' = None, user_id: 'str | None' = None) -> 'Consent'",
    "start": "(self) -> 'Self'",
    "stats": "(self, user_id: 'str | None' = None) -> 'UserStats | StoreStats'",
    "update_memory": "(self, memory_id: 'str', *, content: 'str | None' = None, importance: 'float | None' = None, category: 'str | None' = None) -> 'Memory'",
}

METHODS = sorted(name for name in ENGINE_METHODS if name != "principal")


def test_accord_all_is_pinned() -> None:
    assert accord.__all__ == ACCORD_ALL
    assert all(getattr(accord, name) is not None for name in accord.__all__)


def test_submodule_surfaces_are_pinned() -> None:
    assert accord.remote.__all__ == ["AsyncRemoteAccord", "RemoteAccord", "connect", "connect_async"]
    assert accord.server.__all__ == ["ServerSettings", "create_app"]


def test_the_interface_is_pinned() -> None:
    assert {name: str(inspect.signature(getattr(MemoryEngine, name))) for name in METHODS} == INTERFACE
    assert isinstance(vars(MemoryEngine)["principal"], property)


@pytest.mark.parametrize("implementation", [AsyncAccord, AsyncRemoteAccord])
@pytest.mark.parametrize("name", METHODS)
def test_async_implementations_match_the_interface(implementation: type, name: str) -> None:
    ours = inspect.signature(getattr(implementation, name))
    assert str(ours) == INTERFACE[name]
    assert inspect.iscoroutinefunction(getattr(implementation, name)) == inspect.iscoroutinefunction(
        getattr(MemoryEngine, name)
    )


@pytest.mark.parametrize("blocking", [Accord, RemoteAccord])
@pytest.mark.parametrize("name", [n for n in METHODS if n not in ("start", "close")])
def test_blocking_twins_have_the_interface_signature(blocking: type, name: str) -> None:
    method = getattr(blocking, name)
    assert not inspect.iscoroutinefunction(method)
    sync = inspect.signature(method)
    expected = inspect.signature(getattr(MemoryEngine, name))
    assert list(sync.parameters) == list(expected.parameters)
    assert [p.default for p in sync.parameters.values()] == [p.default for p in expected.parameters.values()]


@pytest.mark.parametrize("name", METHODS)
def test_every_method_is_documented_once(name: str) -> None:
    """The embedded engine's docstring is the one text: help() shows it on the interface and the
    blocking twins, and on the remote client unless the client documents how it differs."""
    doc = getattr(AsyncAccord, name).__doc__
    assert doc, f"AsyncAccord.{name} has no docstring"
    assert getattr(MemoryEngine, name).__doc__ == doc
    assert getattr(AsyncRemoteAccord, name).__doc__
    for blocking in (Accord, RemoteAccord):
        if name in vars(BlockingEngine) or name in ("start",):
            assert getattr(blocking, name, None) is None or getattr(blocking, name).__doc__ == doc

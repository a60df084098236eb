"""``AsyncRemoteAccord``: the engine's async interface over the REST API (httpx, no FastAPI).

The public entry points are :func:`accord.remote.sync.connect_async` and :func:`accord.remote.sync.connect`.
Every method has the name, arguments, return type and exceptions of the
:class:`accord.AsyncAccord` method it mirrors: server errors come back as the same
:class:`accord.AccordError` subclasses, and an unreachable server is a :class:`StorageError`.
"""

from __future__ import annotations

import copy
import json
import datetime as dt
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Literal, Self, TypeVar, cast
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from accord.remote.events import RemoteEventsAPI
from accord.domain.principal import Principal
from accord.errors import AccordError, InvalidInputError, PermissionDeniedError, StorageError
from accord.domain.models import (
    AddResult,
    Conflict,
    ContextFormat,
    ContextResult,
    FeedbackResult,
    ForgetReport,
    HealthReport,
    Job,
    MaintenanceReport,
    Memory,
    MemoryVersion,
    StoreStats,
    UserStats,
)
from accord.engine.check import CheckReport
from accord.domain.validation import check_datetime, check_identifier, check_messages, check_metadata, check_metadata_filter
from accord.engine.engine import AsyncAccord
from accord.interface import share_docs
from accord.domain.graph import Entity, EntityDetail, RelatedEntity
from accord.domain.passport import Agent, ApiKeyInfo, Consent, Grant, IssuedKey, IssuedToken, Tenant, UserExport
from accord.remote.domains import RemoteDomainAPI
from accord.server.wire import API_PREFIX, AUTH_SCHEME, TENANT_HEADER, error_from_body, principal_from_json

__all__ = ["AsyncRemoteAccord"]

T = TypeVar("T")
_NO_LIMIT = 10**9
_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


def _parse(tp: type[T], data: Any) -> T:
    adapter = _ADAPTERS.get(tp) or _ADAPTERS.setdefault(tp, TypeAdapter(tp))
    return cast(T, adapter.validate_python(data))


def _seg(field: str, value: object) -> str:
    """A path segment; empty or non-string ids are refused here, the rest by the server."""
    if not isinstance(value, str) or not value:
        raise InvalidInputError(field, "must be a non-empty string")
    return quote(value, safe="")


def _iso(field: str, value: object) -> str | None:
    return when.isoformat() if (when := check_datetime(field, value)) is not None else None


class AsyncRemoteAccord(RemoteDomainAPI, RemoteEventsAPI):
    """The async engine interface over HTTP. Build it with :func:`accord.remote.sync.connect_async`."""

    def __init__(
        self, url: str, api_key: str, *, timeout: float = 30.0, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise InvalidInputError("url", "must be an http:// or https:// URL")
        if not isinstance(api_key, str) or not api_key:
            raise InvalidInputError("api_key", "must be a key string")
        self.url = url.rstrip("/")
        self._key = api_key
        self._tenant: str | None = None
        self._principal: Principal | None = None
        self._timeout = timeout
        self._http = httpx.AsyncClient(base_url=self.url + API_PREFIX, timeout=timeout, transport=transport)
        self._is_view = False

    # -- plumbing ------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
        blocked_ok: bool = False,
    ) -> Any:
        headers = {"Authorization": f"{AUTH_SCHEME} {self._key}"}
        if self._tenant is not None:
            headers[TENANT_HEADER] = self._tenant
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            wait = timeout or self._timeout
            response = await self._http.request(method, path, json=json, params=query, headers=headers, timeout=wait)
        except httpx.TransportError as e:
            raise StorageError(f"cannot reach the Accord server at {self.url} ({type(e).__name__})") from e
        try:
            body = response.json()
        except ValueError as e:
            raise StorageError(f"the Accord server answered {response.status_code} with a non-JSON body") from e
        if blocked_ok and response.status_code == 429 and isinstance(body, dict) and body.get("status") == "blocked":
            return body  # a write blocked by a full backlog: an AddResult, as in the Python API
        if response.status_code >= 400:
            raise error_from_body(response.status_code, body)
        return body

    def _view(self, *, key: str | None = None, tenant: str | None = None) -> Self:
        view = copy.copy(self)
        view._is_view = True
        if key is not None:
            view._key, view._tenant, view._principal = key, None, None
        if tenant is not None:
            view._tenant, view._principal = tenant, Principal(tenant_id=tenant, agent_id="local", role="owner")
        return view

    # -- lifecycle and identity ------------------------------------------------------------

    async def start(self) -> Self:
        """Check the key with the server and learn who it stands for. Idempotent."""
        if self._principal is None:
            self._principal = principal_from_json(await self._call("GET", "/whoami"))
        return self

    async def close(self) -> None:
        """Close the connection pool. Views made by ``for_key`` / ``for_tenant`` share it; closing one does nothing."""
        if not self._is_view:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def principal(self) -> Principal:
        """Who this client acts as (known once started)."""
        if self._principal is None:
            raise AccordError("the remote client is not started: use `async with connect_async(...)` or `await start()`")
        return self._principal

    async def authenticate(self, key: str) -> Principal:
        return (await self.for_key(key)).principal

    async def for_key(self, key: str) -> Self:
        """A client acting as another key's agent or user (``PermissionDeniedError`` if invalid)."""
        if not isinstance(key, str) or not key.strip():
            raise PermissionDeniedError("invalid, expired or revoked key")
        return await self._view(key=key.strip()).start()

    def for_tenant(self, tenant_id: str) -> Self:
        """The operator acting inside another tenant (operator key only)."""
        if self.principal.role != "owner":
            raise PermissionDeniedError(f"agent {self.principal.agent_id!r} may not act in another tenant: only the operator may")
        return self._view(tenant=check_identifier("tenant_id", tenant_id))

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
    ) -> AddResult:
        turns = check_messages(messages, max_messages=_NO_LIMIT, max_chars=_NO_LIMIT)
        body = {
            "messages": [m.model_dump(mode="json", exclude_none=True) for m in turns],
            "user_id": user_id,
            "session_id": session_id,
            "metadata": check_metadata(metadata) if metadata is not None else None,
            "idempotency_key": idempotency_key,
            "wait": wait,
            "timeout": timeout,
        }
        wait_for = timeout + self._timeout if wait and isinstance(timeout, (int, float)) else None
        return _parse(AddResult, await self._call("POST", "/memories/add", json=body, timeout=wait_for, blocked_ok=True))

    async def get(
        self,
        query: str,
        user_id: str,
        *,
        limit: int = 10,
        categories: list[str] | None = None,
        format: ContextFormat = "bullets",
        context_max_tokens: int = 1000,
        time_filter_days: float | None = None,
        as_of: dt.datetime | None = None,
        agent_ids: list[str] | None = None,
    ) -> ContextResult:
        body = {
            "query": query,
            "user_id": user_id,
            "limit": limit,
            "categories": [categories] if isinstance(categories, str) else categories,
            "format": format,
            "context_max_tokens": context_max_tokens,
            "time_filter_days": time_filter_days,
            "as_of": _iso("as_of", as_of),
            "agent_ids": agent_ids,
        }
        return _parse(ContextResult, await self._call("POST", "/memories/retrieve", json=body))

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
        wanted = check_metadata_filter(metadata)
        params = {
            "user_id": user_id,
            "categories": categories,
            "include_archived": include_archived,
            "limit": limit,
            "offset": offset,
            "metadata": json.dumps(wanted) if wanted is not None else None,
            "job_id": job_id,
        }
        return _parse(list[Memory], await self._call("GET", "/memories", params=params))

    async def list_users(self, *, limit: int = 100, offset: int = 0) -> list[str]:
        return _parse(list[str], await self._call("GET", "/admin/users", params={"limit": limit, "offset": offset}))

    async def get_memory(self, memory_id: str) -> Memory:
        return _parse(Memory, await self._call("GET", f"/memories/{_seg('memory_id', memory_id)}"))

    async def delete_memory(self, memory_id: str) -> Memory:
        return _parse(Memory, await self._call("DELETE", f"/memories/{_seg('memory_id', memory_id)}"))

    async def history(self, memory_id: str) -> list[MemoryVersion]:
        return _parse(list[MemoryVersion], await self._call("GET", f"/memories/{_seg('memory_id', memory_id)}/history"))

    async def entities(self, user_id: str, *, kind: str | None = None, limit: int = 100, offset: int = 0) -> list[Entity]:
        params = {k: v for k, v in {"kind": kind, "limit": limit, "offset": offset}.items() if v is not None}
        return _parse(list[Entity], await self._call("GET", f"/users/{_seg('user_id', user_id)}/entities", params=params))

    async def entity(self, entity_id: str, *, as_of: dt.datetime | None = None) -> EntityDetail:
        params = {"as_of": _iso("as_of", as_of)} if as_of is not None else None
        return _parse(EntityDetail, await self._call("GET", f"/entities/{_seg('entity_id', entity_id)}", params=params))

    async def related(self, entity_id: str, *, depth: int = 1, as_of: dt.datetime | None = None) -> list[RelatedEntity]:
        params = {"depth": depth, **({"as_of": _iso("as_of", as_of)} if as_of is not None else {})}
        path = f"/entities/{_seg('entity_id', entity_id)}/related"
        return _parse(list[RelatedEntity], await self._call("GET", path, params=params))

    async def update_memory(
        self, memory_id: str, *, content: str | None = None, importance: float | None = None, category: str | None = None
    ) -> Memory:
        body = {k: v for k, v in {"content": content, "importance": importance, "category": category}.items() if v is not None}
        return _parse(Memory, await self._call("PATCH", f"/memories/{_seg('memory_id', memory_id)}", json=body))

    async def archive_memory(self, memory_id: str) -> Memory:
        return _parse(Memory, await self._call("POST", f"/memories/{_seg('memory_id', memory_id)}/archive"))

    async def restore_memory(self, memory_id: str) -> Memory:
        return _parse(Memory, await self._call("POST", f"/memories/{_seg('memory_id', memory_id)}/restore"))

    async def feedback(
        self, memory_id: str, kind: Literal["helpful", "wrong", "outdated"], note: str | None = None
    ) -> FeedbackResult:
        body = {"kind": kind, **({"note": note} if note is not None else {})}
        return _parse(FeedbackResult, await self._call("POST", f"/memories/{_seg('memory_id', memory_id)}/feedback", json=body))

    async def get_job(self, job_id: str) -> Job:
        return _parse(Job, await self._call("GET", f"/jobs/{_seg('job_id', job_id)}"))

    async def forget_user(self, user_id: str) -> ForgetReport:
        return _parse(ForgetReport, await self._call("DELETE", f"/users/{_seg('user_id', user_id)}"))

    async def stats(self, user_id: str | None = None) -> UserStats | StoreStats:
        if user_id is None:
            return _parse(StoreStats, await self._call("GET", "/stats"))
        return _parse(UserStats, await self._call("GET", f"/users/{_seg('user_id', user_id)}/stats"))

    async def health(self) -> HealthReport:
        return _parse(HealthReport, await self._call("GET", "/health/report"))

    async def process_pending(self) -> int:
        return int((await self._call("POST", "/admin/jobs/process"))["count"])

    async def check(self, *, repair: bool = False) -> CheckReport:
        return _parse(CheckReport, await self._call("POST", "/admin/check", params={"repair": repair}))

    async def reindex(self, *, on_progress: Callable[[int], None] | None = None) -> int:
        # The server rebuilds in one request: the only progress to report is the end.
        count = int((await self._call("POST", "/admin/reindex"))["count"])
        if on_progress is not None:
            on_progress(count)
        return count

    async def maintain(self) -> MaintenanceReport:
        return _parse(MaintenanceReport, await self._call("POST", "/admin/maintain"))

    # -- conflicts ---------------------------------------------------------------------------

    async def list_conflicts(
        self, *, status: str | None = "open", kind: str | None = None, user_id: str | None = None, limit: int = 100
    ) -> list[Conflict]:
        params = {"status": "any" if status is None else status, "kind": kind, "user_id": user_id, "limit": limit}
        return _parse(list[Conflict], await self._call("GET", "/conflicts", params=params))

    async def resolve(self, conflict_id: str, answer: str | int) -> Conflict:
        path = f"/conflicts/{_seg('conflict_id', conflict_id)}/resolve"
        return _parse(Conflict, await self._call("POST", path, json={"answer": answer}))

    # -- the Memory Passport -------------------------------------------------------------------

    async def create_tenant(self, tenant_id: str, name: str | None = None, *, memory_quota: int | None = None) -> Tenant:
        body = {"tenant_id": tenant_id, "name": name, "memory_quota": memory_quota}
        return _parse(Tenant, await self._call("POST", "/admin/tenants", json=body))

    async def list_tenants(self) -> list[Tenant]:
        return _parse(list[Tenant], await self._call("GET", "/admin/tenants"))

    async def create_agent(self, name: str, *, role: Literal["agent", "admin"] = "agent") -> tuple[Agent, IssuedKey]:
        created = await self._call("POST", "/admin/agents", json={"name": name, "role": role})
        return _parse(Agent, created["agent"]), _parse(IssuedKey, created["key"])

    async def list_agents(self) -> list[Agent]:
        return _parse(list[Agent], await self._call("GET", "/admin/agents"))

    async def issue_key(self, agent_id: str) -> IssuedKey:
        return _parse(IssuedKey, await self._call("POST", f"/admin/agents/{_seg('agent_id', agent_id)}/keys"))

    async def list_keys(self, agent_id: str | None = None) -> list[ApiKeyInfo]:
        return _parse(list[ApiKeyInfo], await self._call("GET", "/admin/keys", params={"agent_id": agent_id}))

    async def rotate_key(self, key_id: str, *, overlap_seconds: float = 3600.0) -> IssuedKey:
        path = f"/admin/keys/{_seg('key_id', key_id)}/rotate"
        return _parse(IssuedKey, await self._call("POST", path, json={"overlap_seconds": overlap_seconds}))

    async def revoke_key(self, key_id: str) -> ApiKeyInfo:
        return _parse(ApiKeyInfo, await self._call("POST", f"/admin/keys/{_seg('key_id', key_id)}/revoke"))

    async def grant(
        self,
        agent_id: str,
        access: Literal["read_only", "read_write"],
        *,
        categories: Sequence[str] | None = None,
        user_id: str | None = None,
        expires_at: dt.datetime | None = None,
    ) -> Grant:
        body = {
            "agent_id": agent_id,
            "access": access,
            "categories": list(categories) if categories is not None else None,
            "user_id": user_id,
            "expires_at": _iso("expires_at", expires_at),
        }
        return _parse(Grant, await self._call("POST", "/admin/grants", json=body))

    async def revoke_grant(self, grant_id: str) -> Grant:
        return _parse(Grant, await self._call("POST", f"/admin/grants/{_seg('grant_id', grant_id)}/revoke"))

    async def list_grants(self, *, agent_id: str | None = None, user_id: str | None = None) -> list[Grant]:
        return _parse(list[Grant], await self._call("GET", "/admin/grants", params={"agent_id": agent_id, "user_id": user_id}))

    async def issue_user_token(self, user_id: str) -> IssuedToken:
        return _parse(IssuedToken, await self._call("POST", f"/admin/users/{_seg('user_id', user_id)}/token"))

    async def set_consent(
        self, agent_id: str, granted: bool, *, categories: Sequence[str] | None = None, user_id: str | None = None
    ) -> Consent:
        body = {"granted": granted, "categories": list(categories) if categories is not None else None, "user_id": user_id}
        return _parse(Consent, await self._call("POST", f"/consent/{_seg('agent_id', agent_id)}", json=body))

    async def list_consents(self, user_id: str | None = None) -> list[Consent]:
        return _parse(list[Consent], await self._call("GET", "/consent", params={"user_id": user_id}))

    async def export_user(self, user_id: str) -> UserExport:
        return _parse(UserExport, await self._call("GET", f"/users/{_seg('user_id', user_id)}/export"))


# Each method does what the engine's method of the same name does: give help() its words.
share_docs(AsyncAccord, AsyncRemoteAccord, RemoteDomainAPI)

"""Administration: tenants (operator), agents, keys, grants, user tokens, jobs, maintenance.

Each route is the engine method of the same name on the caller's view, so the engine's own
checks decide who may do what: the operator for tenants and reindexing, a tenant admin (an
agent with role ``admin``) or the operator for the rest.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from accord.domain.models import MaintenanceReport
from accord.engine.check import CheckReport
from accord.domain.passport import Agent, ApiKeyInfo, Grant, IssuedKey, Tenant
from accord.server.deps import Caller
from accord.server.schemas import (
    AgentCreated,
    UserTokenIssued,
    AgentRequest,
    Count,
    GrantIdPath,
    GrantRequest,
    IdPath,
    KeyIdPath,
    OptionalIdQuery,
    RotateRequest,
    TenantRequest,
)

__all__ = ["router"]

router = APIRouter(prefix="/admin", tags=["admin"])


@router.post("/tenants", response_model=Tenant, status_code=201)
async def create_tenant(body: TenantRequest, memory: Caller) -> Tenant:
    """A new tenant (operator only)."""
    return await memory.create_tenant(body.tenant_id, body.name, memory_quota=body.memory_quota)


@router.get("/tenants", response_model=list[Tenant])
async def list_tenants(memory: Caller) -> list[Tenant]:
    """Every tenant (operator only)."""
    return await memory.list_tenants()


@router.post("/agents", response_model=AgentCreated, status_code=201)
async def create_agent(body: AgentRequest, memory: Caller) -> AgentCreated:
    """A new agent in the caller's tenant and its first key, shown once."""
    agent, key = await memory.create_agent(body.name, role=body.role)
    return AgentCreated(agent=agent, key=key)


@router.get("/users", response_model=list[str])
async def list_users(
    memory: Caller,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[str]:
    """The tenant's users Accord holds memory for, in id order (admins and the operator)."""
    return await memory.list_users(limit=limit, offset=offset)


@router.get("/agents", response_model=list[Agent])
async def list_agents(memory: Caller) -> list[Agent]:
    return await memory.list_agents()


@router.post("/agents/{agent_id}/keys", response_model=IssuedKey, status_code=201)
async def issue_key(agent_id: IdPath, memory: Caller) -> IssuedKey:
    """Another key for an agent, shown once."""
    return await memory.issue_key(agent_id)


@router.get("/keys", response_model=list[ApiKeyInfo])
async def list_keys(memory: Caller, agent_id: OptionalIdQuery = None) -> list[ApiKeyInfo]:
    """Keys without their secrets."""
    return await memory.list_keys(agent_id)


@router.post("/keys/{key_id}/rotate", response_model=IssuedKey, status_code=201)
async def rotate_key(key_id: KeyIdPath, memory: Caller, body: RotateRequest | None = None) -> IssuedKey:
    """A new key for the same agent; the old one keeps working for ``overlap_seconds``."""
    return await memory.rotate_key(key_id, overlap_seconds=(body or RotateRequest()).overlap_seconds)


@router.post("/keys/{key_id}/revoke", response_model=ApiKeyInfo)
async def revoke_key(key_id: KeyIdPath, memory: Caller) -> ApiKeyInfo:
    """Revoke a key; effective at once."""
    return await memory.revoke_key(key_id)


@router.post("/grants", response_model=Grant, status_code=201)
async def grant(body: GrantRequest, memory: Caller) -> Grant:
    """Give an agent ``read_only`` or ``read_write`` access."""
    return await memory.grant(
        body.agent_id, body.access, categories=body.categories, user_id=body.user_id, expires_at=body.expires_at
    )


@router.get("/grants", response_model=list[Grant])
async def list_grants(memory: Caller, agent_id: OptionalIdQuery = None, user_id: OptionalIdQuery = None) -> list[Grant]:
    return await memory.list_grants(agent_id=agent_id, user_id=user_id)


@router.post("/grants/{grant_id}/revoke", response_model=Grant)
async def revoke_grant(grant_id: GrantIdPath, memory: Caller) -> Grant:
    return await memory.revoke_grant(grant_id)


@router.post("/users/{user_id}/token", response_model=UserTokenIssued, status_code=201)
async def issue_user_token(user_id: IdPath, memory: Caller) -> UserTokenIssued:
    """A token the user holds to manage consent and export or erase their memory."""
    return UserTokenIssued.of(await memory.issue_user_token(user_id))


@router.post("/jobs/process", response_model=Count)
async def process_pending(memory: Caller) -> Count:
    """Run every queued job now; returns how many ran."""
    return Count(count=await memory.process_pending())


@router.post("/maintain", response_model=MaintenanceReport)
async def maintain(memory: Caller) -> MaintenanceReport:
    """Decay importance, archive stale memories, expire old turns."""
    return await memory.maintain()


@router.post("/reindex", response_model=Count)
async def reindex(memory: Caller) -> Count:
    """Rebuild the vector index from SQL (operator only)."""
    return Count(count=await memory.reindex())


@router.post("/check", response_model=CheckReport)
async def check(memory: Caller, repair: bool = False) -> CheckReport:
    """The store-wide invariants (``accord check``); ``repair=true`` rebuilds the index (operator only)."""
    return await memory.check(repair=repair)

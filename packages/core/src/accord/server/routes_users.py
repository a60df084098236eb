"""User routes (export, erasure, stats), consent, conflicts, and who the caller is."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from accord.domain.models import Conflict, ForgetReport, HealthReport, StoreStats, UserStats
from accord.domain.passport import Consent, UserExport
from accord.server.deps import Caller
from accord.server.limits import quota_headers
from accord.server.schemas import ConsentRequest, IdPath, OptionalIdQuery, ResolveRequest, UuidPath, WhoAmI
from accord.server.wire import principal_to_json

__all__ = ["router"]

router = APIRouter()


@router.get("/whoami", response_model=WhoAmI, tags=["identity"])
async def whoami(memory: Caller) -> WhoAmI:
    """The principal the key stands for: tenant, agent, role."""
    return WhoAmI(**principal_to_json(memory.principal))


@router.get("/health/report", response_model=HealthReport, tags=["service"])
async def health_report(memory: Caller) -> HealthReport:
    """Each dependency's state, LLM providers' circuit breakers and the tenant's job counts."""
    return await memory.health()


@router.get("/conflicts", response_model=list[Conflict], tags=["conflicts"])
async def list_conflicts(
    memory: Caller,
    status: Literal["open", "resolved", "any"] = "open",
    kind: Literal["clarification", "review"] | None = None,
    user_id: OptionalIdQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Conflict]:
    """Questions waiting for a user (``clarification``) or an admin (``review``)."""
    return await memory.list_conflicts(status=None if status == "any" else status, kind=kind, user_id=user_id, limit=limit)


@router.post("/conflicts/{conflict_id}/resolve", response_model=Conflict, tags=["conflicts"])
async def resolve(conflict_id: UuidPath, body: ResolveRequest, memory: Caller) -> Conflict:
    """Settle a clarification question or a review item."""
    return await memory.resolve(conflict_id, body.answer)


@router.get("/users/{user_id}/export", response_model=UserExport, tags=["users"])
async def export_user(user_id: IdPath, memory: Caller) -> UserExport:
    """Everything stored about a user (the user's own token, or an admin)."""
    return await memory.export_user(user_id)


@router.delete("/users/{user_id}", response_model=ForgetReport, tags=["users"])
async def forget_user(user_id: IdPath, memory: Caller) -> ForgetReport:
    """Erase every trace of a user (the user's own token, or an admin)."""
    return await memory.forget_user(user_id)


@router.get("/users/{user_id}/stats", response_model=UserStats, tags=["users"])
async def user_stats(user_id: IdPath, memory: Caller) -> UserStats:
    result = await memory.stats(user_id)
    assert isinstance(result, UserStats)
    return result


@router.get("/stats", response_model=StoreStats, tags=["admin"])
async def tenant_stats(memory: Caller, response: Response) -> StoreStats:
    """Counts for the whole tenant and the service mode (admins); quota headers when one is set."""
    result = await memory.stats()
    assert isinstance(result, StoreStats)
    response.headers.update(await quota_headers(memory))
    return result


@router.post("/consent/{agent_id}", response_model=Consent, tags=["consent"])
async def set_consent(agent_id: IdPath, body: ConsentRequest, memory: Caller) -> Consent:
    """A user's word on one agent: ``granted: false`` withdraws its access at once."""
    return await memory.set_consent(agent_id, body.granted, categories=body.categories, user_id=body.user_id)


@router.get("/consent", response_model=list[Consent], tags=["consent"])
async def list_consents(
    memory: Caller, user_id: OptionalIdQuery = None
) -> list[Consent]:
    return await memory.list_consents(user_id)

"""Webhooks, the quality log and the summaries the dashboard shows, over REST (the same engine
methods, so the remote client offers them too)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from accord.domain import webhooks as wh
from accord.domain.insights import AgentAccess, Overview
from accord.server.deps import Caller
from accord.server.schemas import Count, OptionalIdQuery, UuidPath

__all__ = ["router"]

router = APIRouter()


class WebhookRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Annotated[str, Field(max_length=2000)]
    events: Annotated[list[str], Field(max_length=20)] | None = None


class WebhookCreated(BaseModel):
    """A new subscription and its signing secret, shown once."""

    webhook: wh.Webhook
    secret: str


@router.post("/admin/webhooks", response_model=WebhookCreated, status_code=201, tags=["webhooks"])
async def create_webhook(body: WebhookRequest, memory: Caller) -> WebhookCreated:
    """Subscribe a URL to events (all when ``events`` is omitted); the secret is shown once."""
    hook, secret = await memory.create_webhook(body.url, body.events)
    return WebhookCreated(webhook=hook, secret=secret)


@router.get("/admin/webhooks", response_model=list[wh.Webhook], tags=["webhooks"])
async def list_webhooks(memory: Caller) -> list[wh.Webhook]:
    return await memory.list_webhooks()


@router.post("/admin/webhooks/{webhook_id}/disable", response_model=wh.Webhook, tags=["webhooks"])
async def disable_webhook(webhook_id: UuidPath, memory: Caller) -> wh.Webhook:
    return await memory.disable_webhook(webhook_id)


@router.get("/admin/webhooks/deliveries", response_model=list[wh.WebhookDelivery], tags=["webhooks"])
async def list_webhook_deliveries(
    memory: Caller,
    status: Literal["pending", "delivered", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[wh.WebhookDelivery]:
    """The delivery log, newest first."""
    return await memory.list_webhook_deliveries(status=status, limit=limit)


@router.post("/admin/webhooks/deliver", response_model=Count, tags=["webhooks"])
async def deliver_webhooks(memory: Caller) -> Count:
    """Send every due delivery now; how many were delivered."""
    return Count(count=await memory.deliver_webhooks())


@router.get("/admin/gate-log", response_model=list[wh.GateRecord], tags=["admin"])
async def list_gate_decisions(
    memory: Caller,
    decision: Annotated[str | None, Query(max_length=32)] = None,
    user_id: OptionalIdQuery = None,
    agent_id: OptionalIdQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[wh.GateRecord]:
    """Adds the gate refused: reason and size, never the content."""
    return await memory.list_gate_decisions(decision=decision, user_id=user_id, agent_id=agent_id, limit=limit)


@router.get("/admin/overview", response_model=Overview, tags=["admin"])
async def overview(memory: Caller, hours: Annotated[int, Query(ge=1, le=24 * 31)] = 24) -> Overview:
    """Memories by category, jobs by status, quota use, gate decisions per hour."""
    return await memory.overview(hours=hours)


@router.get("/consent/agents", response_model=list[AgentAccess], tags=["consent"])
async def agents_for_user(memory: Caller, user_id: OptionalIdQuery = None) -> list[AgentAccess]:
    """Which agents may read and write what of the user's memory (a user token names itself)."""
    return await memory.agents_for_user(user_id)

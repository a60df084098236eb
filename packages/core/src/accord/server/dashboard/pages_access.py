"""Dashboard pages: agents, keys and grants; webhooks and their delivery log.

A key or a webhook secret is shown once, in the reply to the form that made it (never in a
URL, never stored in the session, the page marked ``no-store``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from accord.domain.webhooks import EVENT_TYPES
from accord.engine.engine import AsyncAccord
from accord.errors import InvalidInputError
from accord.server.dashboard.actions import optional, run_form
from accord.server.dashboard.pages_memories import CATEGORIES, DASHBOARD, router

__all__ = ["router"]


@router.get("/agents")
async def agents(request: Request) -> Response:
    view, session = await DASHBOARD.view(request)
    found = await view.list_agents()
    keys = await view.list_keys()
    grants = await view.list_grants()
    names = {a.id: a.name for a in found}
    return DASHBOARD.render(
        request, "agents.html", session, view=view, agents=found, keys=keys, grants=grants, names=names,
        categories=CATEGORIES, now=view.parts.clock.now(),
    )


def _issued(request: Request, what: str, secret: str, note: str, back: str = "/agents") -> Response:
    session = DASHBOARD.session(request)
    return DASHBOARD.render(request, "issued.html", session, what=what, secret=secret, note=note, back=back)


@router.post("/agents")
async def create_agent(request: Request) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        role = form.get("role", "agent")
        if role not in ("agent", "admin"):
            raise InvalidInputError("role", "agent or admin")
        agent, key = await view.create_agent(form.get("name", "").strip(), role=role)  # type: ignore[arg-type]
        return _issued(request, f"the first key of agent {agent.name}", key.key, "Give it to the agent's operator now.")

    return await run_form(DASHBOARD, request, "/agents", act, "")


@router.post("/agents/{agent_id}/keys")
async def issue_key(request: Request, agent_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        key = await view.issue_key(agent_id)
        return _issued(request, f"a new key for agent {agent_id}", key.key, "The agent's other keys keep working.")

    return await run_form(DASHBOARD, request, "/agents", act, "")


@router.post("/keys/{key_id}/rotate")
async def rotate_key(request: Request, key_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        try:
            overlap = float(form.get("overlap_seconds", "3600") or 3600)
        except ValueError:
            raise InvalidInputError("overlap_seconds", "a number of seconds") from None
        key = await view.rotate_key(key_id, overlap_seconds=overlap)
        return _issued(request, f"the key replacing {key_id}", key.key, f"The old key keeps working for {overlap:.0f} s.")

    return await run_form(DASHBOARD, request, "/agents", act, "")


@router.post("/keys/{key_id}/revoke")
async def revoke_key(request: Request, key_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        return await view.revoke_key(key_id)

    return await run_form(DASHBOARD, request, "/agents", act, f"Key {key_id} revoked.")


@router.post("/grants")
async def grant(request: Request) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        chosen = await DASHBOARD.checked_list(request, "categories")
        access = form.get("access", "read_only")
        if access not in ("read_only", "read_write"):
            raise InvalidInputError("access", "read_only or read_write")
        return await view.grant(
            form.get("agent_id", ""), access,  # type: ignore[arg-type]
            categories=chosen or None, user_id=optional(form, "user_id"), expires_at=_expiry(optional(form, "expires_at")),
        )

    return await run_form(DASHBOARD, request, "/agents", act, "Granted.")


def _expiry(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInputError("expires_at", "a date and time (YYYY-MM-DDTHH:MM, UTC)") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


@router.post("/grants/{grant_id}/revoke")
async def revoke_grant(request: Request, grant_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        return await view.revoke_grant(grant_id)

    return await run_form(DASHBOARD, request, "/agents", act, "Grant revoked.")


@router.get("/webhooks")
async def webhooks(
    request: Request, status: Annotated[str, Query(pattern="^(pending|delivered|failed)?$")] = ""
) -> Response:
    view, session = await DASHBOARD.view(request)
    hooks = await view.list_webhooks()
    log = await view.list_webhook_deliveries(status=status or None, limit=200)  # type: ignore[arg-type]
    return DASHBOARD.render(
        request, "webhooks.html", session, view=view, hooks=hooks, log=log, status=status, event_types=EVENT_TYPES
    )


@router.post("/webhooks")
async def create_webhook(request: Request) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        chosen = await DASHBOARD.checked_list(request, "events")
        hook, secret = await view.create_webhook(form.get("url", "").strip(), chosen or None)
        note = "Check each delivery's Accord-Signature header with it (HMAC-SHA256 of '<t>.<body>')."
        return _issued(request, f"the signing secret of the webhook to {hook.url}", secret, note, back="/webhooks")

    return await run_form(DASHBOARD, request, "/webhooks", act, "")


@router.post("/webhooks/{webhook_id}/disable")
async def disable_webhook(request: Request, webhook_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        return await view.disable_webhook(webhook_id)

    return await run_form(DASHBOARD, request, "/webhooks", act, "Webhook disabled.")

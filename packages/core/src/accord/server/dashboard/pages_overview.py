"""Dashboard pages: sign-in, the overview, the quality log, domain views."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from accord.engine.engine import AsyncAccord
from accord.errors import NotFoundError
from accord.server.dashboard.actions import run_form
from accord.server.dashboard.domain_hook import domain_profiles, offered_domains
from accord.server.dashboard.pages_memories import DASHBOARD, router
from accord.server.dashboard.web import sign_in_routes

__all__ = ["router"]

REFUSALS = ["rate_limit_exceeded", "backlog", "low_quality", "duplicate", "budget_exhausted"]

sign_in_routes(router, DASHBOARD)


@router.get("/")
async def overview(request: Request) -> Response:
    view, session = await DASHBOARD.view(request)
    summary = await view.overview(hours=24)
    health = await view.health()
    stats = await view.stats()
    tenants = await view.list_tenants() if view.principal.role == "owner" else []
    peak = max([row.total for row in summary.gate] + [1])
    return DASHBOARD.render(
        request, "overview.html", session, view=view, summary=summary, health=health, stats=stats, tenants=tenants,
        peak=peak, decisions=["queued", *REFUSALS],
    )


@router.post("/tenant")
async def switch_tenant(request: Request) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        session = DASHBOARD.session(request)
        wanted = form.get("tenant_id", "").strip() or None
        if wanted is not None and wanted not in {t.id for t in await view.list_tenants()}:  # the operator only
            raise NotFoundError(f"no tenant {wanted!r}")
        session.tenant = wanted
        return wanted

    return await run_form(DASHBOARD, request, "/", act, lambda t: f"Now in tenant {t or 'default'}.")


@router.get("/quality")
async def quality(
    request: Request,
    decision: Annotated[str, Query(max_length=32)] = "",
    user_id: Annotated[str, Query(max_length=128)] = "",
    agent_id: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    view, session = await DASHBOARD.view(request)
    records = await view.list_gate_decisions(
        decision=decision if decision in REFUSALS else None, user_id=user_id or None, agent_id=agent_id or None
    )
    return DASHBOARD.render(
        request, "quality.html", session, view=view, records=records, decision=decision, user_id=user_id,
        agent_id=agent_id, refusals=REFUSALS,
    )


@router.get("/domain")
async def domain(request: Request, user_id: Annotated[str, Query(max_length=128)] = "") -> Response:
    view, session = await DASHBOARD.view(request)
    offered = await offered_domains(view)
    profiles = await domain_profiles(view, user_id) if (user_id and offered) else {}
    users = await view.list_users(limit=200)
    return DASHBOARD.render(
        request, "domain.html", session, view=view, offered=offered, profiles=profiles, user_id=user_id, users=users
    )

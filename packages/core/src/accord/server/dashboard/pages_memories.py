"""Dashboard pages over memory: users, a user's memories, one memory's history, the review queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from accord.domain.insights import word_diff
from accord.domain.models import Category
from accord.engine.engine import AsyncAccord
from accord.errors import AccordError, InvalidInputError, NotFoundError
from accord.server.dashboard.actions import optional, run_form
from accord.server.dashboard.web import Portal

__all__ = ["router"]

DASHBOARD = Portal("operator", "/dashboard", "accord_dashboard")
router = APIRouter(prefix=DASHBOARD.prefix, include_in_schema=False)
CATEGORIES = [c.value for c in Category]


@router.get("/users")
async def users(request: Request, q: Annotated[str, Query(max_length=128)] = "", offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    view, session = await DASHBOARD.view(request)
    found = await view.list_users(limit=1000, offset=offset)
    shown = [u for u in found if q.lower() in u.lower()]
    return DASHBOARD.render(request, "users.html", session, users=shown, q=q, view=view, more=len(found) == 1000, offset=offset)


@router.get("/users/{user_id}")
async def user(
    request: Request,
    user_id: str,
    q: Annotated[str, Query(max_length=500)] = "",
    category: Annotated[str, Query(max_length=32)] = "",
    status: Annotated[str, Query(pattern="^(active|archived|any)?$")] = "active",
) -> Response:
    view, session = await DASHBOARD.view(request)
    cats = [category] if category in CATEGORIES else None
    memories = await view.list_memories(user_id, categories=cats, include_archived=status != "active", limit=1000)
    if status == "archived":
        memories = [m for m in memories if m.status.value == "archived"]
    words = q.lower().split()
    memories = [m for m in memories if all(w in m.content.lower() for w in words)]
    return DASHBOARD.render(
        request, "user.html", session, user_id=user_id, memories=memories, q=q, category=category, status=status,
        categories=CATEGORIES, view=view,
    )


@router.get("/memories/{memory_id}")
async def memory(request: Request, memory_id: str) -> Response:
    view, session = await DASHBOARD.view(request)
    try:
        found = await view.get_memory(memory_id)
        versions = await view.history(memory_id)
    except (NotFoundError, AccordError) as e:
        return DASHBOARD.render(request, "missing.html", session, http_status=404, message=str(e), view=view)
    diffs = [(v, word_diff(v.previous_content, v.content)) for v in reversed(versions)]
    return DASHBOARD.render(request, "memory.html", session, memory=found, diffs=diffs, categories=CATEGORIES, view=view)


@router.post("/memories/{memory_id}/edit")
async def edit(request: Request, memory_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        current = await view.get_memory(memory_id)
        content = form.get("content", "").strip()
        importance = optional(form, "importance")
        category = optional(form, "category")
        return await view.update_memory(
            memory_id,
            content=content if content != current.content else None,
            importance=_importance(importance),
            category=category if category != current.category.value else None,
        )

    return await run_form(DASHBOARD, request, f"/memories/{memory_id}", act, "Saved as a new version.")


def _importance(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInputError("importance", "a number between 0 and 1") from None


@router.post("/memories/{memory_id}/archive")
async def archive(request: Request, memory_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        return await view.archive_memory(memory_id)

    return await run_form(DASHBOARD, request, f"/memories/{memory_id}", act, "Archived.")


@router.post("/memories/{memory_id}/restore")
async def restore(request: Request, memory_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        return await view.restore_memory(memory_id)

    return await run_form(DASHBOARD, request, f"/memories/{memory_id}", act, "Restored.")


@router.get("/conflicts")
async def conflicts(request: Request) -> Response:
    view, session = await DASHBOARD.view(request)
    queue = await view.list_conflicts(status="open", kind="review", limit=200)
    evidence: dict[str, Any] = {}
    for item in queue:
        for option in item.options:
            try:
                evidence[option.memory_id] = await view.get_memory(option.memory_id)
            except NotFoundError:
                evidence[option.memory_id] = None
    waiting = len(await view.list_conflicts(status="open", kind="clarification", limit=1000))
    resolved = await view.list_conflicts(status="resolved", kind="review", limit=20)
    return DASHBOARD.render(
        request, "conflicts.html", session, queue=queue, evidence=evidence, waiting=waiting, resolved=resolved, view=view
    )


@router.post("/conflicts/{conflict_id}/resolve")
async def resolve(request: Request, conflict_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        return await view.resolve(conflict_id, form.get("answer", ""))

    return await run_form(DASHBOARD, request, "/conflicts", act, "Resolved.")

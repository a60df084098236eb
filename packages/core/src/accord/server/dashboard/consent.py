"""The consent page: a user (signed in with their user token) sees which agents may read or
write which of their memories, withdraws or restores an agent in one click, deletes memories,
and answers the clarification questions waiting for them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accord.engine.engine import AsyncAccord
from accord.server.dashboard.actions import run_form
from accord.server.dashboard.web import Portal, sign_in_routes

__all__ = ["CONSENT", "router"]

CONSENT = Portal("user", "/consent", "accord_consent")
router = APIRouter(prefix=CONSENT.prefix, include_in_schema=False)

sign_in_routes(router, CONSENT)


@router.get("/")
async def page(request: Request) -> Response:
    view, session = await CONSENT.view(request)
    user_id = view.principal.user_id
    assert user_id is not None
    agents = await view.agents_for_user()
    memories = await view.list_memories(user_id, limit=500)
    questions = await view.list_conflicts(status="open", kind="clarification", user_id=user_id)
    return CONSENT.render(
        request, "consent.html", session, user_id=user_id, agents=agents, memories=memories, questions=questions
    )


@router.post("/agents/{agent_id}")
async def set_consent(request: Request, agent_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        return await view.set_consent(agent_id, form.get("granted") == "1")

    def done(consent: Any) -> str:
        return "Access restored." if consent.granted else "Access withdrawn: this agent reads and writes nothing of yours now."

    return await run_form(CONSENT, request, "/", act, done)


@router.post("/memories/{memory_id}/delete")
async def delete_memory(request: Request, memory_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        return await view.delete_memory(memory_id)

    return await run_form(CONSENT, request, "/", act, "Deleted.")


@router.post("/questions/{conflict_id}")
async def answer(request: Request, conflict_id: str) -> Response:
    async def act(view: AsyncAccord, form: dict[str, str]) -> Any:
        text = form.get("own_words", "").strip()
        return await view.resolve(conflict_id, text or form.get("answer", ""))

    return await run_form(CONSENT, request, "/", act, "Thank you: your answer is saved.")

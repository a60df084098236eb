"""Running a posted form: CSRF first, then the engine call, then back to a page with a message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from accord.engine.engine import AsyncAccord
from accord.errors import AccordError
from accord.server.dashboard.web import Portal

Action = Callable[[AsyncAccord, dict[str, str]], Awaitable[Any]]


async def run_form(
    portal: Portal, request: Request, path: str, action: Action, done: str | Callable[[Any], str]
) -> Response:
    """Check the session and its CSRF token, run ``action``; on an Accord error say what went wrong."""
    view, session = await portal.view(request)
    try:
        form = await portal.form(request, session)
        result = await action(view, form)
    except AccordError as e:
        return await portal.back(request, path, session, _message(e), "error")
    if isinstance(result, Response):
        return result
    return await portal.back(request, path, session, done(result) if callable(done) else done)


def _message(e: AccordError) -> str:
    return str(e)  # an InvalidInputError's text starts with the field it names


def optional(form: dict[str, str], name: str) -> str | None:
    value = form.get(name, "").strip()
    return value or None

"""What every dashboard and consent page shares: sessions, CSRF, login, rendering, flashes.

A session lives in this process's memory: the cookie holds only a random session id
(HttpOnly, SameSite=Strict), the key it stands for never leaves the server and is never put
into a page. Each request re-checks the key through the server's gatekeeper, so a revoked or
expired key ends its sessions at once. With several server replicas, log in on each (or pin
a browser to one replica): sessions are not shared.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from accord.engine.engine import AsyncAccord
from accord.errors import AccordError, PermissionDeniedError
from accord.server.auth import Unauthorized
from accord.server.deps import state_of
from accord.server.wire import AUTH_SCHEME

__all__ = ["LoginRequired", "Portal", "Session", "Sessions", "sign_in_routes", "templates"]

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
SESSION_SECONDS = 8 * 3600
MAX_SESSIONS = 10_000
Kind = Literal["operator", "user"]


class LoginRequired(Exception):
    def __init__(self, portal: Portal, message: str | None = None) -> None:
        self.portal = portal
        self.message = message


@dataclass
class Session:
    id: str
    key: str  # kept in server memory only
    kind: Kind
    csrf: str
    expires: float
    tenant: str | None = None
    flashes: list[tuple[str, str]] = field(default_factory=list)


class Sessions:
    def __init__(self) -> None:
        self._by_id: dict[str, Session] = {}

    def create(self, key: str, kind: Kind) -> Session:
        now = time.monotonic()
        if len(self._by_id) >= MAX_SESSIONS:
            self._by_id = {sid: s for sid, s in self._by_id.items() if s.expires > now}
            if len(self._by_id) >= MAX_SESSIONS:  # still full: the oldest goes
                self._by_id.pop(min(self._by_id, key=lambda sid: self._by_id[sid].expires))
        session = Session(secrets.token_urlsafe(32), key, kind, secrets.token_urlsafe(32), now + SESSION_SECONDS)
        self._by_id[session.id] = session
        return session

    def get(self, session_id: str | None, kind: Kind) -> Session | None:
        session = self._by_id.get(session_id or "")
        if session is None or session.kind != kind:
            return None
        if session.expires <= time.monotonic():
            self._by_id.pop(session.id, None)
            return None
        return session

    def drop(self, session_id: str | None) -> None:
        self._by_id.pop(session_id or "", None)


def sessions_of(request: Request) -> Sessions:
    state = request.app.state
    if not hasattr(state, "dashboard_sessions"):
        state.dashboard_sessions = Sessions()
    sessions: Sessions = state.dashboard_sessions
    return sessions


@dataclass(frozen=True)
class Portal:
    """The dashboard (operator or tenant admin) or the consent page (a user token)."""

    kind: Kind
    prefix: str
    cookie: str

    def allows(self, view: AsyncAccord) -> bool:
        role = view.principal.role
        return role in ("owner", "admin") if self.kind == "operator" else role == "user"

    def session(self, request: Request) -> Session:
        session = sessions_of(request).get(request.cookies.get(self.cookie), self.kind)
        if session is None:
            raise LoginRequired(self)
        return session

    async def view(self, request: Request) -> tuple[AsyncAccord, Session]:
        """The engine acting as the session's key; ``LoginRequired`` when there is none any more."""
        session = self.session(request)
        try:
            view = await state_of(request).gatekeeper.view(f"{AUTH_SCHEME} {session.key}", session.tenant)
        except (Unauthorized, AccordError) as e:
            sessions_of(request).drop(session.id)
            raise LoginRequired(self, "your key is no longer valid; sign in again") from e
        if not self.allows(view):
            sessions_of(request).drop(session.id)
            raise LoginRequired(self, "this key may not open this page")
        return view, session

    async def form(self, request: Request, session: Session) -> dict[str, str]:
        """The posted form, after its CSRF token is checked."""
        data = {k: v for k, v in (await request.form()).multi_items() if isinstance(v, str)}
        if not hmac.compare_digest(data.get("csrf", ""), session.csrf):
            raise PermissionDeniedError("the form is stale or did not come from this page; reload and try again")
        return data

    async def checked_list(self, request: Request, name: str) -> list[str]:
        return [v for v in (await request.form()).getlist(name) if isinstance(v, str)]

    def render(
        self, request: Request, template: str, session: Session | None, http_status: int = 200, **context: Any
    ) -> HTMLResponse:
        flashes, session_flashes = [], session.flashes if session is not None else []
        while session_flashes:
            flashes.append(session_flashes.pop(0))
        response = templates.TemplateResponse(
            request,
            template,
            {"portal": self, "session": session, "csrf": session.csrf if session else "", "flashes": flashes, **context},
            status_code=http_status,
        )
        _harden(response)
        return response

    def back(self, path: str, session: Session, message: str | None = None, level: str = "ok") -> RedirectResponse:
        if message:
            session.flashes.append((level, message))
        return RedirectResponse(self.prefix + path, status_code=303)

    def login_page(self, request: Request, message: str | None = None, status: int = 200) -> HTMLResponse:
        token = secrets.token_urlsafe(24)
        response = self.render(request, "login.html", None, http_status=status, message=message, login_csrf=token)
        response.set_cookie(f"{self.cookie}_login", token, httponly=True, samesite="strict", path=self.prefix,
                            secure=request.url.scheme == "https", max_age=3600)
        return response

    async def login(self, request: Request) -> Response:
        form = {k: v for k, v in (await request.form()).multi_items() if isinstance(v, str)}
        expected = request.cookies.get(f"{self.cookie}_login", "")
        if not expected or not hmac.compare_digest(form.get("login_csrf", ""), expected):
            return self.login_page(request, "the sign-in form expired; try again", status=403)
        key = form.get("key", "").strip()
        try:
            view = await state_of(request).gatekeeper.view(f"{AUTH_SCHEME} {key}", None) if key else None
        except (Unauthorized, AccordError):
            view = None
        if view is None or not self.allows(view):
            what = "an operator or tenant-admin key" if self.kind == "operator" else "your user token"
            return self.login_page(request, f"that key was not accepted: sign in with {what}", status=401)
        session = sessions_of(request).create(key, self.kind)
        response = RedirectResponse(self.prefix + "/", status_code=303)
        response.set_cookie(self.cookie, session.id, httponly=True, samesite="strict", path=self.prefix,
                            secure=request.url.scheme == "https", max_age=SESSION_SECONDS)
        response.delete_cookie(f"{self.cookie}_login", path=self.prefix)
        return response

    async def logout(self, request: Request) -> Response:
        session = self.session(request)
        await self.form(request, session)
        sessions_of(request).drop(session.id)
        response = RedirectResponse(self.prefix + "/login", status_code=303)
        response.delete_cookie(self.cookie, path=self.prefix)
        return response


def _harden(response: Response) -> None:
    # Pages may hold personal data or a key shown once: no caching, no framing, no inline script.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on form posts,
    # which the server's Origin guard rightly refuses.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
    )


def sign_in_routes(router: APIRouter, portal: Portal) -> None:
    """The sign-in form, sign-in and sign-out of one portal (the dashboard's, the consent page's)."""

    @router.get("/login")
    async def login_form(request: Request) -> Response:
        return portal.login_page(request)

    @router.post("/login")
    async def login(request: Request) -> Response:
        return await portal.login(request)

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        return await portal.logout(request)

"""What every dashboard and consent page shares: sessions, CSRF, login, rendering, flashes.

The browser holds only a random session id (HttpOnly, SameSite=Strict). The session is stored
in the database the replicas share (``dashboard_sessions``), so any replica accepts it; the row
is found by a hash of the id and the key it stands for is sealed under a key derived from the
id (:mod:`accord.server.dashboard.sealing`): the key is never in a page, a log or readable
in the database. Each request re-checks the key through the server's gatekeeper, so a revoked
or expired key ends its sessions at once, on every replica; signing out deletes the row.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from accord.engine.engine import AsyncAccord
from accord.errors import AccordError, PermissionDeniedError
from accord.ports import Clock, SessionStore
from accord.server.auth import Unauthorized
from accord.server.dashboard import sealing
from accord.server.deps import state_of
from accord.server.wire import AUTH_SCHEME

__all__ = ["LoginRequired", "Portal", "Session", "Sessions", "sign_in_routes", "templates"]

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
SESSION_SECONDS = 8 * 3600
Kind = Literal["operator", "user"]


class LoginRequired(Exception):
    def __init__(self, portal: Portal, message: str | None = None) -> None:
        self.portal = portal
        self.message = message


@dataclass
class Session:
    id: str  # the cookie's value: in the browser and in this request's memory only
    key: str  # sealed in the database, never rendered
    kind: Kind
    expires: dt.datetime
    tenant: str | None = None
    flashes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def csrf(self) -> str:
        return sealing.csrf_token(self.id)

    def sealed(self) -> str:
        return sealing.seal(self.id, {"key": self.key, "tenant": self.tenant, "flashes": self.flashes})


class Sessions:
    """Sessions in the shared store, sealed (see the module docstring)."""

    def __init__(self, store: SessionStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def create(self, key: str, kind: Kind) -> Session:
        now = self._clock.now()
        session = Session(secrets.token_urlsafe(32), key, kind, now + dt.timedelta(seconds=SESSION_SECONDS))
        await self._store.put(sealing.id_hash(session.id), kind, session.sealed(), now, session.expires)
        return session

    async def get(self, session_id: str | None, kind: Kind) -> Session | None:
        if not session_id or len(session_id) > 100:
            return None
        found = await self._store.get(sealing.id_hash(session_id), kind, self._clock.now())
        data = None if found is None else sealing.unseal(session_id, found[0])
        if found is None or data is None:
            return None
        flashes = [(str(level), str(text)) for level, text in data.get("flashes", [])]
        return Session(session_id, str(data["key"]), kind, found[1], data.get("tenant"), flashes)

    async def save(self, session: Session) -> bool:
        """Store the session's tenant and flashes; False when it ended meanwhile (signed out)."""
        return await self._store.update(sealing.id_hash(session.id), session.sealed())

    async def drop(self, session_id: str | None) -> None:
        if session_id:
            await self._store.drop(sealing.id_hash(session_id))


def sessions_of(request: Request) -> Sessions:
    engine = state_of(request).engine
    return Sessions(engine.parts.store.sessions, engine.parts.clock)


@dataclass(frozen=True)
class Portal:
    """The dashboard (operator or tenant admin) or the consent page (a user token)."""

    kind: Kind
    prefix: str
    cookie: str

    def allows(self, view: AsyncAccord) -> bool:
        role = view.principal.role
        return role in ("owner", "admin") if self.kind == "operator" else role == "user"

    async def current(self, request: Request) -> Session | None:
        """This request's session (read from the store once per request), or None."""
        cached: Session | None = getattr(request.state, "accord_session", None)
        if cached is None:
            cached = await sessions_of(request).get(request.cookies.get(self.cookie), self.kind)
            if cached is not None and cached.flashes:
                # Flashes are shown once: taken out of the store now, rendered by this request
                # (or saved again with the next message, if this request only redirects).
                shown, cached.flashes = cached.flashes, []
                await sessions_of(request).save(cached)
                cached.flashes = shown
            request.state.accord_session = cached
        return cached

    def session(self, request: Request) -> Session:
        """The session :meth:`view` loaded for this request (``LoginRequired`` without one)."""
        session: Session | None = getattr(request.state, "accord_session", None)
        if session is None:
            raise LoginRequired(self)
        return session

    async def view(self, request: Request) -> tuple[AsyncAccord, Session]:
        """The engine acting as the session's key; ``LoginRequired`` when there is none any more."""
        session = await self.current(request)
        if session is None:
            raise LoginRequired(self)
        try:
            view = await state_of(request).gatekeeper.view(f"{AUTH_SCHEME} {session.key}", session.tenant)
        except (Unauthorized, AccordError) as e:
            await sessions_of(request).drop(session.id)
            raise LoginRequired(self, "your key is no longer valid; sign in again") from e
        if not self.allows(view):
            await sessions_of(request).drop(session.id)
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

    async def back(
        self, request: Request, path: str, session: Session, message: str | None = None, level: str = "ok"
    ) -> RedirectResponse:
        """Redirect to ``path``; the message (and the session's tenant) is saved for the next page,
        whichever replica serves it."""
        if message:
            session.flashes.append((level, message))
        await sessions_of(request).save(session)
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
        session = await sessions_of(request).create(key, self.kind)
        response = RedirectResponse(self.prefix + "/", status_code=303)
        response.set_cookie(self.cookie, session.id, httponly=True, samesite="strict", path=self.prefix,
                            secure=request.url.scheme == "https", max_age=SESSION_SECONDS)
        response.delete_cookie(f"{self.cookie}_login", path=self.prefix)
        return response

    async def logout(self, request: Request) -> Response:
        session = await self.current(request)
        if session is None:
            raise LoginRequired(self)
        await self.form(request, session)
        await sessions_of(request).drop(session.id)  # on every replica: the row is gone
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

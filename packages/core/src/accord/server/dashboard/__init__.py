"""The operator dashboard (``/dashboard``) and the users' consent page (``/consent``): server-
rendered Jinja2 pages over the same engine as the REST API, plain HTML forms that work
without JavaScript (a small script only adds confirmations), no build step."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from accord.errors import AccordError
from accord.server.wire import status_for
from accord.server.dashboard import consent, pages_access, pages_overview  # noqa: F401 - routes register on import
from accord.server.dashboard.pages_memories import router as dashboard_router
from accord.server.dashboard.consent import CONSENT
from accord.server.dashboard.pages_memories import DASHBOARD
from accord.server.dashboard.web import LoginRequired

__all__ = ["install_dashboard"]


def install_dashboard(app: FastAPI) -> None:
    """Mount ``/dashboard``, ``/consent`` and their static files on ``app``."""
    app.include_router(dashboard_router)
    app.include_router(consent.router)
    app.mount("/static/accord", StaticFiles(directory=str(Path(__file__).parent / "static")), name="accord-static")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if exc.message is not None or request.method != "GET":
            return exc.portal.login_page(request, exc.message or "sign in first", status=401)
        return RedirectResponse(exc.portal.prefix + "/login", status_code=303)

    for error in (AccordError, RequestValidationError):
        _html_errors_for_pages(app, error)

    @app.get("/dashboard", include_in_schema=False)
    async def dashboard_root() -> Response:
        return RedirectResponse("/dashboard/", status_code=307)

    @app.get("/consent", include_in_schema=False)
    async def consent_root() -> Response:
        return RedirectResponse("/consent/", status_code=307)


def _html_errors_for_pages(app: FastAPI, error: type[Exception]) -> None:
    """On the pages, an error is a page saying what went wrong; the API keeps its JSON errors."""
    api_handler = app.exception_handlers[error]

    async def handler(request: Request, exc: Exception) -> Response:
        path = request.url.path
        portal = DASHBOARD if path.startswith(DASHBOARD.prefix) else CONSENT if path.startswith(CONSENT.prefix) else None
        if portal is None:
            return await api_handler(request, exc)  # type: ignore[no-any-return]
        session = await portal.current(request)
        status = status_for(exc) if isinstance(exc, AccordError) else 422
        message = "a value in the address is not valid" if isinstance(exc, RequestValidationError) else str(exc)
        return portal.render(request, "missing.html", session, http_status=status, message=message, title="Cannot show this")

    app.add_exception_handler(error, handler)

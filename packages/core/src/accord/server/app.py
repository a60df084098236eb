"""``create_app``: the REST API over one running engine."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from accord.engine.engine import AsyncAccord
from accord.server import routes_admin, routes_domains, routes_events, routes_graph, routes_memories, routes_users
from accord.server.auth import Gatekeeper, load_admin_key_hash
from accord.server.dashboard import install_dashboard
from accord.server.deps import ServerState, state_of
from accord.server.errors import install_error_handlers
from accord.server.guards import GuardMiddleware
from accord.server.limits import RateMeter
from accord.server.probes import Metrics, RequestIdMiddleware, probe_routes
from accord.server.schemas import Health
from accord.server.settings import ServerSettings
from accord.server.wire import API_PREFIX, RATE_HEADERS, TENANT_HEADER

__all__ = ["create_app"]

_health = APIRouter(tags=["service"])


@_health.get("/health", response_model=Health)
async def health(request: Request) -> Health:
    """Liveness and service mode; needs no key and says nothing about any tenant."""
    from accord import __version__

    return Health(status="ok", version=__version__, mode=state_of(request).engine.parts.mode())


def create_app(engine: AsyncAccord, settings: ServerSettings) -> FastAPI:
    """The REST API serving ``engine`` (already started; the caller owns its lifecycle).

    Every request authenticates with ``Authorization: ApiKey <key>`` and runs on the engine
    view of that key (``engine.for_key``); the operator key acts as the engine's owner.

    Args:
        engine: a started :class:`AsyncAccord` acting as the owner.
        settings: how to listen and whom to let in.

    Returns:
        A FastAPI application (OpenAPI at ``/openapi.json``, docs at ``/docs``).

    Raises:
        InvalidInputError: unsafe settings (a non-loopback bind without auth).
    """
    settings.check()
    from accord import __version__

    app = FastAPI(
        title="Accord",
        version=__version__,
        description=(
            "Memory for AI agents. Authenticate with `Authorization: ApiKey <key>`; the key decides "
            f"the tenant and agent. Only the operator may send `{TENANT_HEADER}`."
        ),
    )
    app.state.accord = ServerState(
        engine=engine,
        gatekeeper=Gatekeeper(
            engine, load_admin_key_hash(settings, engine.settings.data_dir), require_auth=settings.require_auth
        ),
        meter=RateMeter(engine.settings.rate_limit_per_minute, engine.settings.rate_limit_burst),
    )
    install_error_handlers(app)
    for router in (
        _health, routes_memories.router, routes_users.router, routes_admin.router, routes_domains.router,
        routes_events.router, routes_graph.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    # /health, /ready and /metrics for orchestrators and Prometheus: no key, no tenant data.
    metrics = Metrics(lambda: engine, "api")
    app.router.routes.extend(probe_routes(lambda: engine, metrics))
    install_dashboard(app)  # /dashboard and /consent: server-rendered pages, session cookies
    origins = settings.origins()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"] if "*" in origins else sorted(origins),
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", TENANT_HEADER],
        expose_headers=list(RATE_HEADERS),
    )
    app.add_middleware(
        GuardMiddleware, hosts=settings.host_names(), origins=origins, max_body_bytes=settings.max_body_bytes
    )
    app.add_middleware(RequestIdMiddleware, metrics=metrics)  # outermost: every reply gets an id
    return app

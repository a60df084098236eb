"""The per-request dependency: authenticate, pick the engine view, set rate headers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request, Response, Security
from fastapi.security import APIKeyHeader

from accord.engine.engine import AsyncAccord
from accord.server.auth import Gatekeeper
from accord.server.limits import RateMeter
from accord.server.schemas import ID_PATTERN
from accord.server.wire import AUTH_SCHEME, TENANT_HEADER

__all__ = ["Caller", "ServerState", "state_of"]

_API_KEY = APIKeyHeader(
    name="Authorization",
    scheme_name="ApiKey",
    description=f"`{AUTH_SCHEME} <key>`: an agent key (acc_...), a user token (acu_...) or the operator key.",
    auto_error=False,
)


@dataclass(frozen=True, slots=True)
class ServerState:
    engine: AsyncAccord
    gatekeeper: Gatekeeper
    meter: RateMeter


def state_of(request: Request) -> ServerState:
    state: ServerState = request.app.state.accord
    return state


async def _caller(
    request: Request,
    response: Response,
    authorization: Annotated[str | None, Security(_API_KEY)] = None,
    tenant: Annotated[
        str | None,
        Header(alias=TENANT_HEADER, description="Operator only: act inside this tenant.", pattern=ID_PATTERN),
    ] = None,
) -> AsyncAccord:
    state = state_of(request)
    view = await state.gatekeeper.view(authorization, tenant)
    response.headers.update(state.meter.headers(state.meter.bucket(view.principal)))
    return view


Caller = Annotated[AsyncAccord, Depends(_caller)]

"""Every failure becomes a JSON error with a stable code (see :mod:`accord.server.wire`).

Keys never appear in these bodies: engine messages name agents and key ids, never secrets,
and validation errors do not echo the rejected input.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from accord.errors import AccordError, InvalidInputError
from accord.server.auth import Unauthorized
from accord.server.wire import AUTH_SCHEME, error_body, status_for

__all__ = ["install_error_handlers", "json_path"]

log = logging.getLogger("accord.server")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
}
_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


def json_path(loc: Sequence[int | str]) -> str:
    """``("body", "messages", 0, "role")`` -> ``messages[0].role`` (the engine's field names)."""
    out = ""
    for i, part in enumerate(loc):
        if i == 0 and part in _LOCATIONS:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "request"


async def _accord_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AccordError)
    status = status_for(exc)
    if status >= 500:
        log.warning("%s: %s", type(exc).__name__, exc)
    field = exc.field if isinstance(exc, InvalidInputError) else None
    return JSONResponse(error_body(exc.code, str(exc), field), status_code=status)


async def _unauthorized(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        error_body("unauthorized", str(exc)), status_code=401, headers={"WWW-Authenticate": AUTH_SCHEME}
    )


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    field = "request" if first.get("type") == "json_invalid" else json_path(tuple(first.get("loc", ())))
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return JSONResponse(error_body("validation_error", f"{field}: {first.get('msg')}{more}", field), status_code=422)


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "internal_error" if exc.status_code >= 500 else "bad_request")
    return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``."""
    app.add_exception_handler(AccordError, _accord_error)
    app.add_exception_handler(Unauthorized, _unauthorized)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)

"""The REST API's wire format, shared by the server and the remote client (no web framework here).

An error travels as ``{"error": {"code": ..., "message": ..., "field": ...}}``; the code is the
:class:`AccordError` subclass's ``code``, or one of the HTTP-level codes below::

    code                 status  raised again by the client as
    invalid_input          400   InvalidInputError (.field kept)
    validation_error       422   InvalidInputError (.field from the JSON path)
    bad_request            400   InvalidInputError
    payload_too_large      413   InvalidInputError
    unauthorized           401   PermissionDeniedError   (missing, invalid, expired or revoked key)
    permission_denied      403   PermissionDeniedError
    origin_not_allowed     403   PermissionDeniedError
    invalid_host           421   PermissionDeniedError
    not_found              404   NotFoundError
    method_not_allowed     405   AccordError
    conflict               409   ConflictError
    storage_error          503   StorageError
    data_dir_locked        503   DataDirLockedError
    provider_error         503   ProviderError
    internal_error         500   AccordError
"""

from __future__ import annotations

from typing import Any

from accord.domain.principal import Principal
from accord.errors import (
    AccordError,
    ConflictError,
    DataDirLockedError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    ProviderError,
    StorageError,
)

__all__ = [
    "API_PREFIX",
    "AUTH_SCHEME",
    "RATE_HEADERS",
    "TENANT_HEADER",
    "error_body",
    "error_from_body",
    "principal_from_json",
    "principal_to_json",
    "status_for",
]

API_PREFIX = "/v1"
AUTH_SCHEME = "ApiKey"
TENANT_HEADER = "X-Accord-Tenant"
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "Retry-After", "X-Quota-Limit", "X-Quota-Used")

# Most specific first: DataDirLockedError is a StorageError.
_STATUS: tuple[tuple[type[AccordError], int], ...] = (
    (InvalidInputError, 400),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (StorageError, 503),
    (ProviderError, 503),
)

_INVALID = frozenset({"invalid_input", "validation_error", "bad_request", "payload_too_large"})
_DENIED = frozenset({"unauthorized", "permission_denied", "origin_not_allowed", "invalid_host"})
_BY_CODE: dict[str, type[AccordError]] = {
    "not_found": NotFoundError,
    "conflict": ConflictError,
    "storage_error": StorageError,
    "data_dir_locked": DataDirLockedError,
    "provider_error": ProviderError,
}


def status_for(error: AccordError) -> int:
    """The HTTP status an engine error is served with (500 for an unclassified ``AccordError``)."""
    for cls, status in _STATUS:
        if isinstance(error, cls):
            return status
    return 500


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """The JSON body of every error response."""
    return {"error": {"code": code, "message": message, "field": field}}


def error_from_body(status: int, body: object) -> AccordError:
    """The engine error a JSON error response stands for, so remote callers catch what local ones do."""
    detail = body.get("error") if isinstance(body, dict) else None
    if not isinstance(detail, dict):
        return AccordError(f"the server answered {status} without an Accord error body")
    code = str(detail.get("code") or "")
    message = str(detail.get("message") or code or status)
    if code in _INVALID:
        field = str(detail.get("field") or "request")
        problem = message[len(field) + 2 :] if message.startswith(f"{field}: ") else message
        return InvalidInputError(field, problem)
    if code in _DENIED:
        return PermissionDeniedError(message)
    return _BY_CODE.get(code, AccordError)(message)


def principal_to_json(principal: Principal) -> dict[str, Any]:
    return {
        "tenant_id": principal.tenant_id,
        "agent_id": principal.agent_id,
        "role": principal.role,
        "user_id": principal.user_id,
        "key_id": principal.key_id,
    }


def principal_from_json(data: dict[str, Any]) -> Principal:
    return Principal(
        tenant_id=data["tenant_id"],
        agent_id=data.get("agent_id"),
        role=data["role"],
        user_id=data.get("user_id"),
        key_id=data.get("key_id"),
    )

"""Who a request acts as: the operator key, an agent key or a user token, and nothing else.

The operator (owner) key is ``ACCORD_SERVER_ADMIN_KEY`` when set. Otherwise one is generated
at first start, printed once to stderr, and only its SHA-256 is kept, in
``<data_dir>/server-admin-key.sha256`` (mode 0600). Delete that file and restart to get a
new one. With several server replicas, set ``ACCORD_SERVER_ADMIN_KEY`` on each.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sys
from pathlib import Path

from accord.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from accord.domain.validation import check_identifier
from accord.engine.engine import AsyncAccord
from accord.server.settings import ServerSettings
from accord.server.wire import AUTH_SCHEME, TENANT_HEADER

__all__ = ["ADMIN_KEY_FILE", "Gatekeeper", "Unauthorized", "load_admin_key_hash"]

log = logging.getLogger("accord.server")

ADMIN_KEY_FILE = "server-admin-key.sha256"
_OPERATOR_PREFIX = "aco_"


class Unauthorized(Exception):
    """No key, or a key that is malformed, unknown, expired or revoked (served as 401)."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load_admin_key_hash(settings: ServerSettings, data_dir: Path) -> str:
    """The SHA-256 of the operator key: from settings, from the data dir, or newly generated."""
    if settings.admin_key is not None:
        return _sha256(settings.admin_key.get_secret_value())
    path = data_dir.expanduser() / ADMIN_KEY_FILE
    if path.exists():
        stored = path.read_text(encoding="utf-8").strip()
        if len(stored) == 64:
            return stored
        raise InvalidInputError("admin_key", f"{path} is not a SHA-256 hash; delete it to generate a new key")
    key = _OPERATOR_PREFIX + secrets.token_hex(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(_sha256(key) + "\n")
    print(
        "accord serve: generated the operator key. It is shown only this once; keep it like a password:\n"
        f"    {key}\n"
        f"Only its SHA-256 is stored ({path}); delete that file and restart to replace the key.",
        file=sys.stderr,
        flush=True,
    )
    return _sha256(key)


class Gatekeeper:
    """Turns an ``Authorization`` header (and, for the operator, a tenant header) into an engine view."""

    def __init__(self, engine: AsyncAccord, admin_key_hash: str, *, require_auth: bool) -> None:
        self._engine = engine
        self._admin_hash = admin_key_hash
        self._require_auth = require_auth

    async def view(self, authorization: str | None, tenant: str | None) -> AsyncAccord:
        """The engine acting as the caller.

        Raises:
            Unauthorized: no usable key.
            PermissionDeniedError: a non-operator asked for another tenant.
            NotFoundError: the operator asked for a tenant that does not exist.
        """
        key = self._key(authorization)
        if key is None:
            view = self._engine  # auth off, loopback only: the local operator
        elif hmac.compare_digest(_sha256(key), self._admin_hash):
            view = self._engine
        else:
            try:
                view = await self._engine.for_key(key)
            except PermissionDeniedError as e:
                raise Unauthorized("invalid, expired or revoked key") from e
        if tenant is None or tenant == view.principal.tenant_id:
            return view
        if view.principal.role != "owner":
            raise PermissionDeniedError(f"only the operator may act in another tenant ({TENANT_HEADER})")
        tenant_id = check_identifier(TENANT_HEADER, tenant) or tenant
        if tenant_id not in {t.id for t in await view.list_tenants()}:
            raise NotFoundError(f"no tenant {tenant_id!r}")
        return view.for_tenant(tenant_id)

    def _key(self, authorization: str | None) -> str | None:
        if not authorization:
            if self._require_auth:
                raise Unauthorized(f"missing key: send the header `Authorization: {AUTH_SCHEME} <key>`")
            return None
        scheme, _, key = authorization.strip().partition(" ")
        if scheme.lower() != AUTH_SCHEME.lower() or not key.strip():
            raise Unauthorized(f"malformed Authorization header: use `{AUTH_SCHEME} <key>`")
        return key.strip()

"""Authentication and authorization: who the caller is, and what it may do for a user.

Identity comes only from a verified key. Access is re-read from SQL on every call (a small,
indexed read), so revoking a key, a grant or a consent takes effect at once.
"""

from __future__ import annotations

import datetime as dt
import logging

from accord.domain.principal import Principal

from accord.engine.components import Components
from accord.errors import PermissionDeniedError
from accord.domain.models import Memory
from accord.domain import keys as keyfmt
from accord.domain.access import Access, effective_access

log = logging.getLogger("accord.auth")

LOCAL_AGENT = "local"
_TOUCH_EVERY = dt.timedelta(minutes=1)


class Authorizer:
    def __init__(self, parts: Components) -> None:
        self.parts = parts
        self._touched: dict[str, dt.datetime] = {}
        self._tenants: set[str] = set()  # known to exist (tenants are never deleted)

    async def tenant_exists(self, tenant_id: str) -> bool:
        if tenant_id not in self._tenants and await self.parts.store.identity.get_tenant(tenant_id) is not None:
            self._tenants.add(tenant_id)
        return tenant_id in self._tenants

    async def authenticate(self, key: str) -> Principal:
        """The principal a key stands for; ``PermissionDeniedError`` for any bad key.

        The error never says which check failed, and never contains the key.
        """
        denied = PermissionDeniedError("invalid, expired or revoked key")
        parsed = keyfmt.parse(key) if isinstance(key, str) else None
        if parsed is None:
            raise denied
        identity = self.parts.store.identity
        row = await identity.key_row(parsed.key_id)
        now = self.parts.clock.now()
        if (
            row is None
            or not keyfmt.verify(parsed, row.secret_hash)
            or row.revoked_at is not None
            or (row.expires_at is not None and row.expires_at <= now)
        ):
            log.info("rejected key %s", keyfmt.redact(key))
            raise denied
        if row.kind == "user":
            principal = Principal(tenant_id=row.tenant_id, agent_id=None, role="user", user_id=row.user_id, key_id=row.key_id)
        else:
            agent = await identity.get_agent(row.tenant_id, row.agent_id)
            if agent is None or agent.disabled_at is not None:
                raise denied
            role = "admin" if agent.role == "admin" else "agent"
            principal = Principal(tenant_id=row.tenant_id, agent_id=agent.id, role=role, key_id=row.key_id)
        last = self._touched.get(row.key_id)
        if last is None or now - last >= _TOUCH_EVERY:
            self._touched[row.key_id] = now
            await identity.touch_key(row.key_id, now)
        return principal

    async def access(self, principal: Principal, user_id: str) -> Access:
        """What ``principal`` may read and write of ``user_id``'s memory, right now."""
        if principal.is_privileged:
            return Access.full()
        if principal.role == "user":
            return Access.full() if principal.user_id == user_id else Access.none()
        return await self.agent_access(principal.tenant_id, principal.agent_id, user_id)

    async def agent_access(self, tenant_id: str, agent_id: str | None, user_id: str) -> Access:
        if agent_id is None or agent_id == LOCAL_AGENT:
            return Access.full()
        agent = await self.parts.store.identity.get_agent(tenant_id, agent_id)
        if agent is None or agent.disabled_at is not None:
            return Access.none()
        if agent.role == "admin":
            return Access.full()
        grants, consent = await self.parts.store.identity.rules_for(tenant_id, agent_id, user_id)
        return effective_access(grants, consent, user_id, self.parts.clock.now())

    async def can_read(self, principal: Principal, memory: Memory) -> bool:
        # Shared tenant memories (user "_tenant") match only tenant-wide grants.
        return (await self.access(principal, memory.user_id)).can_read(memory.category.value)

    async def require_write(self, principal: Principal, user_id: str, category: str, action: str) -> None:
        if not (await self.access(principal, user_id)).can_write(category):
            raise PermissionDeniedError(f"{who(principal)} may not {action} {category} memories of user {user_id!r}")

    @staticmethod
    def require_admin(principal: Principal, action: str) -> None:
        if not principal.is_privileged:
            raise PermissionDeniedError(f"{who(principal)} may not {action}: it needs a tenant admin key")

    @staticmethod
    def require_owner(principal: Principal, action: str) -> None:
        if principal.role != "owner":
            raise PermissionDeniedError(f"{who(principal)} may not {action}: only the operator may")

    @staticmethod
    def require_user_or_admin(principal: Principal, user_id: str, action: str) -> None:
        if principal.is_privileged or (principal.role == "user" and principal.user_id == user_id):
            return
        raise PermissionDeniedError(f"{who(principal)} may not {action} for user {user_id!r}")


def who(principal: Principal) -> str:
    if principal.role == "user":
        return f"the token of user {principal.user_id!r}"
    return f"agent {principal.agent_id!r}" if principal.agent_id else "this caller"

"""The engine's Memory Passport methods: keys, agents, grants, consent, export.

A mixin of :class:`accord.AsyncAccord`. ``for_key`` returns a view of the engine that acts
as the key's principal; everything else checks that the current principal may do it.
"""

from __future__ import annotations

import copy
import re
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Self

from accord.domain.principal import Principal
from accord.errors import InvalidInputError, NotFoundError
from accord.domain.validation import (
    UUID_PATTERN,
    check_categories,
    check_datetime,
    check_identifier,
    check_positive_number,
)
from accord.domain.passport import Agent, ApiKeyInfo, Consent, Grant, IssuedKey, IssuedToken, Tenant, UserExport

if TYPE_CHECKING:
    from accord.engine.authz import Authorizer
    from accord.engine.components import Components


class PassportAPI:
    parts: Components
    _principal: Principal
    _authz: Authorizer
    _is_view: bool

    # -- identity ----------------------------------------------------------------------

    @property
    def principal(self) -> Principal:
        """Who this engine object acts as."""
        return self._principal

    def _as(self, principal: Principal) -> Self:
        """A view of this engine acting as ``principal``; it shares every store."""
        view = copy.copy(self)
        view._principal = principal
        view._is_view = True
        return view

    async def authenticate(self, key: str) -> Principal:
        """The principal behind an agent key or user token (``PermissionDeniedError`` if invalid)."""
        return await self._authz.authenticate(key)

    async def for_key(self, key: str) -> Self:
        """This engine, acting as the agent (or user) the key belongs to."""
        return self._as(await self._authz.authenticate(key))

    def for_tenant(self, tenant_id: str) -> Self:
        """The operator acting inside another tenant (owner only)."""
        self._authz.require_owner(self._principal, "act in another tenant")
        return self._as(Principal(tenant_id=check_identifier("tenant_id", tenant_id), agent_id="local", role="owner"))  # type: ignore[arg-type]

    async def _require_tenant(self) -> None:
        """The principal's tenant exists (keys guarantee it; ``for_tenant`` views may not)."""
        if not await self._authz.tenant_exists(self._principal.tenant_id):
            raise NotFoundError(f"no tenant {self._principal.tenant_id!r}: create it with create_tenant() first")

    # -- tenants, agents and keys ------------------------------------------------------

    async def create_tenant(self, tenant_id: str, name: str | None = None, *, memory_quota: int | None = None) -> Tenant:
        """Create a tenant (the operator only), with an optional memory quota."""
        self._authz.require_owner(self._principal, "create tenants")
        tenant_id = check_identifier("tenant_id", tenant_id)  # type: ignore[assignment]
        if memory_quota is not None and (isinstance(memory_quota, bool) or not isinstance(memory_quota, int) or memory_quota < 1):
            raise InvalidInputError("memory_quota", "must be a positive integer or None")
        return await self.parts.store.identity.create_tenant(tenant_id, name or tenant_id, memory_quota, self.parts.clock.now())

    async def list_tenants(self) -> list[Tenant]:
        """Every tenant (the operator only)."""
        self._authz.require_owner(self._principal, "list tenants")
        return await self.parts.store.identity.list_tenants()

    async def create_agent(self, name: str, *, role: Literal["agent", "admin"] = "agent") -> tuple[Agent, IssuedKey]:
        """A new agent in this tenant and its first key (shown once)."""
        self._authz.require_admin(self._principal, "create agents")
        await self._require_tenant()
        name = check_identifier("name", name)  # type: ignore[assignment]
        if role not in ("agent", "admin"):
            raise InvalidInputError("role", "must be 'agent' or 'admin'")
        identity, now = self.parts.store.identity, self.parts.clock.now()
        agent = await identity.create_agent(self._principal.tenant_id, name, role, now)
        return agent, await identity.issue_agent_key(self._principal.tenant_id, agent.id, now)

    async def list_agents(self) -> list[Agent]:
        """The tenant's agents (admins)."""
        self._authz.require_admin(self._principal, "list agents")
        return await self.parts.store.identity.list_agents(self._principal.tenant_id)

    async def _agent(self, agent_id: str) -> Agent:
        agent = await self.parts.store.identity.get_agent(self._principal.tenant_id, check_identifier("agent_id", agent_id))  # type: ignore[arg-type]
        if agent is None:
            raise NotFoundError(f"no agent {agent_id} in this tenant")
        return agent

    async def issue_key(self, agent_id: str) -> IssuedKey:
        """A new key for an agent; its secret is shown only in this result."""
        self._authz.require_admin(self._principal, "issue keys")
        agent = await self._agent(agent_id)
        return await self.parts.store.identity.issue_agent_key(self._principal.tenant_id, agent.id, self.parts.clock.now())

    async def list_keys(self, agent_id: str | None = None) -> list[ApiKeyInfo]:
        """The tenant's keys, or one agent's (ids and state, never secrets)."""
        self._authz.require_admin(self._principal, "list keys")
        return await self.parts.store.identity.list_keys(self._principal.tenant_id, agent_id)

    async def rotate_key(self, key_id: str, *, overlap_seconds: float = 3600.0) -> IssuedKey:
        """A new key for the same agent; the old key keeps working for ``overlap_seconds``."""
        self._authz.require_admin(self._principal, "rotate keys")
        overlap = check_positive_number("overlap_seconds", overlap_seconds, optional=False) if overlap_seconds else 0.0
        return await self.parts.store.identity.rotate_key(
            self._principal.tenant_id, _key_id(key_id), dt.timedelta(seconds=overlap or 0.0), self.parts.clock.now()
        )

    async def revoke_key(self, key_id: str) -> ApiKeyInfo:
        """Revoke a key; effective at once."""
        self._authz.require_admin(self._principal, "revoke keys")
        return await self.parts.store.identity.revoke_key(self._principal.tenant_id, _key_id(key_id), self.parts.clock.now())

    # -- grants and consent --------------------------------------------------------------

    async def grant(
        self,
        agent_id: str,
        access: Literal["read_only", "read_write"],
        *,
        categories: Sequence[str] | None = None,
        user_id: str | None = None,
        expires_at: dt.datetime | None = None,
    ) -> Grant:
        """Give an agent ``read_only`` or ``read_write`` access, to some categories, for one user or all."""
        self._authz.require_admin(self._principal, "grant access")
        if access not in ("read_only", "read_write"):
            raise InvalidInputError("access", "must be 'read_only' or 'read_write'")
        agent = await self._agent(agent_id)
        return await self.parts.store.identity.add_grant(
            self._principal.tenant_id,
            agent.id,
            access,
            check_categories(list(categories)) if categories is not None else None,
            check_identifier("user_id", user_id, optional=True),
            check_datetime("expires_at", expires_at),
            self.parts.clock.now(),
        )

    async def revoke_grant(self, grant_id: str) -> Grant:
        """Withdraw a grant at once."""
        self._authz.require_admin(self._principal, "revoke grants")
        # Grant ids are UUIDs; anything else (a NUL among them, which PostgreSQL refuses) is
        # refused here alike on every backend.
        if not isinstance(grant_id, str) or not re.fullmatch(UUID_PATTERN, grant_id):
            raise InvalidInputError("grant_id", "must be a grant id (a lowercase UUID)")
        return await self.parts.store.identity.revoke_grant(self._principal.tenant_id, grant_id, self.parts.clock.now())

    async def list_grants(self, *, agent_id: str | None = None, user_id: str | None = None) -> list[Grant]:
        """The tenant's grants, filtered by agent or user."""
        self._authz.require_admin(self._principal, "list grants")
        return await self.parts.store.identity.list_grants(
            self._principal.tenant_id,
            agent_id=check_identifier("agent_id", agent_id, optional=True),
            user_id=check_identifier("user_id", user_id, optional=True),
        )

    async def issue_user_token(self, user_id: str) -> IssuedToken:
        """A token the user holds to grant or revoke agents' access to their memory."""
        self._authz.require_admin(self._principal, "issue user tokens")
        return await self.parts.store.identity.issue_user_token(
            self._principal.tenant_id, check_identifier("user_id", user_id), self.parts.clock.now()  # type: ignore[arg-type]
        )

    async def set_consent(
        self, agent_id: str, granted: bool, *, categories: Sequence[str] | None = None, user_id: str | None = None
    ) -> Consent:
        """The user's own word on an agent: ``granted=False`` withdraws its access at once."""
        user_id = user_id if user_id is not None else self._principal.user_id
        if user_id is None:
            raise InvalidInputError("user_id", "name the user whose consent this is (a user token names itself)")
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        self._authz.require_user_or_admin(self._principal, user_id, "change consent")  # type: ignore[arg-type]
        if not isinstance(granted, bool):
            raise InvalidInputError("granted", "must be true or false")
        agent = await self._agent(agent_id)
        consent = await self.parts.store.identity.set_consent(
            self._principal.tenant_id,
            user_id,  # type: ignore[arg-type]
            agent.id,
            granted,
            check_categories(list(categories)) if categories is not None else None,
            self.parts.clock.now(),
        )
        return consent

    async def list_consents(self, user_id: str | None = None) -> list[Consent]:
        """A user's consent decisions (the user's own token, or an admin naming the user)."""
        user_id = user_id if user_id is not None else self._principal.user_id
        if user_id is None:
            raise InvalidInputError("user_id", "name the user whose consents to list (a user token names itself)")
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        self._authz.require_user_or_admin(self._principal, user_id, "read consent")  # type: ignore[arg-type]
        return await self.parts.store.identity.list_consents(self._principal.tenant_id, user_id)  # type: ignore[arg-type]

    # -- export --------------------------------------------------------------------------

    async def export_user(self, user_id: str) -> UserExport:
        """Everything stored about a user: memories, versions, raw turns, grants, consent, conflicts,
        the entity graph and the quality log (what the gate refused: reason and size, no text)."""
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        self._authz.require_user_or_admin(self._principal, user_id, "export memory")  # type: ignore[arg-type]
        tenant, store = self._principal.tenant_id, self.parts.store

        rows = await store.export_user_rows(tenant, user_id)  # type: ignore[arg-type]
        return UserExport(
            user_id=user_id,  # type: ignore[arg-type]
            tenant_id=tenant,
            exported_at=self.parts.clock.now(),
            memories=rows["memories"],
            versions=rows["versions"],
            messages=rows["messages"],
            grants=[g for g in await store.identity.list_grants(tenant, user_id=user_id) if g.user_id == user_id],
            consents=await store.identity.list_consents(tenant, user_id),  # type: ignore[arg-type]
            conflicts=rows["conflicts"],
            domain=rows.get("domain", []),
            graph=await self.parts.graph.export_user(tenant, user_id) if self.parts.graph is not None else {},  # type: ignore[arg-type]
            quality_log=await store.events.gate_records(tenant, user_id=user_id, limit=None),
        )


def _key_id(value: str) -> str:
    if not isinstance(value, str) or not (len(value) == 12 and all(c in "0123456789abcdef" for c in value)):
        raise InvalidInputError("key_id", "must be a key id (12 hex characters; the key's public part)")
    return value


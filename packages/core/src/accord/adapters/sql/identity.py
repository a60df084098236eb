"""Tenants, agents, keys, grants and consent in SQL. Every lookup is by tenant, except the
key lookup that establishes the tenant in the first place (by the key's public id)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from accord.errors import ConflictError, NotFoundError
from accord.domain import keys as keyfmt
from accord.domain.access import ConsentRule, GrantRule
from accord.domain.passport import Agent, ApiKeyInfo, Consent, Grant, IssuedKey, IssuedToken, StoredKey, Tenant
from accord.adapters.sql.engine_factory import SqlRunner
from accord.adapters.sql.schema import agents, api_keys, consents, grants, tenants


def _key_info(r: Any) -> ApiKeyInfo:
    return ApiKeyInfo(
        key_id=r.key_id,
        agent_id=r.agent_id,
        tenant_id=r.tenant_id,
        created_at=r.created_at,
        expires_at=r.expires_at,
        revoked_at=r.revoked_at,
        last_used_at=r.last_used_at,
        replaced_by=r.replaced_by,
    )


def _grant(r: Any) -> Grant:
    return Grant(
        id=r.id,
        tenant_id=r.tenant_id,
        agent_id=r.agent_id,
        access=r.access,
        categories=r.categories,
        user_id=r.user_id,
        expires_at=r.expires_at,
        created_at=r.created_at,
        revoked_at=r.revoked_at,
    )


def _agent(r: Any) -> Agent:
    return Agent(id=r.id, tenant_id=r.tenant_id, name=r.name, role=r.role, created_at=r.created_at, disabled_at=r.disabled_at)


class IdentityStore:
    def __init__(self, sql: SqlRunner) -> None:
        self._sql = sql

    def _upsert(self, table: Any) -> Any:
        return (postgresql.insert if self._sql.dialect == "postgresql" else sqlite.insert)(table)

    # -- tenants and agents --------------------------------------------------------------

    async def create_tenant(self, tenant_id: str, name: str, memory_quota: int | None, now: dt.datetime) -> Tenant:
        def run(conn: Connection) -> None:
            if conn.execute(select(tenants.c.id).where(tenants.c.id == tenant_id)).first() is not None:
                raise ConflictError(f"tenant {tenant_id!r} already exists")
            conn.execute(insert(tenants).values(id=tenant_id, name=name, memory_quota=memory_quota, created_at=now))

        await self._sql.write(run)
        return Tenant(id=tenant_id, name=name, memory_quota=memory_quota, created_at=now)

    async def get_tenant(self, tenant_id: str) -> Tenant | None:
        row = await self._sql.read(lambda conn: conn.execute(select(tenants).where(tenants.c.id == tenant_id)).first())
        return None if row is None else Tenant(id=row.id, name=row.name, memory_quota=row.memory_quota, created_at=row.created_at)

    async def list_tenants(self) -> list[Tenant]:
        rows = await self._sql.read(lambda conn: conn.execute(select(tenants).order_by(tenants.c.created_at)).all())
        return [Tenant(id=r.id, name=r.name, memory_quota=r.memory_quota, created_at=r.created_at) for r in rows]

    async def create_agent(self, tenant_id: str, name: str, role: str, now: dt.datetime) -> Agent:
        agent_id = f"agt_{uuid.uuid4().hex[:16]}"

        def run(conn: Connection) -> None:
            taken = conn.execute(select(agents.c.id).where(agents.c.tenant_id == tenant_id, agents.c.name == name)).first()
            if taken is not None:
                raise ConflictError(f"an agent named {name!r} already exists in this tenant")
            conn.execute(insert(agents).values(id=agent_id, tenant_id=tenant_id, name=name, role=role, created_at=now))

        await self._sql.write(run)
        return Agent(id=agent_id, tenant_id=tenant_id, name=name, role=role, created_at=now)  # type: ignore[arg-type]

    async def get_agent(self, tenant_id: str, agent_id: str) -> Agent | None:
        row = await self._sql.read(
            lambda conn: conn.execute(select(agents).where(agents.c.tenant_id == tenant_id, agents.c.id == agent_id)).first()
        )
        return None if row is None else _agent(row)

    async def list_agents(self, tenant_id: str) -> list[Agent]:
        rows = await self._sql.read(
            lambda conn: conn.execute(select(agents).where(agents.c.tenant_id == tenant_id).order_by(agents.c.created_at)).all()
        )
        return [_agent(r) for r in rows]

    # -- keys ------------------------------------------------------------------------------

    async def issue_key(
        self, tenant_id: str, *, agent_id: str | None, user_id: str | None, now: dt.datetime
    ) -> tuple[str, ApiKeyInfo]:
        generated = keyfmt.generate(keyfmt.AGENT_PREFIX if agent_id else keyfmt.USER_PREFIX)
        row = {
            "key_id": generated.key_id,
            "kind": "agent" if agent_id else "user",
            "tenant_id": tenant_id,
            "agent_id": agent_id,
            "user_id": user_id,
            "secret_hash": generated.secret_hash,
            "created_at": now,
        }
        await self._sql.write(lambda conn: conn.execute(insert(api_keys).values(**row)))
        info = ApiKeyInfo(
            key_id=generated.key_id, agent_id=agent_id or "", tenant_id=tenant_id, created_at=now,
            expires_at=None, revoked_at=None, last_used_at=None,
        )
        return generated.key, info

    async def issue_agent_key(self, tenant_id: str, agent_id: str, now: dt.datetime) -> IssuedKey:
        key, info = await self.issue_key(tenant_id, agent_id=agent_id, user_id=None, now=now)
        return IssuedKey(key=key, info=info)

    async def issue_user_token(self, tenant_id: str, user_id: str, now: dt.datetime) -> IssuedToken:
        token, info = await self.issue_key(tenant_id, agent_id=None, user_id=user_id, now=now)
        return IssuedToken(key=token, token_id=info.key_id, user_id=user_id, created_at=now)

    async def key_row(self, key_id: str) -> StoredKey | None:
        row = await self._sql.read(lambda conn: conn.execute(select(api_keys).where(api_keys.c.key_id == key_id)).first())
        if row is None:
            return None
        return StoredKey(
            key_id=row.key_id,
            kind=row.kind,
            tenant_id=row.tenant_id,
            agent_id=row.agent_id,
            user_id=row.user_id,
            secret_hash=row.secret_hash,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
        )

    async def touch_key(self, key_id: str, now: dt.datetime) -> None:
        await self._sql.write(
            lambda conn: conn.execute(update(api_keys).where(api_keys.c.key_id == key_id).values(last_used_at=now))
        )

    async def list_keys(self, tenant_id: str, agent_id: str | None = None) -> list[ApiKeyInfo]:
        where = [api_keys.c.tenant_id == tenant_id, api_keys.c.kind == "agent"]
        if agent_id is not None:
            where.append(api_keys.c.agent_id == agent_id)
        rows = await self._sql.read(lambda conn: conn.execute(select(api_keys).where(*where).order_by(api_keys.c.created_at)).all())
        return [_key_info(r) for r in rows]

    async def rotate_key(self, tenant_id: str, key_id: str, overlap: dt.timedelta, now: dt.datetime) -> IssuedKey:
        """A new key for the same agent; the old one keeps working until ``now + overlap``."""
        old = await self.key_row(key_id)
        if old is None or old.tenant_id != tenant_id or old.kind != "agent":
            raise NotFoundError(f"no key {key_id}")
        if old.revoked_at is not None:
            raise ConflictError(f"key {key_id} is revoked; issue a new one instead")
        issued = await self.issue_agent_key(tenant_id, old.agent_id, now)
        until = now + overlap
        expires = until if old.expires_at is None else min(old.expires_at, until)
        await self._sql.write(
            lambda conn: conn.execute(
                update(api_keys).where(api_keys.c.key_id == key_id).values(expires_at=expires, replaced_by=issued.info.key_id)
            )
        )
        return issued

    async def revoke_key(self, tenant_id: str, key_id: str, now: dt.datetime) -> ApiKeyInfo:
        def run(conn: Connection) -> Any:
            row = conn.execute(select(api_keys).where(api_keys.c.key_id == key_id, api_keys.c.tenant_id == tenant_id)).first()
            if row is None:
                raise NotFoundError(f"no key {key_id}")
            conn.execute(update(api_keys).where(api_keys.c.key_id == key_id).values(revoked_at=row.revoked_at or now))
            return conn.execute(select(api_keys).where(api_keys.c.key_id == key_id)).first()

        return _key_info(await self._sql.write(run))

    # -- grants and consent ------------------------------------------------------------------

    async def add_grant(
        self,
        tenant_id: str,
        agent_id: str,
        access: str,
        categories: Sequence[str] | None,
        user_id: str | None,
        expires_at: dt.datetime | None,
        now: dt.datetime,
    ) -> Grant:
        row = {
            "id": str(uuid.uuid4()),
            "tenant_id": tenant_id,
            "agent_id": agent_id,
            "access": access,
            "categories": None if categories is None else list(categories),
            "user_id": user_id,
            "expires_at": expires_at,
            "created_at": now,
        }
        await self._sql.write(lambda conn: conn.execute(insert(grants).values(**row)))
        return Grant(**row)

    async def revoke_grant(self, tenant_id: str, grant_id: str, now: dt.datetime) -> Grant:
        def run(conn: Connection) -> Any:
            where = (grants.c.tenant_id == tenant_id, grants.c.id == grant_id)
            row = conn.execute(select(grants).where(*where)).first()
            if row is None:
                raise NotFoundError(f"no grant {grant_id}")
            conn.execute(update(grants).where(*where).values(revoked_at=row.revoked_at or now))
            return conn.execute(select(grants).where(*where)).first()

        return _grant(await self._sql.write(run))

    async def list_grants(
        self, tenant_id: str, *, agent_id: str | None = None, user_id: str | None = None, include_revoked: bool = False
    ) -> list[Grant]:
        where = [grants.c.tenant_id == tenant_id]
        if agent_id is not None:
            where.append(grants.c.agent_id == agent_id)
        if user_id is not None:
            where.append(or_(grants.c.user_id == user_id, grants.c.user_id.is_(None)))
        if not include_revoked:
            where.append(grants.c.revoked_at.is_(None))
        rows = await self._sql.read(lambda conn: conn.execute(select(grants).where(*where).order_by(grants.c.created_at)).all())
        return [_grant(r) for r in rows]

    async def set_consent(
        self, tenant_id: str, user_id: str, agent_id: str, granted: bool, categories: Sequence[str] | None, now: dt.datetime
    ) -> Consent:
        values = {
            "tenant_id": tenant_id,
            "user_id": user_id,
            "agent_id": agent_id,
            "granted": int(granted),
            "categories": None if categories is None else list(categories),
            "updated_at": now,
        }
        stmt = self._upsert(consents).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["tenant_id", "user_id", "agent_id"],
            set_={"granted": values["granted"], "categories": values["categories"], "updated_at": now},
        )
        await self._sql.write(lambda conn: conn.execute(stmt))
        return Consent(**{**values, "granted": granted})

    async def list_consents(self, tenant_id: str, user_id: str) -> list[Consent]:
        rows = await self._sql.read(
            lambda conn: conn.execute(
                select(consents).where(consents.c.tenant_id == tenant_id, consents.c.user_id == user_id)
            ).all()
        )
        return [
            Consent(tenant_id=r.tenant_id, user_id=r.user_id, agent_id=r.agent_id, granted=bool(r.granted), categories=r.categories, updated_at=r.updated_at)
            for r in rows
        ]

    async def rules_for(self, tenant_id: str, agent_id: str, user_id: str) -> tuple[list[GrantRule], ConsentRule | None]:
        """The agent's grants that can apply to ``user_id``, and the user's consent, in one read."""

        def run(conn: Connection) -> tuple[list[Any], Any]:
            g = conn.execute(
                select(grants).where(
                    grants.c.tenant_id == tenant_id,
                    grants.c.agent_id == agent_id,
                    grants.c.revoked_at.is_(None),
                    or_(grants.c.user_id == user_id, grants.c.user_id.is_(None)),
                )
            ).all()
            c = conn.execute(
                select(consents).where(
                    consents.c.tenant_id == tenant_id, consents.c.user_id == user_id, consents.c.agent_id == agent_id
                )
            ).first()
            return g, c

        g, c = await self._sql.read(run)
        rules = [GrantRule(access=r.access, categories=r.categories, user_id=r.user_id, expires_at=r.expires_at) for r in g]
        consent = None if c is None else ConsentRule(granted=bool(c.granted), categories=c.categories)
        return rules, consent

"""Domain schema rows: a tenant's setting, its custom schemas (versioned), users' domain states.

Every read and write takes the tenant id; a user's state is read and written in one
transaction (locked on PostgreSQL), so two workers folding jobs of one user lose nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from accord.adapters.sql.engine_factory import SqlRunner
from accord.adapters.sql.records import memory_from_row
from accord.adapters.sql.schema import domain_schemas, domain_settings, domain_states, memories
from accord.domain.models import Memory
from accord.errors import ConflictError

__all__ = ["DomainSqlStore"]

SchemaRow = tuple[int, dict[str, Any], dt.datetime]


class DomainSqlStore:
    def __init__(self, sql: SqlRunner) -> None:
        self._sql = sql

    async def get_setting(self, tenant_id: str) -> tuple[str, int | None, dt.datetime] | None:
        def run(conn: Connection) -> tuple[str, int | None, dt.datetime] | None:
            r = conn.execute(select(domain_settings).where(domain_settings.c.tenant_id == tenant_id)).first()
            return None if r is None else (r.schema_name, r.schema_version, r.updated_at)

        return await self._sql.read(run, what="reading the domain setting")

    async def set_setting(self, tenant_id: str, name: str, version: int | None, now: dt.datetime) -> None:
        def run(conn: Connection) -> None:
            where = domain_settings.c.tenant_id == tenant_id
            values = {"schema_name": name, "schema_version": version, "updated_at": now}
            if not conn.execute(update(domain_settings).where(where).values(**values)).rowcount:
                conn.execute(insert(domain_settings).values(tenant_id=tenant_id, **values))

        await self._sql.write(run, "setting the domain schema")

    async def add_schema(self, tenant_id: str, name: str, document: dict[str, Any], now: dt.datetime) -> int:
        """Store ``document`` as the next version of ``name``; returns the version."""

        def run(conn: Connection) -> int:
            where = (domain_schemas.c.tenant_id == tenant_id, domain_schemas.c.name == name)
            last = conn.execute(select(func.max(domain_schemas.c.version)).where(*where)).scalar_one()
            version = int(last or 0) + 1
            conn.execute(insert(domain_schemas).values(tenant_id=tenant_id, name=name, version=version,
                                                       document={**document, "version": version}, created_at=now))
            return version

        try:
            return await self._sql.write(run, "registering a domain schema")
        except IntegrityError as e:
            raise ConflictError(f"schema {name!r} was registered concurrently; upload it again") from e

    async def get_schema(self, tenant_id: str, name: str, version: int | None = None) -> SchemaRow | None:
        def run(conn: Connection) -> SchemaRow | None:
            q = select(domain_schemas).where(domain_schemas.c.tenant_id == tenant_id, domain_schemas.c.name == name)
            q = q.where(domain_schemas.c.version == version) if version is not None else q.order_by(domain_schemas.c.version.desc())
            r = conn.execute(q.limit(1)).first()
            return None if r is None else (r.version, dict(r.document), r.created_at)

        return await self._sql.read(run, what="reading a domain schema")

    async def list_schemas(self, tenant_id: str) -> list[tuple[str, int, dict[str, Any], dt.datetime]]:
        def run(conn: Connection) -> list[tuple[str, int, dict[str, Any], dt.datetime]]:
            q = select(domain_schemas).where(domain_schemas.c.tenant_id == tenant_id)
            rows = conn.execute(q.order_by(domain_schemas.c.name, domain_schemas.c.version)).all()
            return [(r.name, r.version, dict(r.document), r.created_at) for r in rows]

        return await self._sql.read(run, what="listing domain schemas")

    async def get_state(self, tenant_id: str, user_id: str, schema: str) -> dict[str, Any]:
        def run(conn: Connection) -> dict[str, Any]:
            r = conn.execute(select(domain_states.c.state).where(*_state_key(tenant_id, user_id, schema))).first()
            return {} if r is None else dict(r.state)

        return await self._sql.read(run, what="reading a domain state")

    async def update_state(
        self, tenant_id: str, user_id: str, schema: str, change: Callable[[dict[str, Any]], dict[str, Any]], now: dt.datetime
    ) -> dict[str, Any]:
        """Apply ``change`` (pure) to the user's state in one transaction; returns the new state."""

        def run(conn: Connection) -> dict[str, Any]:
            key = _state_key(tenant_id, user_id, schema)
            r = conn.execute(select(domain_states.c.state).where(*key).with_for_update()).first()
            old = {} if r is None else dict(r.state)
            new = change(old)
            if new is old or new == old:
                return old
            if r is None:
                conn.execute(insert(domain_states).values(tenant_id=tenant_id, user_id=user_id, schema_name=schema, state=new, updated_at=now))
            else:
                conn.execute(update(domain_states).where(*key).values(state=new, updated_at=now))
            return new

        return await self._sql.write(run, "updating a domain state")

    async def domain_memories(
        self, tenant_id: str, user_ids: Sequence[str], schema: str, categories: Sequence[str] | None
    ) -> list[Memory]:
        """The active memories of ``schema``'s fields (attribute keys ``<schema>.``), oldest first."""
        m = memories
        # The schema name is [a-z0-9_] (validated), so it needs no LIKE escaping.
        where = [m.c.tenant_id == tenant_id, m.c.user_id.in_(list(user_ids)), m.c.status == "active",
                 m.c.attribute_key.like(f"{schema}.%")]
        if categories is not None:
            where.append(m.c.category.in_(list(categories)))

        def run(conn: Connection) -> list[Memory]:
            rows = conn.execute(select(m).where(*where).order_by(m.c.created_at, m.c.id).limit(2000)).mappings()
            return [memory_from_row(r) for r in rows]

        return await self._sql.read(run, what="reading domain memories")


def _state_key(tenant_id: str, user_id: str, schema: str) -> tuple[Any, ...]:
    t = domain_states
    return (t.c.tenant_id == tenant_id, t.c.user_id == user_id, t.c.schema_name == schema)

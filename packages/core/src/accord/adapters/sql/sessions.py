"""Dashboard sessions in SQL, shared by every server replica on the database.

Rows are keyed by a hash of the session id and hold an opaque sealed blob (see
:mod:`accord.server.dashboard.sealing`): this store never sees a session id or a key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, insert, select, update

from accord.adapters.sql.engine_factory import SqlRunner
from accord.adapters.sql.schema import dashboard_sessions as table

__all__ = ["SqlSessionStore"]


class SqlSessionStore:
    def __init__(self, sql: SqlRunner) -> None:
        self._sql = sql

    async def put(self, id_hash: str, kind: str, sealed: str, now: dt.datetime, expires_at: dt.datetime) -> None:
        """Store a new session, and drop the expired ones (sign-ins are rare; the index makes it cheap)."""

        def run(conn: Connection) -> None:
            conn.execute(delete(table).where(table.c.expires_at <= now))
            conn.execute(
                insert(table).values(id_hash=id_hash, kind=kind, sealed=sealed, created_at=now, expires_at=expires_at)
            )

        await self._sql.write(run, "storing a dashboard session")

    async def get(self, id_hash: str, kind: str, now: dt.datetime) -> tuple[str, dt.datetime] | None:
        """The sealed blob and expiry of a live session of that kind, or None."""
        query = select(table.c.sealed, table.c.expires_at).where(
            table.c.id_hash == id_hash, table.c.kind == kind, table.c.expires_at > now
        )
        row = await self._sql.read(lambda conn: conn.execute(query).first(), what="reading a dashboard session")
        return None if row is None else (row.sealed, row.expires_at)

    async def update(self, id_hash: str, sealed: str) -> bool:
        """Replace a session's sealed blob; False when it is gone (signed out elsewhere)."""
        stmt = update(table).where(table.c.id_hash == id_hash).values(sealed=sealed)
        return await self._sql.write(lambda conn: conn.execute(stmt).rowcount == 1, "updating a dashboard session")

    async def drop(self, id_hash: str) -> None:
        stmt = delete(table).where(table.c.id_hash == id_hash)
        await self._sql.write(lambda conn: conn.execute(stmt), "ending a dashboard session")

"""Creating SQLAlchemy async engines with the right settings per database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from accord._errors import InvalidInputError


def normalise_url(url: str) -> str:
    """Accept the common spellings and pick the async drivers Accord depends on."""
    for prefix, replacement in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(prefix):
            return replacement + url[len(prefix) :]
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise InvalidInputError("database_url", f"unsupported database URL {url.split('://')[0]!r}: use sqlite or postgresql")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Python's sqlite3 would otherwise open transactions itself; we emit BEGIN ourselves.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def create_engines(url: str) -> tuple[AsyncEngine, AsyncEngine]:
    """Return ``(write_engine, read_engine)``.

    On SQLite, writes use ``BEGIN IMMEDIATE`` on a single pooled connection: a deferred
    transaction that reads and then writes fails at once with SQLITE_BUSY when another
    writer got there first, and WAL readers never block, so reads get their own pool.
    On PostgreSQL both are the same engine.
    """
    url = normalise_url(url)
    if url.startswith("postgresql"):
        engine = create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
        return engine, engine
    if url.endswith(":memory:") or url.endswith("://"):
        # Each pooled connection would see its own empty database.
        raise InvalidInputError("database_url", "in-memory SQLite is not supported; give a file path")
    write = create_async_engine(url, pool_size=1, max_overflow=0)
    read = create_async_engine(url, pool_size=4, max_overflow=4)
    for engine, begin in ((write, "BEGIN IMMEDIATE"), (read, "BEGIN")):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", lambda conn, stmt=begin: conn.exec_driver_sql(stmt))
    return write, read

"""Running SQL operations on SQLite or PostgreSQL with the least overhead for each.

Every store operation is one plain function over a SQLAlchemy ``Connection``. The
``SqlRunner`` decides where it runs:

* PostgreSQL: on the async engine (asyncpg) through ``AsyncConnection.run_sync``. Writes run
  in a transaction; reads on a second pool whose connections are in autocommit, so a read is
  its statements alone: in a transaction each read also paid a BEGIN and a ROLLBACK, and the
  pre-ping at checkout one more of each (6 round trips for a one-statement read, 2 now). At
  PostgreSQL's default READ COMMITTED every statement sees its own snapshot either way.
* SQLite: a write transaction is one hop to a single writer thread (SQLite has one writer;
  ``BEGIN IMMEDIATE`` takes the lock up front, so a transaction that reads then writes
  never fails with SQLITE_BUSY half-way). Small reads run inline on the event loop: on a
  local WAL database they take tens of microseconds, far less than a thread hop; large
  reads go to a thread.
"""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from accord.errors import DiskFullError, InvalidInputError, StorageError

T = TypeVar("T")


def normalise_url(url: str) -> str:
    """Accept the common spellings and pick the drivers Accord depends on."""
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
    # The sqlite3 module would otherwise open transactions itself; we emit BEGIN ourselves.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    # Deleted content is overwritten with zeros, also in pages that go to the free list (FAST
    # leaves those), so erased text is not left in the file. Deletes are rare: erasure, delete.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


class SqlRunner:
    """Runs connection functions in a transaction (``write``) or for reading (``read``)."""

    def __init__(self, url: str) -> None:
        url = normalise_url(url)
        self.dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
        self._async: AsyncEngine | None = None
        if self.dialect == "postgresql":
            self._async = create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
            self._async_reads = create_async_engine(
                url, pool_size=10, max_overflow=20, pool_pre_ping=True, isolation_level="AUTOCOMMIT"
            )
            return
        if url.endswith(":memory:") or url.endswith("://"):
            # Each pooled connection would see its own empty database.
            raise InvalidInputError("database_url", "in-memory SQLite is not supported; give a file path")
        sync_url = url.replace("sqlite+aiosqlite://", "sqlite://", 1)
        args = {"check_same_thread": False}
        self._writer: Engine = create_engine(sync_url, pool_size=1, max_overflow=0, connect_args=args)
        self._reader: Engine = create_engine(
            sync_url, pool_size=4, max_overflow=8, connect_args=args, pool_reset_on_return=None
        )
        event.listen(self._writer, "connect", _sqlite_pragmas)
        event.listen(self._writer, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        # Reads run in autocommit: each statement sees one consistent WAL snapshot.
        event.listen(self._reader, "connect", _sqlite_pragmas)
        self._write_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accord-sqlite-writer")

    @property
    def sync_engine(self) -> Engine:
        return self._async.sync_engine if self._async is not None else self._writer

    async def write(self, fn: Callable[[Connection], T], what: str = "a write") -> T:
        """Run ``fn`` in one transaction: committed if it returns, rolled back if it raises.

        Backend failures leave as ``StorageError``; a constraint violation stays an
        ``IntegrityError`` so the store's own retry and conflict mapping can see it.
        """
        try:
            if self._async is not None:
                async with self._async.begin() as conn:
                    return await conn.run_sync(fn)
            return await asyncio.get_running_loop().run_in_executor(self._write_thread, self._sync_write, fn)
        except IntegrityError:
            raise
        except (SQLAlchemyError, OSError) as e:
            raise _storage_error(what, self.dialect, e) from e

    def _sync_write(self, fn: Callable[[Connection], T]) -> T:
        with self._writer.begin() as conn:
            return fn(conn)

    async def read(self, fn: Callable[[Connection], T], *, heavy: bool = False, what: str = "a read") -> T:
        """Run a read; ``heavy`` ones (scans, large batches) never run on the event loop."""
        try:
            if self._async is not None:
                async with self._async_reads.connect() as conn:
                    return await conn.run_sync(fn)
            if heavy:
                return await asyncio.to_thread(self._sync_read, fn)
            return self._sync_read(fn)
        except (SQLAlchemyError, OSError) as e:
            raise _storage_error(what, self.dialect, e) from e

    def _sync_read(self, fn: Callable[[Connection], T]) -> T:
        with self._reader.connect() as conn:
            return fn(conn)

    async def scrub(self) -> None:
        """After an erasure: on SQLite, copy the WAL into the database and truncate it, so the
        WAL's frames (which hold the erased rows as they were written) are gone at once, not at
        the next restart. PostgreSQL keeps no such file readable by us; nothing to do."""
        if self._async is not None:
            return
        try:
            await asyncio.get_running_loop().run_in_executor(self._write_thread, self._sync_checkpoint)
        except (SQLAlchemyError, OSError) as e:
            raise StorageError(f"truncating the write-ahead log failed on sqlite: {e}") from e

    def _sync_checkpoint(self) -> None:
        # On the raw connection: through SQLAlchemy it would run inside our BEGIN IMMEDIATE,
        # and a checkpoint cannot run inside a transaction.
        raw = self._writer.raw_connection()
        try:
            busy = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.close()
        if busy is not None and busy[0]:
            # A reader held an old snapshot: the frames are copied but the log is not yet reset.
            raise OSError("a reader held the write-ahead log; it is truncated at the next erasure or restart")

    async def close(self) -> None:
        if self._async is not None:
            await self._async.dispose()
            await self._async_reads.dispose()
            return
        self._write_thread.shutdown(wait=True)
        self._writer.dispose()
        self._reader.dispose()


# What SQLite (SQLITE_FULL), PostgreSQL (SQLSTATE 53100, or an extend that failed) and the OS
# (ENOSPC) say when the disk is full.
_DISK_FULL = ("database or disk is full", "no space left on device", "could not extend file", "diskfullerror", "53100")


def _storage_error(what: str, dialect: str, e: BaseException) -> StorageError:
    """A backend failure as a ``StorageError``; a full disk in words an operator acts on,
    without the driver's text."""
    text = f"{type(getattr(e, 'orig', None) or e).__name__} {e}".lower()
    if (isinstance(e, OSError) and e.errno == errno.ENOSPC) or any(m in text for m in _DISK_FULL):
        return DiskFullError(f"{what} failed on {dialect}: the disk is full; writes are refused until space is freed")
    return StorageError(f"{what} failed on {dialect}: {e}")

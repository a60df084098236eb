"""Schema migrations (Alembic), shipped inside the package.

The rules:

* A brand-new database (none of Accord's tables, no version table) is created at head from
  ``schema.py`` and stamped: nothing existed, so nothing changes silently.
* A database at head opens as it is.
* Any other database is refused at start-up with :class:`SchemaOutOfDateError` naming
  ``accord migrate``; the upgrade itself runs only when someone asks for it.
* A database made by the first release has Accord's tables but no version table: it is at
  revision ``0001`` (the frozen first-release schema), and ``accord migrate`` stamps it so.

The version lives in ``accord_alembic_version``, not Alembic's default ``alembic_version``,
so a PostgreSQL database shared with another application's Alembic history is not confused.
On PostgreSQL every check and migration holds one advisory lock: replicas starting together
create a new schema once, and a replica starting during ``accord migrate`` waits for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from accord.adapters.sql.engine_factory import normalise_url
from accord.adapters.sql.schema import metadata
from accord.errors import InvalidInputError, SchemaOutOfDateError, StorageError

__all__ = [
    "FIRST_RELEASE",
    "VERSION_TABLE",
    "SchemaState",
    "ensure_current",
    "head_revision",
    "migrate",
    "read_state",
    "revisions",
    "run_on_url",
]

VERSION_TABLE = "accord_alembic_version"
FIRST_RELEASE = "0001"
SCRIPT_LOCATION = "accord.adapters.sql:migrations"
# Any fixed 64-bit key; it only has to be the same in every Accord process.
_PG_LOCK_KEY = 0x61636364_6D696772  # "accdmigr"
# A table every release has had: its presence without a version table marks the first release.
_MARKER_TABLE = "memories"

T = TypeVar("T")


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "the migrations have no head"
    return head


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [r.revision for r in reversed(list(_scripts().walk_revisions()))]


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands. ``current`` is None for a database without Accord's tables."""

    current: str | None
    head: str
    first_release_unstamped: bool = False

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def read_state(conn: Connection) -> SchemaState:
    names = set(inspect(conn).get_table_names())
    if VERSION_TABLE in names:
        current = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()
        return SchemaState(current, head_revision())
    if _MARKER_TABLE in names:
        return SchemaState(FIRST_RELEASE, head_revision(), first_release_unstamped=True)
    return SchemaState(None, head_revision())


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # Released at the end of the transaction, whatever happens.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def ensure_current(conn: Connection) -> SchemaState:
    """The start-up check (see the module doc). Runs in the caller's write transaction."""
    _lock(conn)
    state = read_state(conn)
    if state.current is None:
        metadata.create_all(conn)
        MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).stamp(_scripts(), "head")
        return SchemaState(state.head, state.head)
    if state.up_to_date:
        return state
    if state.current not in revisions():
        raise SchemaOutOfDateError(
            f"the database schema is at revision {state.current!r}, which this version of Accord does not know "
            f"(its newest is {state.head!r}): the database was migrated by a newer Accord; upgrade Accord"
        )
    raise SchemaOutOfDateError(
        f"the database schema is at revision {state.current!r} and this version of Accord needs {state.head!r}: "
        "run `accord migrate` (back up the database first)"
    )


def migrate(conn: Connection, target: str = "head") -> tuple[str | None, str | None]:
    """Upgrade or downgrade to ``target`` in the caller's transaction; returns (before, after)."""
    _lock(conn)
    if target == "base":
        raise InvalidInputError("to", "refusing to migrate to 'base': that would drop every table")
    if target != "head" and target not in revisions():
        raise InvalidInputError("to", f"unknown revision {target!r}; known: {', '.join(revisions())}")
    state = read_state(conn)
    if state.current is not None and state.current not in revisions():
        raise SchemaOutOfDateError(
            f"the database schema is at revision {state.current!r}, newer than this Accord knows: upgrade Accord"
        )
    cfg = _config(conn)
    if state.first_release_unstamped:
        command.stamp(cfg, FIRST_RELEASE)
    target_rev = state.head if target == "head" else target
    try:
        if state.current is not None and _is_ancestor(target_rev, state.current):
            command.downgrade(cfg, target_rev)
        else:
            command.upgrade(cfg, target_rev)
    except CommandError as e:
        raise InvalidInputError("to", str(e)) from e
    return state.current, read_state(conn).current


def _is_ancestor(older: str, newer: str) -> bool:
    """True when ``older`` is ``newer`` or lies below it (so reaching it is a downgrade)."""
    return any(r.revision == older for r in _scripts().iterate_revisions(newer, "base"))


def _sqlite_migration_pragmas(dbapi_conn: object, _record: object) -> None:
    # Batch mode rebuilds a table by copy-and-drop; with foreign keys on, dropping a parent
    # table would cascade-delete its children. They are checked after the migration instead.
    dbapi_conn.isolation_level = None  # type: ignore[attr-defined]
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=OFF")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


async def run_on_url(url: str, fn: Callable[[Connection], T]) -> T:
    """Run ``fn`` in one transaction on its own connection (used by ``accord migrate``).

    Raises:
        StorageError: the database cannot be reached, or a migration step failed (nothing
            of that run is kept: it is one transaction).
    """
    try:
        return await _run_on_url(url, fn)
    except (SQLAlchemyError, OSError) as e:
        raise StorageError(f"the migration failed on {url.split('://')[0]}: {e}") from e


async def _run_on_url(url: str, fn: Callable[[Connection], T]) -> T:
    url = normalise_url(url)
    if url.startswith("postgresql"):
        engine = create_async_engine(url, pool_size=1, max_overflow=0)
        try:
            async with engine.begin() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()
    sync = create_engine(url.replace("sqlite+aiosqlite://", "sqlite://", 1), pool_size=1, max_overflow=0)
    event.listen(sync, "connect", _sqlite_migration_pragmas)
    event.listen(sync, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        with sync.begin() as conn:
            result = fn(conn)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StorageError(f"the migration would break {len(broken)} foreign keys; nothing was changed")
            return result
    finally:
        sync.dispose()

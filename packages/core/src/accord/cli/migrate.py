"""``accord migrate``: bring the database's schema to this version of Accord (or back)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from accord.adapters.sql.migrate import head_revision, migrate, read_state, revisions, run_on_url
from accord.engine.datadir import DataDirLock
from accord.settings import AccordSettings


def add_migrate_parser(sub: Any) -> None:
    p = sub.add_parser(
        "migrate",
        help="upgrade the database schema to this Accord (back up first); --to REV also downgrades where safe",
        description=(
            "Apply Accord's schema migrations to the configured database (ACCORD_DATABASE_URL, or the data "
            "dir's SQLite file), in one transaction. Accord refuses to start on a database that is behind."
        ),
    )
    p.add_argument("--to", default="head", metavar="REV", help=f"target revision (default: head; known: {', '.join(revisions())})")
    p.add_argument("--status", action="store_true", help="print the current and needed revision; exit 4 if behind")


async def cmd_migrate(args: argparse.Namespace, settings: AccordSettings) -> int:
    url = settings.resolved_database_url()
    lock: DataDirLock | None = None
    if settings.database_url is None:
        # The embedded store: no other Accord process may use it while its tables change.
        settings.data_dir.expanduser().mkdir(parents=True, exist_ok=True)
        lock = DataDirLock(settings.data_dir.expanduser())
        lock.acquire()
    try:
        if args.status:
            state = await run_on_url(url, read_state)
            if state.current is None:
                print(f"database: empty (Accord creates it at {state.head} on first start)")
                return 0
            verdict = "up to date" if state.up_to_date else "behind: run `accord migrate`"
            print(f"database: {state.current}; this Accord needs: {state.head}; {verdict}")
            return 0 if state.up_to_date else 4
        before, after = await run_on_url(url, lambda conn: migrate(conn, args.to))
    finally:
        if lock is not None:
            lock.release()
    if before == after:
        print(f"schema already at {after} (head {head_revision()})")
    else:
        print(f"schema migrated from {before or '(empty database)'} to {after}", file=sys.stdout)
    return 0

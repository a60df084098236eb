"""Write a new schema migration from the difference between ``schema.py`` and the migrations.

    python scripts/new_migration.py "add the domains table"

It builds a scratch SQLite database at the current head (from the migrations alone), lets
Alembic's autogenerate compare it with ``accord/adapters/sql/schema.py``, and writes
``packages/core/src/accord/adapters/sql/migrations/versions/NNNN_<slug>.py`` with the next
number. Read what it wrote: autogenerate misses renames (it sees a drop and an add), server
defaults and data moves, which a migration must then do by hand (``op.execute``). The ops are
rendered in batch mode, which works on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from accord.adapters.sql import migrate as mig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("message", help="what the migration does, e.g. 'add the domains table'")
    args = parser.parse_args(argv)
    number = f"{len(mig.revisions()) + 1:04d}"
    slug = re.sub(r"[^a-z0-9]+", "_", args.message.lower()).strip("_")[:40]
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        with engine.begin() as conn:
            mig.migrate(conn)
            cfg = mig._config(conn)
            script = command.revision(cfg, message=args.message, autogenerate=True, rev_id=number)
        engine.dispose()
    if script is None or isinstance(script, list):
        print("alembic wrote no single revision", file=sys.stderr)
        return 1
    path = Path(script.path)
    target = path.with_name(f"{number}_{slug}.py")
    path.rename(target)
    print(f"wrote {target}; read it, then run the migration tests (tests/adapters/stores/test_migrations.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

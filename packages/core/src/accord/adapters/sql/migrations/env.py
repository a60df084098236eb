"""Alembic's environment for Accord. It never opens a connection of its own: the caller
(``accord.adapters.sql.migrate``) passes one in ``config.attributes["connection"]``, inside
the transaction (and, on PostgreSQL, the advisory lock) it already holds.
"""

from __future__ import annotations

from alembic import context

from accord.adapters.sql.migrate import VERSION_TABLE
from accord.adapters.sql.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Accord's migrations run through `accord migrate`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

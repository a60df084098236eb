"""Mark the webhooks the operator made (``webhooks.allow_internal``: only they may reach loopback
or private addresses, now also checked at each delivery) and add ``dashboard_sessions`` (sign-in
sessions shared by every replica on the database).

The new column's value for existing webhooks: true where the URL names an internal address
literally (an IP, ``localhost``, ``*.internal``...), since only the operator could subscribe
those; false for every other, so a name a tenant admin subscribed is checked when delivered.
The downgrade drops the column and the table (sessions end: everyone signs in again).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def _names_internal(url: str) -> bool:
    # Written out, not imported, so later changes to the guard cannot change this revision.
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".internal", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved


def upgrade() -> None:
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("allow_internal", sa.Boolean(), server_default=sa.false(), nullable=False))
    hooks = sa.table("webhooks", sa.column("id", sa.String), sa.column("url", sa.Text), sa.column("allow_internal", sa.Boolean))
    conn = op.get_bind()
    inward = [row.id for row in conn.execute(sa.select(hooks.c.id, hooks.c.url)) if _names_internal(row.url)]
    if inward:
        conn.execute(sa.update(hooks).where(hooks.c.id.in_(inward)).values(allow_internal=True))

    op.create_table(
        "dashboard_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    with op.batch_alter_table("dashboard_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_dashboard_sessions_expires", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dashboard_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_dashboard_sessions_expires")
    op.drop_table("dashboard_sessions")
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.drop_column("allow_internal")

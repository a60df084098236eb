"""Drop ``accord_schema``: the first release created it but never wrote to it; the
migration version now lives in ``accord_alembic_version``.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("accord_schema")


def downgrade() -> None:
    # Safe: the table held no rows in any release.
    op.create_table(
        "accord_schema",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )

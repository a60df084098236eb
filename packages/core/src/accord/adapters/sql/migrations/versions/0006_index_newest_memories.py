"""Index a user's memories by kind and time (``ix_memories_newest``), so the recent turns every
``get()`` reads come in index order instead of a sort of all the user's turns.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_memories_newest", "memories", ["tenant_id", "user_id", "status", "category", "created_at"], unique=False
    )


def downgrade() -> None:
    # Safe: an index holds no data.
    op.drop_index("ix_memories_newest", table_name="memories")

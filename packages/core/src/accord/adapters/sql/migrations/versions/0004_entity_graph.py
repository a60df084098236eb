"""The entity graph: entities, their aliases, temporal relations and the memories that
mention them (empty on upgrade; new turns fill it).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from accord.adapters.sql.schema import UTCDateTime, _json

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "graph_entities",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("roles", _json(), nullable=False),
        sa.Column("aliases", _json(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_graph_entities_user", "graph_entities", ["tenant_id", "user_id", "kind"])
    op.create_table(
        "graph_aliases",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("alias", sa.String(256), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "alias", "entity_id"),
    )
    op.create_table(
        "graph_relations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("predicate", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(36), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("valid_from", UTCDateTime(), nullable=False),
        sa.Column("valid_to", UTCDateTime(), nullable=True),
        sa.Column("superseded_by", sa.String(36), nullable=True),
        sa.Column("memory_id", sa.String(36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_graph_relations_subject", "graph_relations", ["tenant_id", "user_id", "subject_id"])
    op.create_index("ix_graph_relations_object", "graph_relations", ["tenant_id", "user_id", "object_id"])
    op.create_table(
        "graph_mentions",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("memory_id", sa.String(36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "entity_id", "memory_id"),
    )
    op.create_index("ix_graph_mentions_memory", "graph_mentions", ["tenant_id", "memory_id"])


def downgrade() -> None:
    for table in ("graph_mentions", "graph_relations", "graph_aliases", "graph_entities"):
        op.drop_table(table)

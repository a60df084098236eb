"""The schema of Accord's first release (0.1.0), frozen.

Databases made by the first release have these tables and no version table; ``accord
migrate`` recognises them and stamps them at this revision without running it. The DDL is
written out here, not taken from ``schema.py``, so that later changes to ``schema.py``
cannot change what this revision creates.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

# The column types as the first release declared them (its UTCDateTime stores
# DateTime(timezone=True); its JSON is JSONB on PostgreSQL).
UTC_DATETIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "accord_schema",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.String(length=128), nullable=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=True),
        sa.Column("revoked_at", UTC_DATETIME, nullable=True),
        sa.Column("last_used_at", UTC_DATETIME, nullable=True),
        sa.Column("replaced_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("key_id"),
    )
    op.create_index("ix_api_keys_agent", "api_keys", ["tenant_id", "agent_id"], unique=False)
    op.create_table(
        "conflicts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("existing_memory_id", sa.String(length=36), nullable=False),
        sa.Column("candidate_memory_id", sa.String(length=36), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("resolved_at", UTC_DATETIME, nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "candidate_memory_id", name="uq_conflicts_candidate"),
    )
    op.create_index(
        "ix_conflicts_open", "conflicts", ["tenant_id", "status", "kind", "user_id"], unique=False
    )
    op.create_table(
        "consents",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.Column("granted", sa.Integer(), nullable=False),
        sa.Column("categories", JSON, nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "agent_id"),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.Column("access", sa.String(length=16), nullable=False),
        sa.Column("categories", JSON, nullable=True),
        sa.Column("user_id", sa.String(length=128), nullable=True),
        sa.Column("expires_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("revoked_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_grants_agent", "grants", ["tenant_id", "agent_id"], unique=False)
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=True),
        sa.Column("session_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message_ids", JSON, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_expires_at", UTC_DATETIME, nullable=True),
        sa.Column("extraction", JSON, nullable=True),
        sa.Column("extractor", sa.String(length=64), nullable=True),
        sa.Column("applied_at", UTC_DATETIME, nullable=True),
        sa.Column("created_memory_ids", JSON, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "user_id", "idempotency_key", name="uq_jobs_idempotency"),
    )
    op.create_index("ix_jobs_claim", "jobs", ["status", "lease_expires_at"], unique=False)
    op.create_index(
        "ix_jobs_dedup", "jobs", ["tenant_id", "user_id", "content_hash", "created_at"], unique=False
    )
    op.create_table(
        "memories",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("previous_version_id", sa.String(length=36), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("index_text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("attribute_key", sa.String(length=128), nullable=True),
        sa.Column("attribute_value", sa.String(length=256), nullable=True),
        sa.Column("exclusive", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("importance_score", sa.Float(), nullable=False),
        sa.Column("original_importance_score", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_role", sa.String(length=16), nullable=True),
        sa.Column("session_id", sa.String(length=128), nullable=True),
        sa.Column("message_id", sa.String(length=36), nullable=True),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("agent_id", sa.String(length=64), nullable=True),
        sa.Column("trusted", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("last_accessed_at", UTC_DATETIME, nullable=True),
        sa.Column("access_count", sa.Integer(), nullable=False),
        sa.Column("valid_from", UTC_DATETIME, nullable=True),
        sa.Column("valid_to", UTC_DATETIME, nullable=True),
        sa.Column("archived_at", UTC_DATETIME, nullable=True),
        sa.Column("decayed_at", UTC_DATETIME, nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("embedding_model", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_memories_attr", "memories", ["tenant_id", "user_id", "attribute_key"], unique=False)
    op.create_index("ix_memories_job", "memories", ["job_id"], unique=False)
    op.create_index("ix_memories_lineage", "memories", ["tenant_id", "lineage_id"], unique=False)
    op.create_index(
        "ix_memories_profile",
        "memories",
        ["tenant_id", "user_id", "importance_score"],
        unique=False,
        sqlite_where=sa.text("status = 'active' AND category <> 'episodic'"),
        postgresql_where=sa.text("status = 'active' AND category <> 'episodic'"),
    )
    op.create_index("ix_memories_tenant_id", "memories", ["tenant_id", "id"], unique=True)
    op.create_index(
        "ix_memories_user", "memories", ["tenant_id", "user_id", "status", "category"], unique=False
    )
    op.create_index(
        "uq_memories_active_attribute",
        "memories",
        ["tenant_id", "user_id", "attribute_key"],
        unique=True,
        sqlite_where=sa.text("status = 'active' AND exclusive = 1"),
        postgresql_where=sa.text("status = 'active' AND exclusive = 1"),
    )
    op.create_index(
        "uq_memories_active_content",
        "memories",
        ["tenant_id", "user_id", "content_hash"],
        unique=True,
        sqlite_where=sa.text("status = 'active' AND category <> 'episodic'"),
        postgresql_where=sa.text("status = 'active' AND category <> 'episodic'"),
    )
    op.create_index(
        "uq_memories_active_lineage",
        "memories",
        ["tenant_id", "lineage_id"],
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "memory_versions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("memory_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change_type", sa.String(length=32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("previous_content", sa.Text(), nullable=True),
        sa.Column("importance_score", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "lineage_id", "version", name="uq_versions_chain"),
    )
    op.create_index("ix_versions_memory", "memory_versions", ["tenant_id", "memory_id"], unique=False)
    op.create_index("ix_versions_user", "memory_versions", ["tenant_id", "user_id"], unique=False)
    op.create_table(
        "messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("said_at", UTC_DATETIME, nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_messages_job", "messages", ["job_id"], unique=False)
    op.create_index(
        "ix_messages_user", "messages", ["tenant_id", "user_id", "session_id", "created_at"], unique=False
    )
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("memory_quota", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "agents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("disabled_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "name", name="uq_agents_name"),
    )
    op.create_table(
        "users",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "user_id"),
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    # Below the first release there is no schema: going there would drop every table.
    raise RuntimeError("refusing to downgrade below the first release: that would drop every table")

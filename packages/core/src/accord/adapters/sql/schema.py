"""Table definitions. Constraints, not check-then-insert, keep the data consistent:

* one active head per memory lineage (partial unique index on ``lineage_id``);
* no duplicate active durable memory per user (partial unique index on ``content_hash``);
* one version number per lineage (unique ``(lineage_id, version)``), so the chain cannot fork;
* one active memory per user and exclusive attribute (partial unique index), so two
  contradicting values of the same attribute can never both be active.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData()

ACTIVE_DURABLE = text("status = 'active' AND category <> 'episodic'")
ACTIVE = text("status = 'active'")
ACTIVE_EXCLUSIVE = text("status = 'active' AND exclusive = 1")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC in and out; SQLite returns naive datetimes, so re-attach UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def _json() -> Any:
    return JSONType


tenants = Table(
    "tenants",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("memory_quota", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("tenant_id", String(64), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("agent_id", String(64), nullable=True),
    Column("session_id", String(128), nullable=True),
    Column("status", String(16), nullable=False),
    Column("message_ids", _json(), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("idempotency_key", String(200), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_expires_at", UTCDateTime, nullable=True),
    Column("extraction", _json(), nullable=True),
    Column("extractor", String(64), nullable=True),
    Column("applied_at", UTCDateTime, nullable=True),
    Column("created_memory_ids", _json(), nullable=False),
    Column("error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant_id", "user_id", "idempotency_key", name="uq_jobs_idempotency"),
    Index("ix_jobs_claim", "status", "lease_expires_at"),
    Index("ix_jobs_dedup", "tenant_id", "user_id", "content_hash", "created_at"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("job_id", String(36), nullable=False),
    Column("session_id", String(128), nullable=True),
    Column("position", Integer, nullable=False),
    Column("role", String(16), nullable=False),
    Column("name", String(128), nullable=True),
    Column("content", Text, nullable=False),
    Column("said_at", UTCDateTime, nullable=False),
    Column("metadata", _json(), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_messages_user", "tenant_id", "user_id", "session_id", "created_at"),
    Index("ix_messages_job", "job_id"),
)

memories = Table(
    "memories",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("lineage_id", String(36), nullable=False),
    Column("previous_version_id", String(36), nullable=True),
    Column("content", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("index_text", Text, nullable=False),
    Column("category", String(16), nullable=False),
    Column("attribute_key", String(128), nullable=True),
    Column("attribute_value", String(256), nullable=True),
    Column("exclusive", Integer, nullable=False, default=0),
    Column("scope", String(16), nullable=False, default="user"),
    Column("importance_score", Float, nullable=False),
    Column("original_importance_score", Float, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("status", String(16), nullable=False),
    Column("source_kind", String(16), nullable=False),
    Column("source_role", String(16), nullable=True),
    Column("session_id", String(128), nullable=True),
    Column("message_id", String(36), nullable=True),
    Column("job_id", String(36), nullable=True),
    Column("agent_id", String(64), nullable=True),
    Column("trusted", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("last_accessed_at", UTCDateTime, nullable=True),
    Column("access_count", Integer, nullable=False),
    Column("valid_from", UTCDateTime, nullable=True),
    Column("valid_to", UTCDateTime, nullable=True),
    Column("archived_at", UTCDateTime, nullable=True),
    Column("decayed_at", UTCDateTime, nullable=True),
    Column("metadata", _json(), nullable=False),
    Column("embedding", LargeBinary, nullable=True),
    Column("embedding_model", String(200), nullable=True),
    # Lookups by id always carry the tenant; this index lets the planner use both columns
    # (otherwise SQLite picks ix_memories_user and scans the whole tenant).
    Index("ix_memories_tenant_id", "tenant_id", "id", unique=True),
    Index("ix_memories_user", "tenant_id", "user_id", "status", "category"),
    Index("ix_memories_attr", "tenant_id", "user_id", "attribute_key"),
    Index("ix_memories_lineage", "tenant_id", "lineage_id"),
    Index("ix_memories_job", "job_id"),
    # A user's newest memories of a kind (the recent turns every get() reads, list_memories)
    # in index order, without sorting all of them: 80 ms a read at 10k turns per user otherwise.
    Index("ix_memories_newest", "tenant_id", "user_id", "status", "category", "created_at"),
    # The user's profile (active durable memories by importance) without touching the
    # far more numerous episodic turns. Queries must use ACTIVE_DURABLE verbatim so that
    # SQLite can prove the partial index applies.
    Index(
        "ix_memories_profile",
        "tenant_id",
        "user_id",
        "importance_score",
        sqlite_where=ACTIVE_DURABLE,
        postgresql_where=ACTIVE_DURABLE,
    ),
    Index(
        "uq_memories_active_lineage",
        "tenant_id",
        "lineage_id",
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    ),
    Index(
        "uq_memories_active_attribute",
        "tenant_id",
        "user_id",
        "attribute_key",
        unique=True,
        sqlite_where=ACTIVE_EXCLUSIVE,
        postgresql_where=ACTIVE_EXCLUSIVE,
    ),
    Index(
        "uq_memories_active_content",
        "tenant_id",
        "user_id",
        "content_hash",
        unique=True,
        sqlite_where=ACTIVE_DURABLE,
        postgresql_where=ACTIVE_DURABLE,
    ),
)

memory_versions = Table(
    "memory_versions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("lineage_id", String(36), nullable=False),
    Column("memory_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("change_type", String(32), nullable=False),
    Column("content", Text, nullable=False),
    Column("previous_content", Text, nullable=True),
    Column("importance_score", Float, nullable=False),
    Column("status", String(16), nullable=False),
    Column("agent_id", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("metadata", _json(), nullable=False),
    UniqueConstraint("tenant_id", "lineage_id", "version", name="uq_versions_chain"),
    Index("ix_versions_memory", "tenant_id", "memory_id"),
    Index("ix_versions_user", "tenant_id", "user_id"),
)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("existing_memory_id", String(36), nullable=False),
    Column("candidate_memory_id", String(36), nullable=False),
    Column("question", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("job_id", String(36), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("resolution", Text, nullable=True),
    Column("resolved_by", String(64), nullable=True),
    Index("ix_conflicts_open", "tenant_id", "status", "kind", "user_id"),
    UniqueConstraint("tenant_id", "candidate_memory_id", name="uq_conflicts_candidate"),
)

agents = Table(
    "agents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("disabled_at", UTCDateTime, nullable=True),
    UniqueConstraint("tenant_id", "name", name="uq_agents_name"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("kind", String(8), nullable=False),  # "agent" | "user"
    Column("tenant_id", String(64), nullable=False),
    Column("agent_id", String(64), nullable=True),
    Column("user_id", String(128), nullable=True),
    Column("secret_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("replaced_by", String(32), nullable=True),
    Index("ix_api_keys_agent", "tenant_id", "agent_id"),
)

grants = Table(
    "grants",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("agent_id", String(64), nullable=False),
    Column("access", String(16), nullable=False),
    Column("categories", _json(), nullable=True),
    Column("user_id", String(128), nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Index("ix_grants_agent", "tenant_id", "agent_id"),
)

consents = Table(
    "consents",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("agent_id", String(64), primary_key=True),
    Column("granted", Integer, nullable=False),
    Column("categories", _json(), nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

# -- domain schemas (issue 15) ---------------------------------------------------------------

domain_settings = Table(
    "domain_settings",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("schema_name", String(32), nullable=False),
    Column("schema_version", Integer, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

domain_schemas = Table(
    "domain_schemas",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("name", String(32), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("document", _json(), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

domain_states = Table(
    "domain_states",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("schema_name", String(32), primary_key=True),
    Column("state", _json(), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


# -- webhooks and the quality log (migration 0005) ------------------------------------------

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("url", Text, nullable=False),
    # The signing secret must be readable to sign with (an HMAC key, not a password to check).
    Column("secret", String(128), nullable=False),
    Column("events", _json(), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("disabled_at", UTCDateTime, nullable=True),
    # Made by the operator, who may send to loopback or private addresses (migration 0007);
    # a tenant admin's webhook is checked against them at subscription and at each delivery.
    Column("allow_internal", Boolean, nullable=False, server_default=false()),
    Index("ix_webhooks_tenant", "tenant_id"),
)

# The outbox: one row per (webhook, event). ``event_key`` makes emitting idempotent (the 80%
# quota mark is one event however many writes cross it); ``id`` is the event id receivers see.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("webhook_id", String(36), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("event_key", String(200), nullable=False),
    Column("payload", _json(), nullable=False),
    Column("status", String(16), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("lease_owner", String(100), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    UniqueConstraint("webhook_id", "event_key", name="uq_webhook_deliveries_event"),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_tenant", "tenant_id", "created_at"),
)

# What the gate refused: the reason and the size of the refused content, never its text.
gate_log = Table(
    "gate_log",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("agent_id", String(64), nullable=True),
    Column("user_id", String(128), nullable=False),
    Column("decision", String(32), nullable=False),
    Column("messages", Integer, nullable=False),
    Column("content_chars", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_gate_log_tenant", "tenant_id", "created_at"),
)


# -- dashboard sessions, shared by every replica on the database (migration 0007) -------------
# The cookie's random session id is never stored: rows are found by its SHA-256, and what the
# session stands for (the key, the chosen tenant, pending flashes) is sealed with AES-GCM under
# a key derived from the session id. A database reader cannot use a row without the cookie.
dashboard_sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # operator | user
    Column("sealed", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_dashboard_sessions_expires", "expires_at"),
)


# The entity graph's tables live in their own module; importing it registers them on ``metadata``.
from accord.adapters.sql import graph_schema as _graph_schema  # noqa: E402,F401

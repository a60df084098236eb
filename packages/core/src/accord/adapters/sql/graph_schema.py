"""The entity graph's tables (on the store's ``metadata``, so a new database has them and
the migrations are checked against them).

Rows are never updated to say something else: an entity grows (names, roles, aliases); a
relation is only ever closed (``valid_to``, ``superseded_by``). Every row carries
``tenant_id`` and ``user_id`` and every index starts with them.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text

from accord.adapters.sql.schema import UTCDateTime, _json, metadata

__all__ = ["graph_aliases", "graph_entities", "graph_mentions", "graph_relations", "GRAPH_TABLES"]

graph_entities = Table(
    "graph_entities",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("roles", _json(), nullable=False),
    Column("aliases", _json(), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_graph_entities_user", "tenant_id", "user_id", "kind"),
)

# One row per (entity, alias): resolution looks entities up by name or role here.
graph_aliases = Table(
    "graph_aliases",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("alias", String(256), primary_key=True),
    Column("entity_id", String(36), primary_key=True),
)

graph_relations = Table(
    "graph_relations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("subject_id", String(36), nullable=False),
    Column("predicate", String(64), nullable=False),
    Column("object_id", String(36), nullable=True),
    Column("value", Text, nullable=True),
    Column("valid_from", UTCDateTime, nullable=False),
    Column("valid_to", UTCDateTime, nullable=True),
    Column("superseded_by", String(36), nullable=True),
    Column("memory_id", String(36), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_graph_relations_subject", "tenant_id", "user_id", "subject_id"),
    Index("ix_graph_relations_object", "tenant_id", "user_id", "object_id"),
)

graph_mentions = Table(
    "graph_mentions",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("entity_id", String(36), primary_key=True),
    Column("memory_id", String(36), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_graph_mentions_memory", "tenant_id", "memory_id"),
)

GRAPH_TABLES = {
    "entities": graph_entities,
    "entity_aliases": graph_aliases,
    "relations": graph_relations,
    "entity_mentions": graph_mentions,
}

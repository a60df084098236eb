"""Ports: every interface the engine talks to, in one module. Adapters implement them without
inheriting: ``Store`` (``MemoryStore`` + ``JobQueue`` + ``IdentityStore``: SQLite, PostgreSQL),
``VectorIndex`` (Qdrant Edge, Qdrant server), ``HotCache`` (in-process, Redis), ``Embedder``,
``Extractor`` and ``Clock``. The records they exchange live in :mod:`accord.domain.records`.

Every store and index call takes the caller's ``tenant_id`` as a required argument; only the
operator's whole-store commands (``accord reindex``, ``accord check``) read across tenants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from accord.domain.access import ConsentRule, GrantRule
from accord.domain.coherence import Derived
from accord.domain.feedback import FeedbackKind
from accord.domain.entities import GraphDraft
from accord.domain.graph import Entity, EntityDetail, Relation, RelatedEntity
from accord.domain.graph_resolve import GraphPlan
from accord.domain.models import Conflict, ExtractedMemory, ForgetReport, Job, Memory, MemoryStatus
from accord.domain.models import MemoryVersion, Message, ProviderHealth, UserStats
from accord.domain.passport import Agent, ApiKeyInfo, Consent, Grant, IssuedKey, IssuedToken, StoredKey, Tenant
from accord.domain.webhooks import OutboxEvent
from accord.domain.records import (
    SHARED_USER_ID,
    ApplyResult,
    FeedbackApplied,
    IndexHits,
    IndexPoint,
    IndexQuery,
    MaintenancePolicy,
    MaintenanceTally,
    MemoryEdit,
    NewMemory,
    NewMessage,
    RerankCandidate,
    Settlement,
    Vector,
)

__all__ = [
    "SHARED_USER_ID",
    "Vector",
    "IndexPoint",
    "IndexQuery",
    "IndexHits",
    "VectorIndex",
    "Embedder",
    "Reranker",
    "HotCache",
    "Extractor",
    "ServingExtractor",
    "MemoryStore",
    "JobQueue",
    "IdentityStore",
    "Store",
    "Clock",
    "Graph",
]

@runtime_checkable
class VectorIndex(Protocol):
    """A derived, rebuildable search index over memories (dense + BM25 sparse)."""

    name: str

    async def upsert(self, points: Sequence[IndexPoint]) -> None: ...

    async def set_status(self, tenant_id: str, memory_ids: Sequence[str], status: str) -> None: ...

    async def delete(self, tenant_id: str, memory_ids: Sequence[str]) -> None: ...

    async def delete_user(self, tenant_id: str, user_id: str) -> None: ...

    async def search(self, query: IndexQuery) -> IndexHits: ...

    async def count(self, tenant_id: str, user_id: str | None = None) -> int: ...

    async def point_ids(self, tenant_id: str) -> list[str]: ...  # as stored, for `accord check`

    async def probe(self) -> str | None: ...  # None when it answers now, else what failed (health)

    async def clear(self) -> None:
        """Drop every point (used by ``accord reindex`` before rebuilding from SQL)."""
        ...

    async def close(self) -> None: ...


@runtime_checkable
class Embedder(Protocol):
    """Dense text embeddings. Vectors are L2-normalised float32."""

    name: str
    dim: int

    async def embed_documents(self, texts: Sequence[str]) -> list[Vector]: ...

    async def embed_query(self, text: str) -> Vector: ...


@runtime_checkable
class Reranker(Protocol):
    """The second stage of retrieval: scores first-stage candidates for a query.

    Returns one relevance in [0, 1] per candidate, in the candidates' order; the reader ranks
    by it (with importance and recency). The built-in one needs no model; a cross-encoder reads
    query and candidate together.
    """

    name: str

    async def rerank(self, query: str, candidates: Sequence[RerankCandidate]) -> list[float]: ...


@runtime_checkable
class HotCache(Protocol):
    """Per-user cache of memory records, plus token buckets for the rate gate."""

    name: str

    @property
    def active_name(self) -> str:
        """Which cache serves now: ``name``, or the fallback's while a remote cache is down."""
        ...

    async def get_memories(self, tenant_id: str, user_id: str, ids: Sequence[str]) -> dict[str, Memory]: ...

    async def put_memories(self, tenant_id: str, user_id: str, memories: Sequence[Memory]) -> None: ...

    async def invalidate(self, tenant_id: str, user_id: str, ids: Sequence[str] | None = None) -> None:
        """Drop the given ids, or the whole user when ``ids`` is None."""
        ...

    async def take_token(self, bucket: str, rate_per_second: float, burst: int, now: float) -> float:
        """Take one token; return 0 when granted, else seconds until one is available."""
        ...

    async def probe(self) -> str | None: ...  # None when it answers now, else what failed (health)

    async def close(self) -> None: ...


@runtime_checkable
class Extractor(Protocol):
    """Turns conversation turns into candidate memories."""

    name: str

    async def extract(self, messages: Sequence[Message]) -> list[ExtractedMemory]: ...


@runtime_checkable
class ServingExtractor(Extractor, Protocol):
    """The extractor the engine runs: it says what served each call and how its providers are.

    The composition root wraps a plain :class:`Extractor` so that the engine only sees this port.
    """

    async def extract_served(self, messages: Sequence[Message]) -> tuple[list[ExtractedMemory], str]:
        """The memories and what served them: ``rules``, ``llm:<provider>`` or ``rules_fallback``."""
        ...

    def mode(self) -> str:
        """``rules``, ``llm``, ``degraded:<open providers>``, ``rules_fallback`` or ``waiting``."""
        ...

    def providers(self) -> list[ProviderHealth]:
        """Each LLM provider's circuit breaker, in fall-through order (none for the rules)."""
        ...


@runtime_checkable
class MemoryStore(Protocol):
    """The source of truth for memories, versions and conflicts (SQLite or PostgreSQL).

    Every call takes the caller's ``tenant_id``. Conflict and lifecycle policy are pure functions
    in :mod:`accord.domain`; the store applies what they decide, each change in one transaction.
    """

    name: str

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def ensure_tenant(
        self, tenant_id: str, name: str | None, now: dt.datetime, memory_quota: int | None = None,
    ) -> None: ...

    async def tenant_quota(self, tenant_id: str) -> int | None:
        """The tenant's memory quota, cached: quotas change rarely and are read on every add."""
        ...

    async def get_memories(self, tenant_id: str, ids: Sequence[str]) -> list[Memory]: ...

    async def list_memories(
        self, tenant_id: str, user_id: str, *, categories: Sequence[str] | None = None,
        statuses: Sequence[str] = (MemoryStatus.ACTIVE.value,), limit: int = 100, offset: int = 0,
        metadata: Mapping[str, str] | None = None, job_id: str | None = None,
    ) -> list[Memory]: ...

    async def list_users(self, tenant_id: str, *, limit: int = 100, offset: int = 0) -> list[str]: ...

    async def derived_from_turns(self, tenant_id: str, job_ids: Sequence[str]) -> dict[str, list[Derived]]:
        """The durable memories the given jobs extracted, by the message they came from."""
        ...

    async def top_by_importance(
        self, tenant_id: str, user_id: str, *, limit: int, min_importance: float,
        categories: Sequence[str] | None = None,
    ) -> list[Memory]:
        """The user's most important active durable memories: their profile."""
        ...

    async def keyword_candidates(
        self, tenant_id: str, user_ids: Sequence[str], *, categories: Sequence[str] | None,
        created_after: dt.datetime | None, limit: int,
    ) -> list[tuple[str, str]]:
        """(id, index_text) of the users' newest active memories, for keyword search without the index."""
        ...

    async def record_access(
        self, tenant_id: str, counts: Mapping[str, int], now: dt.datetime, *, boost: float = 0.0,
    ) -> list[str]:
        """Add ``counts[id]`` accesses to each memory, stamp ``last_accessed_at`` and raise its live importance by ``boost`` per access; returns the ids whose importance changed."""
        ...

    async def count_active(self, tenant_id: str) -> int: ...

    async def delete_memory(self, tenant_id: str, memory_id: str) -> Memory | None: ...

    async def forget_user(
        self, tenant_id: str, user_id: str, *, now: dt.datetime | None = None,
        events_for: Callable[[ForgetReport], Sequence[OutboxEvent]] | None = None,
    ) -> ForgetReport:
        """Delete every row about a user: memories, versions, raw messages, jobs, the user, their
        quality log; ``events_for(report)`` is queued in the same transaction (the outbox)."""
        ...

    async def user_stats(self, tenant_id: str, user_id: str) -> UserStats: ...

    async def store_counts(self, tenant_id: str) -> dict[str, int]: ...

    async def quota_used(self, tenant_id: str) -> int: ...  # active durable memories + open jobs' turns

    async def memory_counts(self) -> dict[str, int]: ...  # per tenant, any status: the index's due
    async def memory_ids(self, tenant_id: str) -> list[str]: ...
    async def integrity(self) -> dict[str, tuple[int, list[str]]]: ...  # `accord check`: count, examples

    def index_records(
        self, *, tenant_id: str | None = None, ids: Sequence[str] | None = None, job_id: str | None = None,
        batch_size: int = 1000,
    ) -> AsyncIterator[list[IndexPoint]]:
        """Memories (all, a tenant's, some ids or a job's), in batches, to (re)build the index."""
        ...

    async def set_embeddings(self, tenant_id: str, vectors: Mapping[str, tuple[Vector, str]]) -> None: ...

    async def history(self, tenant_id: str, memory_id: str) -> list[MemoryVersion]: ...

    async def edit_memory(
        self, tenant_id: str, memory_id: str, edit: MemoryEdit, *, agent_id: str | None, now: dt.datetime,
    ) -> str: ...

    async def set_memory_status(
        self, tenant_id: str, memory_id: str, status: MemoryStatus, *, agent_id: str | None,
        now: dt.datetime, reason: str,
    ) -> str: ...

    async def record_feedback(
        self, tenant_id: str, memory_id: str, kind: FeedbackKind, *, note: str | None, agent_id: str | None,
        now: dt.datetime,
    ) -> FeedbackApplied:
        """An agent's feedback, in one transaction (see :mod:`accord.domain.feedback`)."""
        ...

    async def list_conflicts(
        self, tenant_id: str, *, status: str | None = "open", kind: str | None = None,
        user_id: str | None = None, limit: int = 100, conflict_id: str | None = None,
    ) -> list[Conflict]: ...

    async def settle_conflict(
        self, tenant_id: str, conflict_id: str, choice: str, *, resolved_by: str | None, now: dt.datetime,
    ) -> Settlement: ...

    async def maintain(
        self, tenant_id: str, policy: MaintenancePolicy, now: dt.datetime,
    ) -> MaintenanceTally: ...

    async def tenant_ids(self) -> list[str]: ...

    async def export_user_rows(self, tenant_id: str, user_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every stored row about one user, by kind (``memories``, ``versions``, ``messages``, ``conflicts``), for export; vectors are left out (they are derived)."""
        ...


@runtime_checkable
class JobQueue(Protocol):
    """The durable job queue: the outbox of ``add()``, claimed by workers with a lease."""

    async def enqueue(
        self, *, tenant_id: str, user_id: str, agent_id: str | None, session_id: str | None, job_id: str,
        content_hash: str, idempotency_key: str | None, new_messages: Sequence[NewMessage],
        episodic: Sequence[NewMemory], now: dt.datetime, events: Sequence[OutboxEvent] = (),
    ) -> str | None:
        """Store the raw turns, their episodic memories, the job and ``events`` in one transaction."""
        ...

    async def find_job_by_idempotency_key(self, tenant_id: str, user_id: str, key: str) -> str | None: ...

    async def find_recent_job(
        self, tenant_id: str, user_id: str, content_hash: str, since: dt.datetime,
    ) -> str | None: ...

    async def claim_job(
        self, worker_id: str, now: dt.datetime, lease_seconds: float, max_attempts: int,
    ) -> Job | None:
        """Lease the oldest claimable job: queued, or running with an expired lease."""
        ...

    async def save_extraction(
        self, job_id: str, worker_id: str, extraction: Sequence[ExtractedMemory], extractor: str,
        now: dt.datetime,
    ) -> bool:
        """Save the extractor's output on the job before it is applied (so a replay reuses it)."""
        ...

    async def apply_job(
        self, job_id: str, worker_id: str, tenant_id: str, candidates: Sequence[NewMemory], now: dt.datetime,
        *, stated_by: str | None, said_at: dt.datetime, shared_policy: str = "weigh", quota: int | None = None,
        events_for: Callable[[ApplyResult], Sequence[OutboxEvent]] | None = None,
    ) -> ApplyResult | None:
        """Resolve and apply the job's candidates in one transaction; mark the job applied (a
        candidate taking the tenant's active durable memories past ``quota`` is dropped);
        ``events_for(result)`` is queued in the same transaction."""
        ...

    async def complete_job(self, job_id: str, worker_id: str, now: dt.datetime) -> bool: ...

    async def defer_job(self, job_id: str, worker_id: str, now: dt.datetime, seconds: float, reason: str) -> None:
        """Put a job back in the queue until ``now + seconds``, without spending an attempt;
        ``reason`` is what the job's ``error`` says meanwhile."""
        ...

    async def fail_job(
        self, job_id: str, worker_id: str, error: str, now: dt.datetime, *, retry: bool,
        events: Sequence[OutboxEvent] = (),
    ) -> None:
        """Record a failure; with ``retry`` the job goes back to the queue for another attempt;
        ``events`` are queued in the same transaction."""
        ...

    async def job_backlog(self, tenant_id: str, since: dt.datetime) -> tuple[int, int]: ...  # open, done since
    async def release_jobs(self, worker_id: str, now: dt.datetime) -> int: ...  # clean exit: requeue its jobs

    async def get_job(self, tenant_id: str, job_id: str) -> Job | None: ...

    async def queue_stats(self, now: dt.datetime) -> dict[str, float]:
        """Jobs per status (``queued``, ``running``, ``failed``) over every tenant, and
        ``oldest_queued_age_seconds``: how long the oldest queued job has waited."""
        ...

    async def job_messages(self, tenant_id: str, job_id: str) -> list[Message]: ...


@runtime_checkable
class IdentityStore(Protocol):
    """Tenants, agents, keys (hashes only), grants and consent: the Memory Passport's records."""

    async def create_tenant(self, tenant_id: str, name: str, memory_quota: int | None, now: dt.datetime) -> Tenant: ...

    async def get_tenant(self, tenant_id: str) -> Tenant | None: ...

    async def list_tenants(self) -> list[Tenant]: ...

    async def create_agent(self, tenant_id: str, name: str, role: str, now: dt.datetime) -> Agent: ...

    async def get_agent(self, tenant_id: str, agent_id: str) -> Agent | None: ...

    async def list_agents(self, tenant_id: str) -> list[Agent]: ...

    async def issue_key(
        self, tenant_id: str, *, agent_id: str | None, user_id: str | None, now: dt.datetime,
    ) -> tuple[str, ApiKeyInfo]: ...

    async def issue_agent_key(self, tenant_id: str, agent_id: str, now: dt.datetime) -> IssuedKey: ...

    async def issue_user_token(self, tenant_id: str, user_id: str, now: dt.datetime) -> IssuedToken: ...

    async def key_row(self, key_id: str) -> StoredKey | None: ...

    async def touch_key(self, key_id: str, now: dt.datetime) -> None: ...

    async def list_keys(self, tenant_id: str, agent_id: str | None = None) -> list[ApiKeyInfo]: ...

    async def rotate_key(self, tenant_id: str, key_id: str, overlap: dt.timedelta, now: dt.datetime) -> IssuedKey:
        """A new key for the same agent; the old one keeps working until ``now + overlap``."""
        ...

    async def revoke_key(self, tenant_id: str, key_id: str, now: dt.datetime) -> ApiKeyInfo: ...

    async def add_grant(
        self, tenant_id: str, agent_id: str, access: str, categories: Sequence[str] | None,
        user_id: str | None, expires_at: dt.datetime | None, now: dt.datetime,
    ) -> Grant: ...

    async def revoke_grant(self, tenant_id: str, grant_id: str, now: dt.datetime) -> Grant: ...

    async def list_grants(
        self, tenant_id: str, *, agent_id: str | None = None, user_id: str | None = None,
        include_revoked: bool = False,
    ) -> list[Grant]: ...

    async def set_consent(
        self, tenant_id: str, user_id: str, agent_id: str, granted: bool, categories: Sequence[str] | None,
        now: dt.datetime,
    ) -> Consent: ...

    async def list_consents(self, tenant_id: str, user_id: str) -> list[Consent]: ...

    async def rules_for(self, tenant_id: str, agent_id: str, user_id: str) -> tuple[list[GrantRule], ConsentRule | None]:
        """The agent's grants that can apply to ``user_id``, and the user's consent, in one read."""
        ...


class DomainStore(Protocol):
    """Domain schema rows: a tenant's setting, its custom schemas (versioned), users' domain states,
    and the active memories of a schema's fields (attribute keys ``<schema>.``), oldest first."""

    async def get_setting(self, tenant_id: str) -> tuple[str, int | None, dt.datetime] | None: ...
    async def set_setting(self, tenant_id: str, name: str, version: int | None, now: dt.datetime) -> None: ...
    async def add_schema(self, tenant_id: str, name: str, document: dict[str, Any], now: dt.datetime) -> int: ...
    async def get_schema(self, tenant_id: str, name: str, version: int | None = None) -> tuple[int, dict[str, Any], dt.datetime] | None: ...
    async def list_schemas(self, tenant_id: str) -> list[tuple[str, int, dict[str, Any], dt.datetime]]: ...
    async def domain_memories(self, tenant_id: str, user_ids: Sequence[str], schema: str, categories: Sequence[str] | None) -> list[Memory]: ...
    async def get_state(self, tenant_id: str, user_id: str, schema: str) -> dict[str, Any]: ...
    async def update_state(
        self, tenant_id: str, user_id: str, schema: str, change: Callable[[dict[str, Any]], dict[str, Any]], now: dt.datetime
    ) -> dict[str, Any]: ...


class WebhookSender(Protocol):
    async def post(self, url: str, body: bytes, headers: dict[str, str], *, allow_internal: bool = False) -> int:
        """POST ``body``; the response's status code (``OSError`` when nothing answered, or when
        the host resolves to an internal address and ``allow_internal`` is false)."""
        ...

    async def close(self) -> None: ...


@runtime_checkable
class EventStore(Protocol):
    """Webhook subscriptions, their durable outbox, and the gate's quality log (``accord.adapters.sql.events``)."""

    async def create_webhook(
        self, tenant_id: str, url: str, secret: str, events: list[str], now: dt.datetime, *, allow_internal: bool = False
    ) -> Any: ...
    async def list_webhooks(self, tenant_id: str) -> list[Any]: ...
    async def disable_webhook(self, tenant_id: str, webhook_id: str, now: dt.datetime) -> Any: ...
    async def emit(self, tenant_id: str, event_type: str, event_key: str, data: dict[str, Any], now: dt.datetime) -> int:
        """Queue the event once per subscribed webhook; a second emit of ``event_key`` adds nothing."""
        ...
    async def claim_due(self, owner: str, now: dt.datetime, lease_seconds: float, limit: int = 20) -> list[Any]: ...
    async def record_attempt(
        self, delivery_id: str, owner: str, now: dt.datetime, *, status_code: int | None, error: str | None,
        retry_at: dt.datetime | None,
    ) -> None: ...
    async def list_deliveries(self, tenant_id: str, *, status: str | None = None, limit: int = 100) -> list[Any]: ...
    async def tenants_wanting(self, event_type: str) -> list[str]: ...
    async def emit_to_all(self, event_type: str, event_key: str, data: dict[str, Any], now: dt.datetime) -> int:
        """Queue one event for every tenant with a webhook wanting it, in one transaction."""
        ...
    async def log_gate(
        self, tenant_id: str, agent_id: str | None, user_id: str, decision: str, messages: int, chars: int, now: dt.datetime
    ) -> None: ...
    async def gate_records(
        self, tenant_id: str, *, decision: str | None = None, user_id: str | None = None, agent_id: str | None = None,
        limit: int | None = 200,
    ) -> list[Any]: ...
    async def gate_timeline(self, tenant_id: str, since: dt.datetime) -> Any: ...
    async def job_counts(self, tenant_id: str, now: dt.datetime) -> dict[str, int]: ...
    async def forget_user(self, tenant_id: str, user_id: str) -> int: ...
    async def category_counts(self, tenant_id: str) -> dict[str, int]: ...


@runtime_checkable
class SessionStore(Protocol):
    """Dashboard sign-in sessions, shared by the replicas: opaque sealed blobs by a hash of the session id."""

    async def put(self, id_hash: str, kind: str, sealed: str, now: dt.datetime, expires_at: dt.datetime) -> None: ...
    async def get(self, id_hash: str, kind: str, now: dt.datetime) -> tuple[str, dt.datetime] | None: ...
    async def update(self, id_hash: str, sealed: str) -> bool: ...
    async def drop(self, id_hash: str) -> None: ...


@runtime_checkable
class Store(MemoryStore, JobQueue, Protocol):
    """The canonical store the engine is built on: memories, the job queue, ``identity``, ``domains``,
    ``events`` and ``sessions``."""

    identity: IdentityStore
    domains: DomainStore
    events: EventStore
    sessions: SessionStore


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Current time, timezone-aware UTC."""
        ...


@runtime_checkable
class Graph(Protocol):
    """A user's entity graph (entities, temporal relations, mentions); every call is scoped by
    tenant and user. Relations are closed, never deleted (see :mod:`accord.domain.graph`)."""

    name: str

    async def job_texts(
        self, tenant_id: str, job_id: str
    ) -> list[tuple[str, str, str | None, dt.datetime, str | None]]: ...

    async def ingest(
        self, tenant_id: str, user_id: str, draft: GraphDraft, memory_ids: Sequence[str | None],
        said_at: Sequence[dt.datetime], now: dt.datetime,
    ) -> GraphPlan: ...  # fmt: skip

    async def entities(
        self, tenant_id: str, user_id: str, *, kinds: Sequence[str] | None = None, limit: int = 100, offset: int = 0
    ) -> list[Entity]: ...

    async def find(self, tenant_id: str, user_id: str, aliases: Sequence[str]) -> list[Entity]: ...

    async def entity(
        self, tenant_id: str, user_id: str, entity_id: str, *, as_of: dt.datetime | None = None, memory_limit: int = 50
    ) -> tuple[EntityDetail, list[str]] | None: ...  # with the ids of the memories that mention it

    async def owner(self, tenant_id: str, entity_id: str) -> str | None: ...

    async def related(
        self, tenant_id: str, user_id: str, entity_id: str, depth: int, *, as_of: dt.datetime | None = None
    ) -> list[RelatedEntity]: ...

    async def neighbourhood_memories(
        self, tenant_id: str, user_id: str, seeds: Sequence[str], *, depth: int, as_of: dt.datetime | None,
        per_entity: int, limit: int,
    ) -> list[tuple[str, str, int]]: ...  # fmt: skip

    async def relations_of(
        self, tenant_id: str, user_id: str, entity_ids: Sequence[str], *, as_of: dt.datetime | None = None
    ) -> tuple[list[Relation], dict[str, Entity]]: ...

    async def forget_user(self, tenant_id: str, user_id: str) -> int: ...

    async def forget_memories(self, tenant_id: str, memory_ids: Sequence[str]) -> None: ...

    async def export_user(self, tenant_id: str, user_id: str) -> dict[str, list[dict[str, Any]]]: ...

"""Public data models: what goes into Accord and what comes out of it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Role",
    "Category",
    "MemoryStatus",
    "Scope",
    "ChangeType",
    "MemoryVersion",
    "ConflictOption",
    "Conflict",
    "ClarificationQuestion",
    "SourceKind",
    "Message",
    "MemorySource",
    "Memory",
    "AddStatus",
    "BlockedReason",
    "AddResult",
    "ContextFormat",
    "ServiceMode",
    "ContextResult",
    "ExtractedMemory",
    "JobStatus",
    "Job",
    "UserStats",
    "StoreStats",
    "ForgetReport",
    "FeedbackResult",
    "MaintenanceReport",
    "ProviderHealth",
    "HealthReport",
]

Role = Literal["user", "assistant", "system", "tool"]
ContextFormat = Literal["bullets", "json", "xml"]
AddStatus = Literal["queued", "done", "blocked", "failed"]
BlockedReason = Literal["rate_limit_exceeded", "backlog", "low_quality", "duplicate", "budget_exhausted"]


class Category(StrEnum):
    """What kind of thing a memory says about the user."""

    PREFERENCE = "preference"
    FACT = "fact"
    GOAL = "goal"
    PROCEDURE = "procedure"
    RELATIONSHIP = "relationship"
    EXPERTISE = "expertise"
    EPISODIC = "episodic"


# Category names, once: durable memories are everything but the raw episodic turns.
ALL_CATEGORIES: frozenset[str] = frozenset(c.value for c in Category)
DURABLE_CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category if c is not Category.EPISODIC)


class MemoryStatus(StrEnum):
    """``pending`` memories wait for the user (a clarification) or an admin (a review)."""

    ACTIVE = "active"
    ARCHIVED = "archived"
    PENDING = "pending"


class Scope(StrEnum):
    """``tenant`` memories are shared organisational facts, visible to every user of the tenant."""

    USER = "user"
    TENANT = "tenant"


class ChangeType(StrEnum):
    CREATED = "created"
    CONFLICT_UPDATE = "conflict_update"
    MERGED = "merged"
    MANUAL_EDIT = "manual_edit"
    IMPORTANCE_DECAY = "importance_decay"
    IMPORTANCE_BOOST = "importance_boost"
    ARCHIVED = "archived"
    RESTORED = "restored"
    FEEDBACK = "feedback"  # an agent said a memory was helpful, wrong or (the user confirmed) outdated


class SourceKind(StrEnum):
    """Where a memory came from; ``tool`` output is never trusted into a prompt."""

    EXTRACTED = "extracted"
    EPISODIC = "episodic"
    MANUAL = "manual"
    TOOL = "tool"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Message(BaseModel):
    """One conversation turn handed to ``add()``.

    ``created_at`` is when the turn was said (defaults to now); ``metadata`` is kept as
    provenance on the episodic memory the turn becomes.
    """

    model_config = ConfigDict(extra="forbid")

    role: Role
    content: str
    name: str | None = None
    created_at: dt.datetime | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class MemorySource(_Frozen):
    """Provenance of a memory: which turn, session and agent it came from."""

    kind: SourceKind
    role: Role | None = None
    session_id: str | None = None
    message_id: str | None = None
    job_id: str | None = None


class Memory(_Frozen):
    """A stored memory as callers see it."""

    id: str
    user_id: str
    content: str
    category: Category
    attribute_key: str | None = None
    attribute_value: str | None = None
    scope: Scope = Scope.USER
    importance_score: float
    original_importance_score: float
    confidence: float = 1.0
    status: MemoryStatus = MemoryStatus.ACTIVE
    source: MemorySource
    agent_id: str | None = None
    trusted: bool = True
    lineage_id: str
    previous_version_id: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    last_accessed_at: dt.datetime | None = None
    access_count: int = 0
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None
    archived_at: dt.datetime | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    relevance_score: float | None = None
    # Set by get(): whether the memory is in system_prompt_addition (None elsewhere).
    rendered: bool | None = None


class MemoryVersion(_Frozen):
    """One change in a memory's lineage (``history()`` returns them oldest first)."""

    id: str
    memory_id: str
    lineage_id: str
    version: int
    change_type: ChangeType
    content: str
    previous_content: str | None
    importance_score: float
    status: MemoryStatus
    agent_id: str | None
    created_at: dt.datetime
    metadata: dict[str, Any] = Field(default_factory=dict)


class ConflictOption(_Frozen):
    memory_id: str
    content: str


class Conflict(_Frozen):
    """A conflict the engine could not settle alone.

    ``clarification``: a personal conflict only the user can settle (asked through
    ``get().clarification_question``). ``review``: shared organisational truth, queued for
    the tenant's admins. Both are closed with ``resolve(id, answer)``.
    """

    id: str
    kind: Literal["clarification", "review"]
    status: Literal["open", "resolved"]
    user_id: str
    question: str
    options: list[ConflictOption]
    reason: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None = None
    resolution: str | None = None


class ClarificationQuestion(_Frozen):
    """A question to put to the user; answer it with ``resolve(id, answer)``."""

    id: str
    question: str
    options: list[ConflictOption]


class AddResult(_Frozen):
    """What ``add()`` returns: at once with ``status="queued"``, or after the job with ``wait=True``."""

    job_id: str | None
    status: AddStatus
    blocked_reason: BlockedReason | None = None
    retry_after_seconds: float | None = None
    episodic_memory_ids: list[str] = Field(default_factory=list)
    memories_created: list[Memory] = Field(default_factory=list)
    extractor: str | None = None  # what served extraction: "rules", "llm:<model>", "rules_fallback"
    error: str | None = None


class ServiceMode(_Frozen):
    """Which dependencies served a call, so callers can tell full service from degraded."""

    search: Literal["hybrid", "lexical", "sql_keyword", "none"]
    index: str
    embedder: str
    hot_tier: str
    extraction: str = "rules"
    reranker: str = "none"  # the second stage that ranked the candidates: features, cross-encoder:<model>, none
    degraded: bool = False
    notes: list[str] = Field(default_factory=list)


class ContextResult(_Frozen):
    """What ``get()`` returns.

    ``memories`` are the ``limit`` best memories in rank order (fewer when fewer match); each
    says whether it was ``rendered`` into ``system_prompt_addition`` (the token budget decides),
    so every line can be traced back to its memory id.
    """

    query: str
    memories: list[Memory]
    system_prompt_addition: str
    context_token_count: int
    memories_from_hot_tier: int
    clarification_question: ClarificationQuestion | None = None
    mode: ServiceMode


class ExtractedMemory(_Frozen):
    """One memory proposed by an extractor, before conflict resolution."""

    content: str
    category: Category
    attribute_key: str | None = None
    attribute_value: str | None = None
    importance: float = Field(ge=0.0, le=1.0)
    confidence: float = Field(default=0.8, ge=0.0, le=1.0)
    message_index: int | None = None
    negated: bool = False
    scope: Scope = Scope.USER
    context: str | None = None
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None
    # An LLM verdict for a conflict the rules could not decide, saved with the extraction so
    # that a replay applies the same decision: {"action", "target_id", "reason", "merged_content"}.
    resolution_hint: dict[str, str] | None = None


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(_Frozen):
    id: str
    tenant_id: str
    user_id: str
    agent_id: str | None
    status: JobStatus
    session_id: str | None
    message_ids: list[str]
    attempts: int
    extraction: list[ExtractedMemory] | None = None
    extractor: str | None = None
    created_memory_ids: list[str] = Field(default_factory=list)
    error: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime


class UserStats(_Frozen):
    user_id: str
    active_memories: int
    archived_memories: int
    by_category: dict[str, int]
    messages: int
    jobs_pending: int


class StoreStats(_Frozen):
    users: int
    active_memories: int
    archived_memories: int
    messages: int
    jobs_pending: int
    jobs_failed: int
    index_points: int | None
    mode: ServiceMode


class ProviderHealth(_Frozen):
    """One LLM provider's circuit breaker."""

    name: str
    state: Literal["closed", "open", "half_open", "not_configured"]
    consecutive_failures: int
    total_failures: int
    total_successes: int
    last_error: str | None = None


class HealthReport(_Frozen):
    """What serves Accord right now: ``degraded`` when any dependency is on a fallback."""

    status: Literal["ok", "degraded"]
    mode: ServiceMode
    providers: list[ProviderHealth]
    jobs_pending: int
    jobs_failed: int
    # What each dependency answered when asked for this report: "ok", or what failed.
    checks: dict[str, str] = Field(default_factory=dict)


class FeedbackResult(_Frozen):
    """What ``feedback()`` did: the memory as it is now, and the question put to the user
    (``outdated``: answer it with ``resolve(question.id, 1 or 2)``)."""

    memory: Memory
    kind: Literal["helpful", "wrong", "outdated"]
    action: Literal["importance_raised", "archived", "question_asked", "unchanged"]
    question: ClarificationQuestion | None = None


class MaintenanceReport(_Frozen):
    decayed: int
    archived_stale: int
    expired_episodic: int


class ForgetReport(_Frozen):
    user_id: str
    memories: int
    messages: int
    jobs: int
    versions: int

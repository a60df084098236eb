"""What the tools take and return: small pydantic models, so every tool has an input and an output schema."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from collections.abc import Sequence

from accord import AddResult, Category, Conflict, ContextResult, Entity, EntityDetail, Memory, MemoryVersion
from accord.domain.models import ClarificationQuestion
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "MAX_TEXT_CHARS",
    "AddMemoryResult",
    "ClarificationOut",
    "ConflictOut",
    "ContextOut",
    "DeleteResult",
    "HistoryResult",
    "MemoryList",
    "MemoryOut",
    "SearchResult",
    "Turn",
    "VersionOut",
]

MAX_TEXT_CHARS = 32_000

# A Literal (not the enum) so the tools' JSON schemas list the names inline; built from the one list.
CategoryName = Literal[tuple(c.value for c in Category)]  # type: ignore[valid-type]


class Turn(BaseModel):
    """One conversation turn."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant", "system", "tool"] = Field(description="who said it; tool output is never trusted into a prompt")
    content: Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS, description="what was said")]
    name: Annotated[str | None, Field(max_length=128, description="the speaker's name, if several")] = None


class MemoryOut(BaseModel):
    """A stored memory."""

    id: str
    content: str
    category: CategoryName
    status: Literal["active", "archived", "pending"]
    importance: float = Field(description="0-1, live (access raises it, time decays it)")
    relevance: float | None = Field(default=None, description="how well it matched the query (search results only)")
    attribute_key: str | None = Field(default=None, description="the single-valued attribute it sets, e.g. employer")
    source: Literal["extracted", "episodic", "manual", "tool"]
    session_id: str | None = None
    agent_id: str | None = Field(default=None, description="the agent that wrote it")
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, m: Memory) -> MemoryOut:
        return cls(
            id=m.id,
            content=m.content,
            category=m.category.value,
            status=m.status.value,
            importance=round(m.importance_score, 4),
            relevance=round(m.relevance_score, 4) if m.relevance_score is not None else None,
            attribute_key=m.attribute_key,
            source=m.source.kind.value,
            session_id=m.source.session_id,
            agent_id=m.agent_id,
            created_at=m.created_at,
            updated_at=m.updated_at,
        )


class AddMemoryResult(BaseModel):
    """``queued`` (extraction runs in the background), ``done`` (with ``wait``), ``blocked`` or ``failed``."""

    job_id: str | None
    status: Literal["queued", "done", "blocked", "failed"]
    blocked_reason: Literal["rate_limit_exceeded", "backlog", "low_quality", "duplicate", "budget_exhausted"] | None = None
    retry_after_seconds: float | None = None
    episodic_memory_ids: list[str] = Field(description="the raw turns, searchable at once")
    memories_created: list[MemoryOut] = Field(description="memories extracted (only with wait=true)")
    error: str | None = None
    clarification_question: ClarificationOut | None = Field(
        default=None, description="a question the user's memories raise: ask it, then call resolve"
    )
    clarification_answered: ConflictOut | None = Field(
        default=None, description="the question the user just settled in a form the client showed"
    )

    @classmethod
    def of(cls, r: AddResult) -> AddMemoryResult:
        return cls(
            job_id=r.job_id,
            status=r.status,
            blocked_reason=r.blocked_reason,
            retry_after_seconds=r.retry_after_seconds,
            episodic_memory_ids=list(r.episodic_memory_ids),
            memories_created=[MemoryOut.of(m) for m in r.memories_created],
            error=r.error,
        )


class ClarificationOut(BaseModel):
    """A question for the user; answer it with the ``resolve`` tool."""

    id: str
    question: str
    options: list[str] = Field(description="option 1 is what was stored, option 2 the new statement")

    @classmethod
    def of(cls, q: ClarificationQuestion) -> ClarificationOut:
        return cls(id=q.id, question=q.question, options=[o.content for o in q.options])


class ContextOut(BaseModel):
    """Context for the next model call."""

    query: str
    system_prompt_addition: str = Field(description="the memories rendered for a system prompt, within the token budget")
    context_token_count: int
    memories: list[MemoryOut] = Field(description="exactly the memories in system_prompt_addition, in that order")
    clarification_question: ClarificationOut | None = Field(
        default=None, description="the user's memories disagree: ask this, then call resolve"
    )
    clarification_answered: ConflictOut | None = Field(
        default=None, description="the question the user just settled in a form the client showed"
    )
    search_mode: str = Field(description="hybrid, lexical or sql_keyword")
    degraded: bool

    @classmethod
    def of(cls, c: ContextResult) -> ContextOut:
        q = c.clarification_question
        return cls(
            query=c.query,
            system_prompt_addition=c.system_prompt_addition,
            context_token_count=c.context_token_count,
            memories=[MemoryOut.of(m) for m in c.memories],
            clarification_question=ClarificationOut.of(q) if q else None,
            search_mode=c.mode.search,
            degraded=c.mode.degraded,
        )


class SearchResult(BaseModel):
    query: str
    memories: list[MemoryOut] = Field(description="best match first")


class MemoryList(BaseModel):
    user_id: str
    memories: list[MemoryOut] = Field(description="newest first")
    next_offset: int | None = Field(description="pass as offset for the next page; null when this is the last")


class VersionOut(BaseModel):
    version: int
    change_type: str = Field(description="created, conflict_update, merged, manual_edit, archived, restored, ...")
    memory_id: str
    content: str
    previous_content: str | None
    status: str
    agent_id: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, v: MemoryVersion) -> VersionOut:
        return cls(
            version=v.version,
            change_type=v.change_type.value,
            memory_id=v.memory_id,
            content=v.content,
            previous_content=v.previous_content,
            status=v.status.value,
            agent_id=v.agent_id,
            created_at=v.created_at,
        )


class HistoryResult(BaseModel):
    memory_id: str
    versions: list[VersionOut] = Field(description="oldest first")


class DeleteResult(BaseModel):
    deleted: MemoryOut


class FeedbackOut(BaseModel):
    """What feedback did to a memory."""

    memory: MemoryOut
    kind: Literal["helpful", "wrong", "outdated"]
    action: Literal["importance_raised", "archived", "question_asked", "unchanged"]
    question: ClarificationOut | None = Field(default=None, description="outdated: the question put to the user")


class ConflictOut(BaseModel):
    """A clarification question or review item, after ``resolve``."""

    id: str
    kind: Literal["clarification", "review"]
    status: Literal["open", "resolved"]
    user_id: str
    question: str
    resolution: str | None
    resolved_at: dt.datetime | None

    @classmethod
    def of(cls, c: Conflict) -> ConflictOut:
        return cls(
            id=c.id,
            kind=c.kind,
            status=c.status,
            user_id=c.user_id,
            question=c.question,
            resolution=c.resolution,
            resolved_at=c.resolved_at,
        )


def profile_json(user_id: str, memories: list[Memory]) -> dict[str, Any]:
    """The profile resource's body: current memories grouped by category, most important first."""
    by_category: dict[str, list[dict[str, Any]]] = {}
    for m in sorted(memories, key=lambda m: -m.importance_score):
        by_category.setdefault(m.category.value, []).append(
            {"id": m.id, "content": m.content, "importance": round(m.importance_score, 4)}
        )
    return {"user_id": user_id, "memory_count": len(memories), "categories": by_category}


def graph_json(user_id: str, entities: Sequence[Entity], details: Sequence[EntityDetail]) -> dict[str, Any]:
    """The entity graph resource's body: entities, and the relations that hold now among them
    (and from them to entities further out, named in ``neighbours``)."""
    names = {e.id: e.name for e in entities} | {n.id: n.name for d in details for n in d.neighbours}
    relations = {r.id: r for d in details for r in d.relations if r.current}
    return {
        "user_id": user_id,
        "entities": [
            {"id": e.id, "kind": e.kind, "name": e.name, "roles": e.roles, "mentions": e.mentions} for e in entities
        ],
        "relations": [
            {
                "subject": names.get(r.subject_id, r.subject_id), "predicate": r.predicate,
                "object": r.value if r.value is not None else names.get(r.object_id or "", r.object_id),
                "valid_from": r.valid_from.isoformat(), "subject_id": r.subject_id, "object_id": r.object_id,
            }
            for r in sorted(relations.values(), key=lambda r: (r.valid_from, r.id))
        ],
    }  # fmt: skip

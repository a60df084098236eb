"""Memory routes: add, retrieve, list, get, edit, delete, history, archive, restore, feedback, jobs."""

from __future__ import annotations

import json
import math
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from accord.errors import InvalidInputError
from accord.domain.models import AddResult, Category, ContextResult, FeedbackResult, Job, Memory, MemoryVersion
from accord.server.deps import Caller, state_of
from accord.server.limits import quota_headers
from accord.server.schemas import (
    UUID_PATTERN,
    AddRequest,
    FeedbackRequest,
    IdQuery,
    RetrieveRequest,
    UpdateRequest,
    UuidPath,
)

__all__ = ["router"]

router = APIRouter(tags=["memories"])


@router.post("/memories/add", response_model=AddResult)
async def add(body: AddRequest, memory: Caller, request: Request, response: Response) -> AddResult:
    """Remember a conversation. A write blocked by the gate is a 200 with ``status="blocked"``;
    a rate-limited one also carries ``Retry-After``. One blocked because the tenant's backlog
    of jobs is full is a 429 with the same body and ``Retry-After``."""
    result = await memory.add(
        [m.model_dump() for m in body.messages],
        body.user_id,
        session_id=body.session_id,
        metadata=body.metadata,
        idempotency_key=body.idempotency_key,
        wait=body.wait,
        timeout=body.timeout,
    )
    meter = state_of(request).meter
    bucket = meter.bucket(memory.principal)
    meter.record(bucket, result)
    response.headers.update(meter.headers(bucket, result))
    response.headers.update(await quota_headers(memory))
    if result.blocked_reason == "backlog":
        # Too many jobs wait: the server is overloaded for this tenant, so say so in HTTP terms.
        response.status_code = 429
        response.headers["Retry-After"] = str(max(1, math.ceil(result.retry_after_seconds or 1)))
    return result


@router.post("/memories/retrieve", response_model=ContextResult)
async def retrieve(body: RetrieveRequest, memory: Caller) -> ContextResult:
    """The context for a query: ``get(query, user_id, ...)``."""
    return await memory.get(
        body.query,
        body.user_id,
        limit=body.limit,
        categories=body.categories,
        format=body.format,
        context_max_tokens=body.context_max_tokens,
        time_filter_days=body.time_filter_days,
        as_of=body.as_of,
        agent_ids=body.agent_ids,
    )


@router.get("/memories", response_model=list[Memory])
async def list_memories(
    memory: Caller,
    user_id: IdQuery,
    categories: Annotated[list[Category] | None, Query(max_length=16)] = None,
    include_archived: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    metadata: Annotated[
        str | None,
        Query(max_length=10_000, description='a JSON object of metadata paths to values: {"langgraph_store.key": "k1"}'),
    ] = None,
    job_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
) -> list[Memory]:
    """The user's memories the caller may read, newest first; optionally only those whose metadata
    matches, or that one add() wrote."""
    cats = [c.value for c in categories] if categories else None
    return await memory.list_memories(
        user_id,
        categories=cats,
        include_archived=include_archived,
        limit=limit,
        offset=offset,
        metadata=_json_object("metadata", metadata),
        job_id=job_id,
    )


@router.get("/memories/{memory_id}", response_model=Memory)
async def get_memory(memory_id: UuidPath, memory: Caller) -> Memory:
    return await memory.get_memory(memory_id)


@router.patch("/memories/{memory_id}", response_model=Memory)
async def update_memory(memory_id: UuidPath, body: UpdateRequest, memory: Caller) -> Memory:
    """Edit by hand (a ``manual_edit`` version)."""
    return await memory.update_memory(memory_id, content=body.content, importance=body.importance, category=body.category)


@router.delete("/memories/{memory_id}", response_model=Memory)
async def delete_memory(memory_id: UuidPath, memory: Caller) -> Memory:
    """Delete from every store; returns what was deleted."""
    return await memory.delete_memory(memory_id)


@router.get("/memories/{memory_id}/history", response_model=list[MemoryVersion])
async def history(memory_id: UuidPath, memory: Caller) -> list[MemoryVersion]:
    """Every version of the memory's lineage, oldest first."""
    return await memory.history(memory_id)


@router.post("/memories/{memory_id}/archive", response_model=Memory)
async def archive(memory_id: UuidPath, memory: Caller) -> Memory:
    return await memory.archive_memory(memory_id)


@router.post("/memories/{memory_id}/restore", response_model=Memory)
async def restore(memory_id: UuidPath, memory: Caller) -> Memory:
    return await memory.restore_memory(memory_id)


@router.post("/memories/{memory_id}/feedback", response_model=FeedbackResult)
async def feedback(memory_id: UuidPath, body: FeedbackRequest, memory: Caller) -> FeedbackResult:
    """An agent's word on a memory it read: helpful, wrong (archived) or outdated (the user is asked)."""
    return await memory.feedback(memory_id, body.kind, body.note)  # type: ignore[arg-type]


@router.get("/jobs/{job_id}", response_model=Job)
async def get_job(job_id: UuidPath, memory: Caller) -> Job:
    return await memory.get_job(job_id)


def _json_object(field: str, raw: str | None) -> object:
    """A JSON query parameter, decoded (the engine validates what it holds)."""
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError as e:
        raise InvalidInputError(field, f"must be a JSON object ({e.args[0] if e.args else 'invalid JSON'})") from e

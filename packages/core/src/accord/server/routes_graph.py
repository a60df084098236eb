"""Entity graph routes: a user's entities, one entity with its relations and memories, and
the entities related to it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from accord.domain.graph import Entity, EntityDetail, RelatedEntity
from accord.server.deps import Caller
from accord.server.schemas import IdPath, UuidPath

__all__ = ["router"]

router = APIRouter(tags=["graph"])

Kind = Literal["person", "organization", "place", "pet", "product", "topic"]


@router.get("/users/{user_id}/entities", response_model=list[Entity])
async def entities(
    user_id: IdPath,
    memory: Caller,
    kind: Kind | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[Entity]:
    """The people, places and things in the user's graph, most mentioned first."""
    return await memory.entities(user_id, kind=kind, limit=limit, offset=offset)


@router.get("/entities/{entity_id}", response_model=EntityDetail)
async def entity(entity_id: UuidPath, memory: Caller, as_of: dt.datetime | None = None) -> EntityDetail:
    """One entity with its relations (current and superseded), neighbours and memories."""
    return await memory.entity(entity_id, as_of=as_of)


@router.get("/entities/{entity_id}/related", response_model=list[RelatedEntity])
async def related(
    entity_id: UuidPath,
    memory: Caller,
    depth: Annotated[int, Query(ge=1, le=3)] = 1,
    as_of: dt.datetime | None = None,
) -> list[RelatedEntity]:
    """Entities up to ``depth`` hops away through relations held now (or ``as_of``)."""
    return await memory.related(entity_id, depth=depth, as_of=as_of)

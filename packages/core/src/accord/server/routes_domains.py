"""Domain schema routes: the tenant's setting, custom schemas, users' domain profiles.

Each route is the engine method of the same name on the caller's view, so the engine's own
checks decide who may do what (admins set and register; readers of a user read profiles).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from accord.domain.domains.profiles import DomainProfile, DomainSchemaInfo, DomainSetting, EdTechProfile, SupportProfile
from accord.server.deps import Caller
from accord.server.schemas import IdPath, _Body

__all__ = ["router"]

router = APIRouter(tags=["domains"])


class DomainSettingRequest(_Body):
    domain_schema: Annotated[str, Field(min_length=1, max_length=48)]


class SchemaUpload(_Body):
    # A schema document (a mapping), or its JSON or YAML text.
    schema_: Annotated[dict[str, Any] | Annotated[str, Field(max_length=64_000)], Field(alias="schema")]


@router.get("/domain", response_model=DomainSetting)
async def get_domain_schema(memory: Caller) -> DomainSetting:
    """The tenant's domain schema (``general`` when none is set)."""
    return await memory.get_domain_schema()


@router.put("/domain", response_model=DomainSetting)
async def set_domain_schema(body: DomainSettingRequest, memory: Caller) -> DomainSetting:
    """Set the tenant's domain schema: ``general``, ``edtech``, ``support``, ``name`` or ``name@version``."""
    return await memory.set_domain_schema(body.domain_schema)


@router.get("/domain/schemas", response_model=list[DomainSchemaInfo])
async def list_domain_schemas(memory: Caller) -> list[DomainSchemaInfo]:
    """The built-in schemas and every version of the tenant's own."""
    return await memory.list_domain_schemas()


@router.post("/domain/schemas", response_model=DomainSchemaInfo, status_code=201)
async def register_domain_schema(body: SchemaUpload, memory: Caller) -> DomainSchemaInfo:
    """Register a custom schema (its next version); a bad document is a 422 naming the part."""
    return await memory.register_domain_schema(body.schema_)


@router.get("/users/{user_id}/domain", response_model=DomainProfile | EdTechProfile | SupportProfile)
async def get_domain_profile(user_id: IdPath, memory: Caller) -> DomainProfile | EdTechProfile | SupportProfile:
    """The user's profile under the tenant's domain schema."""
    return await memory.get_domain_profile(user_id)


@router.get("/users/{user_id}/domain/edtech", response_model=EdTechProfile)
async def get_edtech_profile(user_id: IdPath, memory: Caller) -> EdTechProfile:
    return await memory.get_edtech_profile(user_id)


@router.get("/users/{user_id}/domain/support", response_model=SupportProfile)
async def get_support_profile(user_id: IdPath, memory: Caller) -> SupportProfile:
    return await memory.get_support_profile(user_id)

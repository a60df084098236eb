"""The remote client's domain schema methods (a mixin of :class:`AsyncRemoteAccord`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from accord.domain.domains.profiles import DomainProfile, DomainSchemaInfo, DomainSetting, EdTechProfile, SupportProfile
from accord.domain.domains.schema import DomainSchema, parse_schema_document
from accord.errors import InvalidInputError

__all__ = ["RemoteDomainAPI"]


def _user(user_id: object) -> str:
    if not isinstance(user_id, str) or not user_id:
        raise InvalidInputError("user_id", "must be a non-empty string")
    return f"/users/{quote(user_id, safe='')}/domain"


class RemoteDomainAPI:
    async def _call(self, method: str, path: str, **kw: Any) -> Any: ...  # AsyncRemoteAccord's

    async def set_domain_schema(self, domain_schema: str) -> DomainSetting:
        return DomainSetting.model_validate(await self._call("PUT", "/domain", json={"domain_schema": domain_schema}))

    async def get_domain_schema(self) -> DomainSetting:
        return DomainSetting.model_validate(await self._call("GET", "/domain"))

    async def register_domain_schema(self, schema: Any) -> DomainSchemaInfo:
        # A pydantic model class cannot travel: it is validated here and sent as its document.
        if isinstance(schema, (type, DomainSchema)):
            schema = parse_schema_document(schema).model_dump(mode="json", exclude_none=True)
        return DomainSchemaInfo.model_validate(await self._call("POST", "/domain/schemas", json={"schema": schema}))

    async def list_domain_schemas(self) -> list[DomainSchemaInfo]:
        return [DomainSchemaInfo.model_validate(s) for s in await self._call("GET", "/domain/schemas")]

    async def get_domain_profile(self, user_id: str) -> DomainProfile | EdTechProfile | SupportProfile:
        got = await self._call("GET", _user(user_id))
        kind = DomainProfile if "domain_schema" in got else EdTechProfile if "weak_topics" in got else SupportProfile
        return kind.model_validate(got)  # type: ignore[no-any-return]

    async def get_edtech_profile(self, user_id: str) -> EdTechProfile:
        return EdTechProfile.model_validate(await self._call("GET", f"{_user(user_id)}/edtech"))

    async def get_support_profile(self, user_id: str) -> SupportProfile:
        return SupportProfile.model_validate(await self._call("GET", f"{_user(user_id)}/support"))

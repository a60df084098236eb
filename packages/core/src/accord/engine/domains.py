"""Domain schemas in the engine: the tenant's setting, the overlay on a job, the block on get.

``DomainOverlay`` is what the worker and ``get()`` call (a few lines each); ``DomainAPI`` is a
mixin of :class:`accord.AsyncAccord` with the public methods. The logic is pure, in
:mod:`accord.domain.domains`; this module reads and writes the store around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.domain.domains import block as blocks
from accord.domain.domains.edtech import EDTECH, observe_edtech
from accord.domain.domains.observation import from_extracted, to_extracted
from accord.domain.domains.observe import observe
from accord.domain.domains.profile import edtech_profile, fold, support_profile, values_of
from accord.domain.domains.profiles import (
    DomainProfile,
    DomainSchemaInfo,
    DomainSetting,
    EdTechProfile,
    SupportProfile,
)
from accord.domain.domains.schema import BUILTIN_NAMES, DomainSchema, parse_schema_document
from accord.domain.domains.support import SUPPORT, signals
from accord.domain.models import ContextResult, ExtractedMemory, Job, Memory, Message
from accord.domain.tokens import count_tokens
from accord.domain.validation import check_identifier
from accord.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from accord.ports import SHARED_USER_ID

if TYPE_CHECKING:
    from accord.domain.principal import Principal
    from accord.engine.authz import Authorizer
    from accord.engine.components import Components

__all__ = ["BUILTIN_SCHEMAS", "DomainAPI", "DomainBlock", "DomainOverlay"]

BUILTIN_SCHEMAS: dict[str, DomainSchema] = {"edtech": EDTECH, "support": SUPPORT}
_SETTING = re.compile(r"^[a-z][a-z0-9_]{1,31}(?:@[0-9]{1,9})?$")
_CACHE_SECONDS = 5.0  # how long a process trusts its copy of a tenant's setting (a set() here clears it)


class DomainOverlay:
    def __init__(self, parts: Components) -> None:
        self.parts = parts
        self._cache: dict[str, tuple[float, DomainSchema | None]] = {}

    async def schema_for(self, tenant_id: str) -> DomainSchema | None:
        """The tenant's schema in force, or None for ``general``."""
        now = self.parts.clock.now().timestamp()
        hit = self._cache.get(tenant_id)
        if hit is not None and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
        store = self.parts.store.domains
        setting = await store.get_setting(tenant_id)
        schema: DomainSchema | None = None
        if setting is not None and setting[0] in BUILTIN_SCHEMAS:
            schema = BUILTIN_SCHEMAS[setting[0]]
        elif setting is not None and setting[0] != "general":
            row = await store.get_schema(tenant_id, setting[0], setting[1])
            schema = DomainSchema.model_validate(row[1]) if row is not None else None
        self._cache[tenant_id] = (now, schema)
        return schema

    def forget(self, tenant_id: str) -> None:
        self._cache.pop(tenant_id, None)

    async def _known(self, schema: DomainSchema, tenant_id: str, user_id: str) -> dict[str, list[str]]:
        values = values_of(schema.name, await self._memories(schema, tenant_id, user_id, None))
        known = {field: [i for i in items if i] for field, items in values.items()}
        if schema.name == "support":
            issues = values.get("issue", {})
            known["open_issue"] = [i for i, (v, _, m) in sorted(issues.items(), key=lambda kv: kv[1][2].created_at) if i and v == "open"]
        return known

    async def overlay(self, job: Job, messages: Sequence[Message], extracted: list[ExtractedMemory]) -> list[ExtractedMemory]:
        """The extraction with the domain's memories added (before it is saved on the job)."""
        schema = await self.schema_for(job.tenant_id)
        if schema is None:
            return extracted
        known = await self._known(schema, job.tenant_id, job.user_id)
        found = observe(schema, messages, job.created_at, extracted=extracted, known=known)
        observer = self.parts.domain_observer
        if observer is not None:
            read = await observer.observe(schema, messages, known, job.created_at.date().isoformat())
            if read is not None:
                # The model's reading wins per (field, item); the rules fill in what it left out.
                said = {(o.field, o.item) for o in read}
                found = [*read, *(o for o in found if (o.field, o.item) not in said)]
        return [*extracted, *to_extracted(schema, found)]

    async def record(
        self, job: Job, extracted: Sequence[ExtractedMemory], messages: Sequence[Message], can_write: Callable[[str], bool]
    ) -> None:
        """Fold the job's observations and mood into the user's domain state (once per job).

        Only what the writing agent may write is folded: observations of the categories of its
        grant, and mood and practice (read from the raw turns) only with the episodic category.
        """
        extracted = [e for e in extracted if can_write(e.category.value)]
        turns = can_write("episodic")
        names = {(e.resolution_hint or {}).get("domain") for e in extracted} - {None}
        schema = await self.schema_for(job.tenant_id)
        if schema is not None and turns:
            names.add(schema.name)
        for name in sorted(n for n in names if n):
            found = from_extracted(extracted, name)
            sig = signals(messages) if name == "support" and turns else None
            if not found and sig is None and name != "edtech":
                continue
            when = job.created_at

            def change(state: dict[str, Any], found: Any = found, sig: Any = sig, name: str = name) -> dict[str, Any]:
                if name == "edtech" and turns:
                    # Practice is an event, not a value: read again from the turns (pure, so a
                    # replay finds the same), for the topics the state already follows.
                    known = {"topic": list(state.get("topics", {}))}
                    found = [*found, *(o for o in observe_edtech(messages, when, known) if o.value == "practised")]
                return fold(state, found, sig, job_id=job.id, when=when)

            await self.parts.store.domains.update_state(job.tenant_id, job.user_id, name, change, self.parts.clock.now())

    async def _memories(self, schema: DomainSchema, tenant_id: str, user_id: str, categories: Sequence[str] | None) -> list[Any]:
        """The user's and the tenant's shared memories of the schema's fields, in one query."""
        return await self.parts.store.domains.domain_memories(tenant_id, [user_id, SHARED_USER_ID], schema.name, categories)

    async def profile(
        self, schema: DomainSchema, tenant_id: str, user_id: str, categories: Sequence[str] | None
    ) -> EdTechProfile | SupportProfile | DomainProfile:
        """The user's profile for ``schema``, from the memories of ``categories`` (None: all)."""
        now = self.parts.clock.now()
        values = values_of(schema.name, await self._memories(schema, tenant_id, user_id, categories))
        state = await self.parts.store.domains.get_state(tenant_id, user_id, schema.name)
        if schema.name == "edtech":
            return edtech_profile(user_id, values, state, now)
        if schema.name == "support":
            return support_profile(user_id, values, state, now)
        fields: dict[str, Any] = {}
        for spec in schema.fields:
            got = values.get(spec.name, {})
            if spec.many:
                fields[spec.name] = {k: v[0] for k, v in got.items() if k}
            elif None in got:
                fields[spec.name] = got[None][0]
        p = DomainProfile(user_id=user_id, domain_schema=schema.name, version=schema.version, fields=fields)
        titles = {f.name: f.title for f in schema.fields}
        return p.model_copy(update={"summary": " ".join(blocks.custom_sentences(p, schema.context_template, titles))})

    async def block(self, tenant_id: str, user_id: str, categories: Sequence[str], max_tokens: int) -> DomainBlock:
        """The domain block for ``get()`` (empty when the tenant has no domain or nothing is known)."""
        schema = await self.schema_for(tenant_id)
        if schema is None or not categories:
            return DomainBlock()
        p = await self.profile(schema, tenant_id, user_id, categories)
        now = self.parts.clock.now()
        if isinstance(p, EdTechProfile):
            sentences = blocks.edtech_sentences(p, now)
        elif isinstance(p, SupportProfile):
            sentences = blocks.support_sentences(p, now)
        else:
            sentences = [p.summary] if p.summary else []
        # The block may take at most half the budget: the memories still get the rest.
        return DomainBlock(blocks.fit_block(sentences, max(1, max_tokens // 2)), f"{schema.name}.")


@dataclass(frozen=True, slots=True)
class DomainBlock:
    """The block ``get()`` puts first, and the attribute key prefix of the memories it says."""

    text: str = ""
    prefix: str = ""

    def budget(self, fmt: str, max_tokens: int) -> int:
        """What is left of ``max_tokens`` for the memories once the block is in."""
        if not self.text:
            return max_tokens
        empty = blocks.EMPTY_CONTEXT[fmt]
        cost = count_tokens(blocks.with_block(empty, fmt, self.text)) - count_tokens(empty) + 1
        return max(1, max_tokens - cost)

    def covers(self, ranked: Sequence[Memory]) -> set[str]:
        """The ranked memories the block already says (returned by get(), not rendered again)."""
        return {m.id for m in ranked if self.text and (m.attribute_key or "").startswith(self.prefix)}

    def prepend(self, result: ContextResult, fmt: str, max_tokens: int) -> ContextResult:
        """The context with the block first, when it fits the budget (it was reserved for)."""
        if not self.text:
            return result
        text = blocks.with_block(result.system_prompt_addition, fmt, self.text)
        tokens = count_tokens(text)
        if tokens > max_tokens:
            return result
        return result.model_copy(update={"system_prompt_addition": text, "context_token_count": tokens})


class DomainAPI:
    """The engine's domain schema methods (a mixin of :class:`accord.AsyncAccord`)."""

    parts: Components
    _principal: Principal
    _authz: Authorizer
    _domains: DomainOverlay

    async def set_domain_schema(self, domain_schema: str) -> DomainSetting:
        """Set the tenant's domain schema (tenant admins): ``general``, ``edtech``, ``support``,
        or a registered custom schema's name (``hr``: its newest version; ``hr@2``: that one)."""
        self._authz.require_admin(self._principal, "set the domain schema")
        await self._require_tenant()
        if not isinstance(domain_schema, str) or not _SETTING.match(domain_schema):
            raise InvalidInputError("domain_schema", "must be a schema name (general, edtech, support, hr), optionally @version (hr@2)")
        name, _, raw_version = domain_schema.partition("@")
        tenant, store = self._principal.tenant_id, self.parts.store.domains
        version: int | None = None
        if name not in BUILTIN_NAMES:
            if raw_version and not raw_version.isdigit():
                raise InvalidInputError("domain_schema", "a version after @ must be a number (hr@2)")
            row = await store.get_schema(tenant, name, int(raw_version) if raw_version else None)
            if row is None:
                raise InvalidInputError(
                    "domain_schema", f"{domain_schema!r} is not 'general', 'edtech', 'support' or a registered schema of this tenant"
                )
            version = row[0]
        elif raw_version:
            raise InvalidInputError("domain_schema", "built-in schemas have no versions")
        now = self.parts.clock.now()
        await store.set_setting(tenant, name, version, now)
        self._domains.forget(tenant)
        return DomainSetting(tenant_id=tenant, domain_schema=name, version=version, updated_at=now)

    async def get_domain_schema(self) -> DomainSetting:
        """The tenant's domain schema (``general`` when none was set)."""
        await self._require_tenant()
        got = await self.parts.store.domains.get_setting(self._principal.tenant_id)
        if got is None:
            return DomainSetting(tenant_id=self._principal.tenant_id, domain_schema="general")
        return DomainSetting(tenant_id=self._principal.tenant_id, domain_schema=got[0], version=got[1], updated_at=got[2])

    async def register_domain_schema(self, schema: Any) -> DomainSchemaInfo:
        """Register a custom schema (tenant admins): a dict, a JSON or YAML text, or a pydantic
        model class. Validated first (``InvalidInputError`` names the offending part); each upload
        of a name is its next version. It applies once ``set_domain_schema(name)`` selects it."""
        self._authz.require_admin(self._principal, "register domain schemas")
        await self._require_tenant()
        parsed = parse_schema_document(schema)
        document = parsed.model_dump(mode="json", exclude_none=True)
        now = self.parts.clock.now()
        version = await self.parts.store.domains.add_schema(self._principal.tenant_id, parsed.name, document, now)
        self._domains.forget(self._principal.tenant_id)
        return DomainSchemaInfo(name=parsed.name, version=version, builtin=False, created_at=now, document={**document, "version": version})

    async def list_domain_schemas(self) -> list[DomainSchemaInfo]:
        """The built-in schemas and every version of the tenant's own."""
        await self._require_tenant()
        out = [DomainSchemaInfo(name=n, version=1, builtin=True, document=s.model_dump(mode="json", exclude_none=True))
               for n, s in BUILTIN_SCHEMAS.items()]
        rows = await self.parts.store.domains.list_schemas(self._principal.tenant_id)
        return out + [DomainSchemaInfo(name=n, version=v, builtin=False, created_at=c, document=d) for n, v, d, c in rows]

    async def _domain_profile(self, user_id: str, want: str | None) -> EdTechProfile | SupportProfile | DomainProfile:
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        access = await self._authz.access(self._principal, user_id)
        if not access.read:
            raise PermissionDeniedError(f"this caller may not read the memory of user {user_id!r}")
        schema = BUILTIN_SCHEMAS[want] if want else await self._domains.schema_for(self._principal.tenant_id)
        if schema is None:
            raise NotFoundError("this tenant has no domain schema: set one with set_domain_schema()")
        return await self._domains.profile(schema, self._principal.tenant_id, user_id, sorted(access.read))

    async def get_edtech_profile(self, user_id: str) -> EdTechProfile:
        """The student's EdTech profile: grade, board, exams, weak and strong topics with review
        urgency from the forgetting curve, learning style, session preferences."""
        return await self._domain_profile(user_id, "edtech")  # type: ignore[return-value]

    async def get_support_profile(self, user_id: str) -> SupportProfile:
        """The customer's Support profile: open issues first with their history, plan, products,
        preferences, support type, sentiment trend and escalation risk."""
        return await self._domain_profile(user_id, "support")  # type: ignore[return-value]

    async def get_domain_profile(self, user_id: str) -> DomainProfile | EdTechProfile | SupportProfile:
        """The user's profile under the tenant's domain schema, whichever it is."""
        return await self._domain_profile(user_id, None)

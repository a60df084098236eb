"""Request and response bodies of the REST API. Fields and defaults are the Python API's.

Bounds here keep malformed or absurd input out (a 422 naming the field); the engine then
applies its own checks (a 400 naming the field). Numbers and booleans are strict, as in the
MCP tools: ``"limit": "5"``, ``"limit": true`` and ``"wait": "yes"`` are refused, not coerced. No body carries a tenant or agent identity
except the operator's and admins' own administration requests.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path as InPath
from fastapi import Query
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from accord.domain.models import ContextFormat, Role, ServiceMode
from accord.domain.validation import ID_PATTERN, MAX_LIMIT, MAX_QUERY_CHARS, UUID_PATTERN
from accord.engine.engine import MAX_CONTEXT_TOKENS
from accord.domain.passport import Agent, IssuedKey, IssuedToken

__all__ = [
    "ID_PATTERN",
    "KEY_ID_PATTERN",
    "UUID_PATTERN",
    "AddRequest",
    "AgentCreated",
    "AgentRequest",
    "ConsentRequest",
    "Count",
    "GrantIdPath",
    "GrantRequest",
    "Health",
    "IdPath",
    "IdQuery",
    "KeyIdPath",
    "MessageIn",
    "OptionalIdQuery",
    "ResolveRequest",
    "RetrieveRequest",
    "RotateRequest",
    "TenantRequest",
    "UpdateRequest",
    "UuidPath",
    "WhoAmI",
]

_EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
MAX_TEXT = 1_000_000  # a hard cap per string; the engine's own limit (max_message_chars) is lower


def _in_range(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if not _EARLIEST <= aware <= _LATEST:
        raise ValueError("must be between the years 1900 and 9000")
    return value


# The engine's own formats (accord.domain.validation), so the schema says what the engine accepts.
KEY_ID_PATTERN = r"^[0-9a-f]{12}$"

Timestamp = Annotated[dt.datetime, AfterValidator(_in_range)]
Id = Annotated[str, Field(min_length=1, max_length=128, pattern=ID_PATTERN)]
# Path and query parameters.
UuidPath = Annotated[str, InPath(pattern=UUID_PATTERN, description="an id (a lowercase UUID)")]
IdPath = Annotated[str, InPath(max_length=128, pattern=ID_PATTERN)]
KeyIdPath = Annotated[str, InPath(pattern=KEY_ID_PATTERN, description="a key id: the 12 hex after `acc_`")]
GrantIdPath = Annotated[str, InPath(pattern=UUID_PATTERN, description="a grant id (a lowercase UUID)")]
IdQuery = Annotated[str, Query(max_length=128, pattern=ID_PATTERN)]
OptionalIdQuery = Annotated[str | None, Query(max_length=128, pattern=ID_PATTERN)]
Categories = Annotated[list[Annotated[str, Field(max_length=32)]], Field(min_length=1, max_length=16)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MessageIn(_Body):
    """One turn: ``role`` and ``content``, optionally a speaker ``name``, when it was said, metadata."""

    role: Role
    content: Annotated[str, Field(max_length=MAX_TEXT)]
    name: Annotated[str, Field(max_length=128)] | None = None
    created_at: Timestamp | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


def _as_turns(value: object) -> object:
    """As in the Python API, a plain string (alone or in the list) is a user turn."""
    if isinstance(value, str | dict):
        value = [value]
    if isinstance(value, list):
        return [{"role": "user", "content": v} if isinstance(v, str) else v for v in value]
    return value


class AddRequest(_Body):
    """``add(messages, user_id, ...)``."""

    messages: Annotated[
        list[MessageIn],
        BeforeValidator(_as_turns),
        Field(max_length=10_000, description="the turns; a plain string (alone or in the list) is a user turn"),
    ]
    user_id: Id
    session_id: Id | None = None
    metadata: dict[str, Any] | None = None
    idempotency_key: Annotated[str, Field(max_length=200)] | None = None
    wait: StrictBool = False
    timeout: Annotated[float, Field(gt=0, le=300, strict=True)] = 60.0


class RetrieveRequest(_Body):
    """``get(query, user_id, ...)``."""

    query: Annotated[str, Field(max_length=MAX_QUERY_CHARS * 4)]
    user_id: Id
    limit: Annotated[StrictInt, Field(ge=1, le=MAX_LIMIT)] = 10
    categories: Categories | None = None
    format: ContextFormat = "bullets"
    context_max_tokens: Annotated[StrictInt, Field(ge=1, le=MAX_CONTEXT_TOKENS)] = 1000
    time_filter_days: Annotated[float, Field(gt=0, le=100_000, strict=True)] | None = None
    as_of: Timestamp | None = None
    agent_ids: Annotated[list[Id], Field(min_length=1, max_length=100)] | None = None


class UpdateRequest(_Body):
    """``update_memory(id, content=, importance=, category=)``: give at least one."""

    content: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    importance: Annotated[float, Field(ge=0, le=1, strict=True)] | None = None
    category: Annotated[str, Field(max_length=32)] | None = None


class FeedbackRequest(_Body):
    """``feedback(id, kind, note)``: kind is helpful, wrong or outdated (the engine checks it)."""

    kind: Annotated[StrictStr, Field(max_length=32)]
    note: Annotated[StrictStr, Field(max_length=2_000)] | None = None


class ResolveRequest(_Body):
    """An option number, a memory id, ``keep_existing`` / ``accept_new`` / ``keep_both``, or words."""

    answer: Annotated[StrictStr, Field(max_length=2_000)] | StrictInt


class ConsentRequest(_Body):
    """A user's word on one agent; ``user_id`` only for admins acting for a user."""

    granted: StrictBool
    categories: Categories | None = None
    user_id: Id | None = None


class TenantRequest(_Body):
    tenant_id: Id
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    memory_quota: Annotated[StrictInt, Field(ge=1, le=10**12)] | None = None


class AgentRequest(_Body):
    name: Id
    role: Literal["agent", "admin"] = "agent"


class AgentCreated(BaseModel):
    """A new agent and its first key (shown once)."""

    agent: Agent
    key: IssuedKey


class UserTokenIssued(BaseModel):
    """A new user token (shown once). ``key`` is the name every credential uses; ``token`` carries
    the same value for clients written before the rename (deprecated)."""

    key: str
    token_id: str
    user_id: str
    created_at: dt.datetime
    token: str = Field(deprecated=True)

    @classmethod
    def of(cls, issued: IssuedToken) -> UserTokenIssued:
        return cls(key=issued.key, token_id=issued.token_id, user_id=issued.user_id, created_at=issued.created_at, token=issued.key)


class RotateRequest(_Body):
    overlap_seconds: Annotated[float, Field(ge=0, le=366 * 86_400, strict=True)] = 3600.0


class GrantRequest(_Body):
    agent_id: Id
    access: Literal["read_only", "read_write"]
    categories: Categories | None = None
    user_id: Id | None = None
    expires_at: Timestamp | None = None


class Count(BaseModel):
    count: int


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    mode: ServiceMode


class WhoAmI(BaseModel):
    """The principal a key stands for."""

    tenant_id: str
    agent_id: str | None
    role: Literal["owner", "admin", "agent", "user"]
    user_id: str | None = None
    key_id: str | None = None

"""Identity records as callers see them. Secrets appear only in ``IssuedKey`` / ``IssuedToken``,
which are returned once and never stored."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from accord.domain.webhooks import GateRecord

__all__ = ["Tenant", "Agent", "ApiKeyInfo", "IssuedKey", "Grant", "Consent", "IssuedToken", "UserExport"]

AgentRole = Literal["agent", "admin"]
AccessLevel = Literal["read_only", "read_write"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tenant(_Frozen):
    id: str
    name: str
    memory_quota: int | None
    created_at: dt.datetime


class Agent(_Frozen):
    id: str
    tenant_id: str
    name: str
    role: AgentRole
    created_at: dt.datetime
    disabled_at: dt.datetime | None = None


class ApiKeyInfo(_Frozen):
    """A key without its secret: safe to list and log."""

    key_id: str
    agent_id: str
    tenant_id: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    replaced_by: str | None = None


class IssuedKey(_Frozen):
    """A newly issued key. ``key`` is shown this once; store it like a password."""

    key: str = Field(repr=False)
    info: ApiKeyInfo


class Grant(_Frozen):
    id: str
    tenant_id: str
    agent_id: str
    access: AccessLevel
    categories: list[str] | None
    user_id: str | None
    expires_at: dt.datetime | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


class Consent(_Frozen):
    """A user's own word on one agent: ``granted`` (optionally to some categories) or not."""

    tenant_id: str
    user_id: str
    agent_id: str
    granted: bool
    categories: list[str] | None
    updated_at: dt.datetime


class IssuedToken(_Frozen):
    """A user token (``acu_...``): lets a user manage consent and export or erase their own memory.

    ``key`` is shown this once, like :attr:`IssuedKey.key`; every credential Accord issues is
    read from ``.key``. ``.token`` is the old name, kept as a deprecated alias (and still
    accepted as input, so a client reads a server that sends it).
    """

    key: str = Field(repr=False, validation_alias=AliasChoices("key", "token"))
    token_id: str
    user_id: str
    created_at: dt.datetime

    @model_validator(mode="before")
    @classmethod
    def _one_name(cls, data: object) -> object:
        """A reply that carries both names (REST sends ``token`` beside ``key`` for old clients)
        is one credential, not an extra field."""
        if isinstance(data, dict) and "key" in data and data.get("token", data["key"]) == data["key"]:
            return {k: v for k, v in data.items() if k != "token"}
        return data

    @property
    def token(self) -> str:
        """Deprecated: the same value as :attr:`key`."""
        warnings.warn("IssuedToken.token is deprecated; use IssuedToken.key", DeprecationWarning, stacklevel=2)
        return self.key


class UserExport(_Frozen):
    """Everything about one user (GDPR-style export)."""

    user_id: str
    tenant_id: str
    exported_at: dt.datetime
    memories: list[dict[str, object]]
    versions: list[dict[str, object]]
    messages: list[dict[str, object]]
    grants: list[Grant]
    consents: list[Consent]
    conflicts: list[dict[str, object]]
    domain: list[dict[str, object]] = []  # domain states (review cards, issue histories, mood)
    # The entity graph, by table: entities, entity_aliases, relations, entity_mentions.
    graph: dict[str, list[dict[str, object]]] = Field(default_factory=dict)
    # The adds of this user the gate refused: reason, size and time, never the content (none is kept).
    quality_log: list[GateRecord] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoredKey:
    """What the identity store keeps of a key: never the key, only its hash and its state."""

    key_id: str
    kind: str  # "agent" | "user"
    tenant_id: str
    agent_id: str | None
    user_id: str | None
    secret_hash: str
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

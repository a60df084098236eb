"""Who is calling: the verified identity every engine call runs for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Principal"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, established only from a verified key (or the embedded owner).

    Every store and index call is scoped to ``tenant_id``. Roles: ``owner`` (the embedded
    engine or the server operator: everything, every tenant), ``admin`` (a tenant's
    administrator), ``agent`` (what its grants and the users' consent allow), ``user`` (a
    user token: their own memory and consent).
    """

    tenant_id: str
    agent_id: str | None
    role: Literal["owner", "admin", "agent", "user"] = "owner"
    user_id: str | None = None
    key_id: str | None = None

    @property
    def is_privileged(self) -> bool:
        return self.role in ("owner", "admin")

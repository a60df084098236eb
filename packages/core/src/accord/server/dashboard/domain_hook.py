"""The one place the dashboard asks for domain profiles (issue 15's engine API).

The tenant's ``domain_schema`` decides: with ``general`` the Domain page says that no domain
schema is on; otherwise it shows each user's profile under that schema (EdTech, Support or a
tenant's own), as ``get_domain_profile(user_id)`` returns it.
"""

from __future__ import annotations

from typing import Any

from accord.engine.engine import AsyncAccord
from accord.errors import AccordError

__all__ = ["domain_profiles", "offered_domains"]


async def offered_domains(view: AsyncAccord) -> list[str]:
    """The tenant's domain schema as a one-item list; empty when it is ``general`` (or unreadable)."""
    try:
        setting = await view.get_domain_schema()
    except AccordError:
        return []
    return [] if setting.domain_schema == "general" else [setting.domain_schema]


async def domain_profiles(view: AsyncAccord, user_id: str) -> dict[str, dict[str, Any] | str]:
    """The user's profile under the tenant's schema as a flat dict, or the reason it could not be read."""
    out: dict[str, dict[str, Any] | str] = {}
    for name in await offered_domains(view):
        try:
            profile = await view.get_domain_profile(user_id)
        except AccordError as e:
            out[name] = str(e)
            continue
        out[name] = profile.model_dump(mode="json")
    return out

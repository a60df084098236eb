"""THE HOOK for domain views (issue 15): the one place the dashboard asks for domain profiles.

The engine offers a domain's profiles through methods named in ``PROFILE_METHODS``
(``get_edtech_profile(user_id)``, ``get_support_profile(user_id)``). When the engine has none
of them, or none answers, the Domain page says that no domain schema is on. To connect a
different signature, change only :func:`domain_profiles`.
"""

from __future__ import annotations

from typing import Any

from accord.engine.engine import AsyncAccord
from accord.errors import AccordError

__all__ = ["PROFILE_METHODS", "domain_profiles", "offered_domains"]

PROFILE_METHODS: dict[str, str] = {"student": "get_edtech_profile", "support": "get_support_profile"}


def offered_domains(view: AsyncAccord) -> list[str]:
    """The profile kinds this engine can serve (empty: no domain schema support)."""
    return [kind for kind, name in PROFILE_METHODS.items() if callable(getattr(view, name, None))]


async def domain_profiles(view: AsyncAccord, user_id: str) -> dict[str, dict[str, Any] | str]:
    """Each offered profile of ``user_id`` as a flat dict, or the reason it could not be read."""
    out: dict[str, dict[str, Any] | str] = {}
    for kind in offered_domains(view):
        method = getattr(view, PROFILE_METHODS[kind])
        try:
            profile = await method(user_id)
        except AccordError as e:  # e.g. the tenant has no such domain schema on
            out[kind] = str(e)
            continue
        if profile is None:
            continue
        out[kind] = profile.model_dump(mode="json") if hasattr(profile, "model_dump") else dict(profile)
    return out

"""What a caller may do for one user: plain functions over grants and consent.

An agent's **grants** (given by the tenant's admins) say the most it may do: ``read_only``
or ``read_write`` over a set of categories (None: all), for one user or for every user of
the tenant, optionally until an expiry. A user's **consent** can narrow that or withdraw it:
a revoked consent leaves nothing; a granted consent with categories keeps only those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from accord.domain.models import ALL_CATEGORIES

__all__ = ["ALL_CATEGORIES", "Access", "GrantRule", "ConsentRule", "effective_access"]

@dataclass(frozen=True, slots=True)
class Access:
    read: frozenset[str]
    write: frozenset[str]

    @classmethod
    def full(cls) -> Access:
        return cls(ALL_CATEGORIES, ALL_CATEGORIES)

    @classmethod
    def none(cls) -> Access:
        return cls(frozenset(), frozenset())

    def can_read(self, category: str) -> bool:
        return category in self.read

    def can_write(self, category: str) -> bool:
        return category in self.write


@dataclass(frozen=True, slots=True)
class GrantRule:
    access: str  # "read_only" | "read_write"
    categories: Sequence[str] | None
    user_id: str | None  # None: every user of the tenant
    expires_at: dt.datetime | None = None
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class ConsentRule:
    granted: bool
    categories: Sequence[str] | None = None


def effective_access(
    grants: Iterable[GrantRule], consent: ConsentRule | None, user_id: str, now: dt.datetime
) -> Access:
    """The union of the agent's live grants for ``user_id``, narrowed by the user's consent."""
    read: set[str] = set()
    write: set[str] = set()
    for g in grants:
        if g.revoked or (g.expires_at is not None and g.expires_at <= now):
            continue
        if g.user_id is not None and g.user_id != user_id:
            continue
        cats = ALL_CATEGORIES if g.categories is None else frozenset(g.categories) & ALL_CATEGORIES
        read |= cats
        if g.access == "read_write":
            write |= cats
    if consent is not None:
        if not consent.granted:
            return Access.none()
        if consent.categories is not None:
            keep = frozenset(consent.categories)
            read &= keep
            write &= keep
    return Access(frozenset(read), frozenset(write))

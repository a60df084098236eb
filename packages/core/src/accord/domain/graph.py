"""The entity graph's public models and its pure rules (resolution, validity, supersession).

A user's graph holds **entities** (the user, people by name or role, organisations, places,
pets, products, topics) and **relations** between them, each with a validity interval. A
relation that a newer statement contradicts (an exclusive predicate with another object:
Anna ``works_at`` Acme, then Globex) is *invalidated*, never deleted: it keeps its row with
``valid_to`` set and ``superseded_by`` naming the relation that replaced it, so ``as_of``
and history see it. Every entity and relation belongs to one tenant and one user; nothing
here ever compares entities of two users.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from accord.domain.models import Memory

__all__ = [
    "EntityKind",
    "ENTITY_KINDS",
    "Entity",
    "Relation",
    "EntityDetail",
    "RelatedEntity",
    "alias_key",
    "held_at",
    "Supersession",
    "supersessions",
]

EntityKind = Literal["user", "person", "organization", "place", "pet", "product", "topic"]
ENTITY_KINDS: tuple[str, ...] = ("user", "person", "organization", "place", "pet", "product", "topic")
# The alias every user's own node carries, so "I" and "the user" resolve to it.
USER_ALIAS = "@user"
# The alias of a speaker of a group conversation: a participant, like the user, not someone
# the conversation is about; walks do not pass through them and queries do not expand from them.
SPEAKER_ALIAS = "@speaker"
HUB_ALIASES = (USER_ALIAS, SPEAKER_ALIAS)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Entity(_Frozen):
    """One person, place or thing in a user's life. ``roles`` are what the user calls them
    ("wife", "manager"); ``aliases`` every name and role they were resolved from."""

    id: str
    user_id: str
    kind: EntityKind
    name: str
    roles: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    mentions: int = 0
    created_at: dt.datetime
    updated_at: dt.datetime


class Relation(_Frozen):
    """``subject --predicate--> object`` (another entity) or ``--predicate--> value`` (a
    literal such as an occupation). ``valid_to`` is set when a newer statement superseded
    it; ``memory_id`` is the memory that said it."""

    id: str
    user_id: str
    subject_id: str
    predicate: str
    object_id: str | None = None
    value: str | None = None
    valid_from: dt.datetime
    valid_to: dt.datetime | None = None
    superseded_by: str | None = None
    memory_id: str | None = None
    created_at: dt.datetime

    @property
    def current(self) -> bool:
        return self.valid_to is None


class EntityDetail(_Frozen):
    """What ``entity(id)`` returns: the entity, its relations (both directions, current and
    past, or those held ``as_of``), the entities at their other end, and the memories that
    mention it that the caller may read, newest first."""

    entity: Entity
    relations: list[Relation]
    neighbours: list[Entity]
    memories: list[Memory] = Field(default_factory=list)


class RelatedEntity(_Frozen):
    """An entity reached from another in ``depth`` hops, through ``via`` (relation ids)."""

    entity: Entity
    depth: int
    via: list[str]


_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


def alias_key(text: str) -> str:
    """The form names and roles are matched in: lower case, single spaces, no edge
    punctuation ("St. Mary's" -> "st. mary's", " Anna! " -> "anna")."""
    return _EDGE_PUNCT.sub("", _SPACES.sub(" ", text.strip().lower()))


def held_at(r: Relation, when: dt.datetime) -> bool:
    """Whether the relation held at ``when``: from ``valid_from`` up to (not including) ``valid_to``."""
    return r.valid_from <= when and (r.valid_to is None or when < r.valid_to)


@dataclass(frozen=True, slots=True)
class Supersession:
    """Close ``old_id`` at ``valid_to`` because ``by_id`` replaced it."""

    old_id: str
    by_id: str
    valid_to: dt.datetime


def supersessions(new: Relation, existing: Iterable[Relation], exclusive: bool) -> tuple[Relation, list[Supersession]]:
    """How a new relation enters the timeline of its (subject, predicate).

    Rules, in order:
    1. The same statement already current (same object or value): nothing changes; the
       caller keeps the stored one (``new`` is returned with the stored id).
    2. Not ``exclusive`` (likes, knows): the new relation is added beside the others.
    3. Exclusive, said after the current one: the current one is closed at the new one's
       ``valid_from`` and points to it.
    4. Exclusive, said *before* the current one (an older message arriving late): it never
       supersedes a newer statement; it is stored as a past value, closed at the current
       one's ``valid_from``.
    """
    same_slot = [r for r in existing if r.subject_id == new.subject_id and r.predicate == new.predicate]
    for r in same_slot:
        if r.current and r.object_id == new.object_id and r.value == new.value:
            return r, []
    if not exclusive:
        return new, []
    current = [r for r in same_slot if r.current]
    newer = [r for r in current if r.valid_from > new.valid_from]
    if newer:
        first = min(newer, key=lambda r: r.valid_from)
        return new.model_copy(update={"valid_to": first.valid_from, "superseded_by": first.id}), []
    return new, [Supersession(r.id, new.id, new.valid_from) for r in current]


def merge_aliases(existing: Sequence[str], more: Iterable[str]) -> list[str]:
    """Aliases in first-seen order, without repeats."""
    out = list(existing)
    for a in more:
        if a and a not in out:
            out.append(a)
    return out

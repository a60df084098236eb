"""Entity resolution and the write plan: a draft read from one job, merged into one user's
stored graph. Pure: the SQL adapter loads what it needs and applies the plan in one
transaction.

Resolution, for each entity of the draft, in order:

1. A name the user's graph already holds (same kind family, or the only entity of that
   name when the reader only guessed "person" from a bare name): that entity. Two stored
   entities with the name: the one that also holds the draft's role, else the one with
   more mentions.
2. No name match, a role the user gives one person at a time ("my wife", "my manager"):
   the stored holder of that role, *unless* it has another name (a new wife is a new
   person; the role relation then supersedes the old one).
3. No name, a role many people hold ("my sister"): the stored holder when there is exactly
   one; otherwise a new entity only if there is none yet (three unnamed sisters are not
   told apart).
4. Otherwise a new entity.

Aliases only ever come from the same user's graph: the caller loads them by
``(tenant_id, user_id)``; nothing here sees another user's entities.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from accord.domain import entity_lexicon as lex
from accord.domain.entities import PRONOUN_PREFIX, USER_REF, GraphDraft, Mention
from accord.domain.graph import SPEAKER_ALIAS, USER_ALIAS, Entity, Relation, Supersession, alias_key, merge_aliases, supersessions

__all__ = ["GraphPlan", "draft_keys", "needs_recent", "resolve_draft", "role_alias"]

_PLACE_LIKE = {"place", "organization"}


def role_alias(role: str) -> str:
    return f"role:{role}"


@dataclass
class GraphPlan:
    new_entities: list[Entity] = field(default_factory=list)
    updated_entities: list[Entity] = field(default_factory=list)  # names, roles or aliases grew
    new_aliases: list[tuple[str, str]] = field(default_factory=list)  # (entity id, alias)
    new_relations: list[Relation] = field(default_factory=list)
    closed: list[Supersession] = field(default_factory=list)
    mentions: set[tuple[str, str]] = field(default_factory=set)  # (entity id, memory id)


def needs_recent(draft: GraphDraft) -> bool:
    """Whether the draft has a pronoun only the user's recent people can resolve."""
    return any(ref.startswith(PRONOUN_PREFIX) for ref in draft.entities)


def draft_keys(draft: GraphDraft) -> set[str]:
    """Every alias the stored graph is searched by for this draft."""
    keys = {USER_ALIAS}
    for m in draft.entities.values():
        if m.name:
            keys.add(alias_key(m.name))
        keys |= {role_alias(r) for r in m.roles}
    keys |= {alias_key(n) for _, n in draft.loose_names}
    return keys


def _compatible(kind: str, other: str) -> bool:
    return kind == other or (kind in _PLACE_LIKE and other in _PLACE_LIKE) or {kind, other} <= {"person", "pet"}


class _Resolver:
    def __init__(self, user_id: str, stored: Sequence[Entity], now: dt.datetime, new_id: Callable[[], str]) -> None:
        self.user_id, self.now, self.new_id = user_id, now, new_id
        self.entities: dict[str, Entity] = {e.id: e for e in stored}
        self.by_alias: dict[str, list[str]] = {}
        for e in stored:
            for a in e.aliases:
                self.by_alias.setdefault(a, []).append(e.id)
        self.plan = GraphPlan()
        self._new: set[str] = set()

    def user_node(self) -> str:
        ids = self.by_alias.get(USER_ALIAS, [])
        if ids:
            return ids[0]
        return self._create("user", "User", [], [USER_ALIAS])

    def _create(self, kind: str, name: str, roles: list[str], aliases: list[str]) -> str:
        e = Entity(
            id=self.new_id(), user_id=self.user_id, kind=kind, name=name, roles=roles, aliases=aliases,  # type: ignore[arg-type]
            created_at=self.now, updated_at=self.now,
        )  # fmt: skip
        self.entities[e.id] = e
        self._new.add(e.id)
        for a in aliases:
            self.by_alias.setdefault(a, []).append(e.id)
        return e.id

    def _grow(self, entity_id: str, name: str | None, roles: Sequence[str], user_owned: bool, *, speaker: bool = False) -> None:
        e = self.entities[entity_id]
        aliases = [alias_key(name)] if name else []
        aliases += [role_alias(r) for r in roles] if user_owned else []
        aliases += [SPEAKER_ALIAS] if speaker else []
        merged = merge_aliases(e.aliases, aliases)
        new_roles = merge_aliases(e.roles, roles)
        fresh_name = e.name if e.name and not e.name.startswith("(") else (name or e.name)
        if merged == e.aliases and new_roles == e.roles and fresh_name == e.name:
            return
        for a in merged[len(e.aliases) :]:
            self.by_alias.setdefault(a, []).append(entity_id)
            if entity_id not in self._new:
                self.plan.new_aliases.append((entity_id, a))
        self.entities[entity_id] = e.model_copy(
            update={"aliases": merged, "roles": new_roles, "name": fresh_name, "updated_at": self.now}
        )

    def resolve(self, m: Mention, user_owned: bool) -> str | None:
        named = self.by_alias.get(alias_key(m.name), []) if m.name else []
        name_ids = [i for i in named if _compatible(m.kind, self.entities[i].kind)]
        if not name_ids and m.kind == "person" and not m.roles and len(named) == 1:
            name_ids = named  # "Acme's boss": a bare name the reader guessed is a person, known as a company
        if name_ids:
            with_role = [i for i in name_ids if set(m.roles) & set(self.entities[i].roles)]
            found = (with_role or sorted(name_ids, key=lambda i: -self.entities[i].mentions))[0]
        else:
            found = self._by_role(m, user_owned)
        if found is None and m.name is None and m.roles and user_owned and any(
            self.by_alias.get(role_alias(r)) for r in m.roles
        ):
            return None  # several holders of this role already: an unnamed mention is not told apart
        if found is None:
            label = m.name or f"({m.roles[0]})"
            found = self._create(m.kind, label, [], [])
        self._grow(found, m.name, m.roles, user_owned, speaker=m.speaker)
        return found

    def _by_role(self, m: Mention, user_owned: bool) -> str | None:
        if not user_owned:
            return None
        for role in m.roles:
            holders = [i for i in self.by_alias.get(role_alias(role), []) if _compatible(m.kind, self.entities[i].kind)]
            if m.name is not None:
                # A named mention joins an unnamed holder only ("my wife" then "my wife Anna").
                holders = [i for i in holders if self.entities[i].name.startswith("(")]
            if len(holders) == 1 and (role in lex.SINGLE_HOLDER or m.name is None or len(holders) == 1):
                return holders[0]
        return None


def resolve_draft(
    draft: GraphDraft,
    *,
    user_id: str,
    stored: Sequence[Entity],
    stored_relations: Sequence[Relation],
    memory_ids: Sequence[str | None],
    said_at: Sequence[dt.datetime],
    now: dt.datetime,
    new_id: Callable[[], str],
    recent: Sequence[Entity] = (),
) -> GraphPlan:
    """The plan that merges ``draft`` into the stored graph (see the module docstring).

    ``recent`` are the user's people most recently mentioned before this job, newest first:
    a "she" or "he" with no one before it in the job is the first of them of that gender
    (the turn before, in another ``add()``, named her).

    ``memory_ids[i]`` and ``said_at[i]`` belong to the draft's text ``i``: the memory that
    mentions its entities, and when its relations start to hold.
    """
    r = _Resolver(user_id, stored, now, new_id)
    refs: dict[str, str] = {USER_REF: r.user_node()}
    # The user's own roles first: they carry the role aliases that later mentions resolve to.
    ordered = sorted((m for k, m in draft.entities.items() if k != USER_REF), key=lambda m: m.owner != USER_REF)
    for m in ordered:
        if m.ref.startswith(PRONOUN_PREFIX):
            found = next((e.id for e in recent if _gender_of(e) in (None, m.gender)), None)
        else:
            found = r.resolve(m, user_owned=m.owner == USER_REF)
        if found is not None:
            refs[m.ref] = found
    for i, name in sorted(draft.loose_names):
        ids = r.by_alias.get(alias_key(name), [])
        if len(ids) == 1 and memory_ids[i]:
            r.plan.mentions.add((ids[0], memory_ids[i]))  # type: ignore[arg-type]
    for i, ref in sorted(draft.mentions):
        if ref in refs and memory_ids[i]:
            r.plan.mentions.add((refs[ref], memory_ids[i]))  # type: ignore[arg-type]
    timeline = list(stored_relations)
    for d in draft.relations:
        subject, obj = refs.get(d.subject), refs.get(d.object) if d.object else None
        if subject is None or (d.object and obj is None) or subject == obj:
            continue
        new = Relation(
            id=new_id(), user_id=user_id, subject_id=subject, predicate=d.predicate, object_id=obj, value=d.value,
            valid_from=said_at[d.text_index], memory_id=memory_ids[d.text_index], created_at=now,
        )  # fmt: skip
        exclusive = d.predicate in lex.EXCLUSIVE_PREDICATES or (
            d.predicate in lex.SINGLE_HOLDER and subject == refs[USER_REF]
        )
        kept, closed = supersessions(new, timeline, exclusive)
        if kept.id != new.id:
            continue
        r.plan.new_relations.append(kept)
        r.plan.closed += closed
        shut = {c.old_id: c for c in closed}
        timeline = [
            t.model_copy(update={"valid_to": shut[t.id].valid_to, "superseded_by": shut[t.id].by_id}) if t.id in shut else t
            for t in timeline
        ] + [kept]
    r.plan.new_entities = [r.entities[i] for i in r._new]
    r.plan.updated_entities = [e for i, e in r.entities.items() if i not in r._new and e != _original(stored, i)]
    return r.plan


def _gender_of(e: Entity) -> str | None:
    for role in e.roles:
        if role in lex.FEMALE:
            return "f"
        if role in lex.MALE:
            return "m"
    return None


def _original(stored: Sequence[Entity], entity_id: str) -> Entity | None:
    return next((e for e in stored if e.id == entity_id), None)


def mention_counts(plan: GraphPlan) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for entity_id, _ in plan.mentions:
        counts[entity_id] = counts.get(entity_id, 0) + 1
    return counts

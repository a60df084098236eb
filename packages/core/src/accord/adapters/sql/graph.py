"""``SqlGraph``: the entity graph on the store's own database (SQLite or PostgreSQL), with
recursive CTEs for walks. It shares the store's :class:`SqlRunner`, so an embedded Accord
still has one file and no server.

Every statement filters by ``tenant_id`` and ``user_id``; an id from another user's graph
is simply not found.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select, text, update

from accord.adapters.sql.engine_factory import SqlRunner
from accord.adapters.sql.graph_upkeep import GraphUpkeepMixin
from accord.adapters.sql.graph_schema import graph_aliases, graph_entities, graph_mentions, graph_relations
from accord.adapters.sql.schema import UTCDateTime
from accord.domain.entities import GraphDraft
from accord.domain.graph import HUB_ALIASES, Entity, EntityDetail, Relation, RelatedEntity
from accord.domain.graph_resolve import GraphPlan, draft_keys, needs_recent, resolve_draft

__all__ = ["SqlGraph"]

_WALK = """
WITH RECURSIVE walk(entity_id, depth) AS (
    SELECT id, 0 FROM graph_entities WHERE tenant_id = :tenant AND user_id = :user AND id IN :starts
    UNION
    SELECT CASE WHEN r.subject_id = w.entity_id THEN r.object_id ELSE r.subject_id END, w.depth + 1
    FROM walk w JOIN graph_relations r
      ON r.tenant_id = :tenant AND r.user_id = :user AND r.object_id IS NOT NULL
     AND (r.subject_id = w.entity_id OR r.object_id = w.entity_id) AND {held}
    WHERE w.depth < :depth AND (w.depth = 0 OR w.entity_id NOT IN :hubs)
)
SELECT entity_id, MIN(depth) AS depth FROM walk GROUP BY entity_id
"""
_HELD_NOW = "r.valid_to IS NULL"
# Relations pointing at an entity above which a walk's neighbour is too common to expand.
_BUSY = 25
_HELD_AT = "r.valid_from <= :at AND (r.valid_to IS NULL OR r.valid_to > :at)"


def _entity(row: Any, mentions: int = 0) -> Entity:
    return Entity(
        id=row.id, user_id=row.user_id, kind=row.kind, name=row.name, roles=list(row.roles),
        aliases=list(row.aliases), mentions=mentions, created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip


def _relation(row: Any) -> Relation:
    return Relation(
        id=row.id, user_id=row.user_id, subject_id=row.subject_id, predicate=row.predicate, object_id=row.object_id,
        value=row.value, valid_from=row.valid_from, valid_to=row.valid_to, superseded_by=row.superseded_by,
        memory_id=row.memory_id, created_at=row.created_at,
    )  # fmt: skip


def _held(as_of: dt.datetime | None) -> Any:
    r = graph_relations.c
    if as_of is None:
        return r.valid_to.is_(None)
    return and_(r.valid_from <= as_of, or_(r.valid_to.is_(None), r.valid_to > as_of))


class SqlGraph(GraphUpkeepMixin):
    """The ``Graph`` port on SQL. Build it with :meth:`sharing` over an open-able ``SqlStore``."""

    name = "sql"

    def __init__(self, runner: SqlRunner) -> None:
        self._sql = runner
        self.dialect = runner.dialect

    @classmethod
    def sharing(cls, store: Any) -> SqlGraph:
        return cls(store._sql)

    # -- writing -------------------------------------------------------------------------

    async def ingest(
        self,
        tenant_id: str,
        user_id: str,
        draft: GraphDraft,
        memory_ids: Sequence[str | None],
        said_at: Sequence[dt.datetime],
        now: dt.datetime,
    ) -> GraphPlan:
        """Resolve ``draft`` against the user's graph and write the result, in one transaction
        (on PostgreSQL under a per-user advisory lock, so two workers never both create "Anna")."""

        def run(conn: Connection) -> GraphPlan:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"graph/{tenant_id}/{user_id}"})
            stored = self._entities_by_alias(conn, tenant_id, user_id, sorted(draft_keys(draft)))
            recent = self._recent_people(conn, tenant_id, user_id) if needs_recent(draft) else []
            known = {e.id for e in stored}
            stored += [e for e in recent if e.id not in known]
            ids = [e.id for e in stored]
            r = graph_relations.c
            rels = [
                _relation(x)
                for x in conn.execute(
                    select(graph_relations).where(r.tenant_id == tenant_id, r.user_id == user_id, r.subject_id.in_(ids))
                )
            ] if ids else []  # fmt: skip
            plan = resolve_draft(
                draft, user_id=user_id, stored=stored, stored_relations=rels, memory_ids=memory_ids,
                said_at=said_at, now=now, new_id=lambda: str(uuid.uuid4()), recent=recent,
            )  # fmt: skip
            self._write_plan(conn, tenant_id, user_id, plan, now)
            return plan

        return await self._sql.write(run, "updating the entity graph")

    @staticmethod
    def _recent_people(conn: Connection, tenant_id: str, user_id: str, n: int = 5) -> list[Entity]:
        """The user's people (and pets) by their newest mention, newest first."""
        e, g = graph_entities.c, graph_mentions.c
        last = func.max(g.created_at).label("last")
        rows = conn.execute(
            select(graph_entities, func.count().label("n"), last)
            .join(graph_mentions, and_(g.tenant_id == e.tenant_id, g.user_id == e.user_id, g.entity_id == e.id))
            .where(e.tenant_id == tenant_id, e.user_id == user_id, e.kind.in_(["person", "pet"]))
            .group_by(*graph_entities.c)
            .order_by(last.desc(), e.id)
            .limit(n)
        ).all()
        return [_entity(row, row.n) for row in rows]

    @staticmethod
    def _entities_by_alias(conn: Connection, tenant_id: str, user_id: str, keys: Sequence[str]) -> list[Entity]:
        a, e = graph_aliases.c, graph_entities.c
        ids = select(a.entity_id).where(a.tenant_id == tenant_id, a.user_id == user_id, a.alias.in_(keys))
        counts = (
            select(graph_mentions.c.entity_id, func.count().label("n"))
            .where(
                graph_mentions.c.tenant_id == tenant_id, graph_mentions.c.user_id == user_id,
                graph_mentions.c.entity_id.in_(ids),
            )
            .group_by(graph_mentions.c.entity_id)
        )
        n = {row.entity_id: row.n for row in conn.execute(counts)}
        rows = conn.execute(select(graph_entities).where(e.tenant_id == tenant_id, e.user_id == user_id, e.id.in_(ids)))
        return [_entity(row, n.get(row.id, 0)) for row in rows]

    def _write_plan(self, conn: Connection, tenant_id: str, user_id: str, plan: GraphPlan, now: dt.datetime) -> None:
        mine = {"tenant_id": tenant_id, "user_id": user_id}
        fields = ("id", "kind", "name", "roles", "aliases", "created_at", "updated_at")
        if plan.new_entities:
            conn.execute(insert(graph_entities), [{**mine, **{f: getattr(x, f) for f in fields}} for x in plan.new_entities])
            aliases = [{**mine, "alias": a, "entity_id": x.id} for x in plan.new_entities for a in x.aliases]
            if aliases:
                conn.execute(insert(graph_aliases), aliases)
        e = graph_entities.c
        for x in plan.updated_entities:
            conn.execute(
                update(graph_entities)
                .where(e.tenant_id == tenant_id, e.user_id == user_id, e.id == x.id)
                .values(name=x.name, roles=x.roles, aliases=x.aliases, updated_at=now)
            )
        if plan.new_aliases:
            conn.execute(insert(graph_aliases), [{**mine, "alias": a, "entity_id": i} for i, a in plan.new_aliases])
        r = graph_relations.c
        for c in plan.closed:
            conn.execute(
                update(graph_relations)
                .where(r.tenant_id == tenant_id, r.user_id == user_id, r.id == c.old_id, r.valid_to.is_(None))
                .values(valid_to=c.valid_to, superseded_by=c.by_id)
            )
        if plan.new_relations:
            conn.execute(
                insert(graph_relations),
                [{**mine, **x.model_dump(exclude={"user_id"})} for x in plan.new_relations],
            )
        if plan.mentions:
            known = {
                (row.entity_id, row.memory_id)
                for row in conn.execute(
                    select(graph_mentions.c.entity_id, graph_mentions.c.memory_id).where(
                        graph_mentions.c.tenant_id == tenant_id,
                        graph_mentions.c.memory_id.in_(sorted({m for _, m in plan.mentions})),
                    )
                )
            }
            fresh = [{**mine, "entity_id": i, "memory_id": m, "created_at": now} for i, m in plan.mentions - known]
            if fresh:
                conn.execute(insert(graph_mentions), fresh)

    # -- reading -------------------------------------------------------------------------

    async def entities(
        self, tenant_id: str, user_id: str, *, kinds: Sequence[str] | None = None, limit: int = 100, offset: int = 0
    ) -> list[Entity]:
        """The user's entities, most mentioned first (the user's own node is left out)."""
        e, g = graph_entities.c, graph_mentions.c
        n = func.count(g.memory_id).label("n")
        stmt = (
            select(graph_entities, n)
            .outerjoin(graph_mentions, and_(g.tenant_id == e.tenant_id, g.user_id == e.user_id, g.entity_id == e.id))
            .where(e.tenant_id == tenant_id, e.user_id == user_id, e.kind != "user")
            .group_by(*graph_entities.c)
            .order_by(n.desc(), e.name, e.id)
            .limit(limit)
            .offset(offset)
        )
        if kinds:
            stmt = stmt.where(e.kind.in_(list(kinds)))
        rows = await self._sql.read(lambda conn: conn.execute(stmt).all(), what="listing entities")
        return [_entity(row, row.n) for row in rows]

    async def find(self, tenant_id: str, user_id: str, aliases: Sequence[str]) -> list[Entity]:
        """The user's entities holding any of ``aliases`` (alias keys, ``role:<role>``)."""
        if not aliases:
            return []
        return await self._sql.read(
            lambda conn: self._entities_by_alias(conn, tenant_id, user_id, list(aliases)), what="finding entities"
        )

    async def entity(
        self, tenant_id: str, user_id: str, entity_id: str, *, as_of: dt.datetime | None = None, memory_limit: int = 50
    ) -> tuple[EntityDetail, list[str]] | None:
        """The entity with its relations (current and past, or those held ``as_of``), its
        direct neighbours and the memories that mention it, newest first."""
        e, r, g = graph_entities.c, graph_relations.c, graph_mentions.c

        def run(conn: Connection) -> tuple[EntityDetail, list[str]] | None:
            row = conn.execute(
                select(graph_entities).where(e.tenant_id == tenant_id, e.user_id == user_id, e.id == entity_id)
            ).first()
            if row is None:
                return None
            touching = or_(r.subject_id == entity_id, r.object_id == entity_id)
            stmt = select(graph_relations).where(r.tenant_id == tenant_id, r.user_id == user_id, touching)
            if as_of is not None:
                stmt = stmt.where(_held(as_of))
            rels = [_relation(x) for x in conn.execute(stmt.order_by(r.valid_from, r.id))]
            other = {x for rel in rels for x in (rel.subject_id, rel.object_id) if x and x != entity_id}
            neighbours = [
                _entity(x)
                for x in conn.execute(
                    select(graph_entities).where(e.tenant_id == tenant_id, e.user_id == user_id, e.id.in_(other))
                )
            ] if other else []  # fmt: skip
            mentioned = conn.execute(
                select(g.memory_id)
                .where(g.tenant_id == tenant_id, g.user_id == user_id, g.entity_id == entity_id)
                .order_by(g.created_at.desc(), g.memory_id)
                .limit(memory_limit)
            ).scalars()
            ids = list(mentioned)
            return EntityDetail(entity=_entity(row, len(ids)), relations=rels, neighbours=neighbours), ids

        return await self._sql.read(run, what="reading an entity")

    async def owner(self, tenant_id: str, entity_id: str) -> str | None:
        """Whose graph the entity is in (None: no such entity in this tenant)."""
        e = graph_entities.c
        stmt = select(e.user_id).where(e.tenant_id == tenant_id, e.id == entity_id)
        return await self._sql.read(lambda conn: conn.execute(stmt).scalar(), what="finding an entity")

    async def related(
        self, tenant_id: str, user_id: str, entity_id: str, depth: int, *, as_of: dt.datetime | None = None
    ) -> list[RelatedEntity]:
        """Entities up to ``depth`` hops away (recursive CTE), nearest first, each with the
        relations that reach it from the hop before. Walks never pass *through* the user's
        own node: everyone is linked to the user, so it would join every entity to every other."""

        def run(conn: Connection) -> list[RelatedEntity]:
            depths = self._walk(conn, tenant_id, user_id, [entity_id], depth, as_of, self._hubs(conn, tenant_id, user_id))
            depths.pop(entity_id, None)
            if not depths:
                return []
            e, r = graph_entities.c, graph_relations.c
            found = {x.id: _entity(x) for x in conn.execute(
                select(graph_entities).where(e.tenant_id == tenant_id, e.user_id == user_id, e.id.in_(list(depths)))
            )}  # fmt: skip
            level = {**depths, entity_id: 0}
            rels = conn.execute(
                select(graph_relations).where(
                    r.tenant_id == tenant_id, r.user_id == user_id, _held(as_of),
                    or_(r.subject_id.in_(list(level)), r.object_id.in_(list(level))),
                )
            ).all()  # fmt: skip
            via: dict[str, list[str]] = {}
            for x in rels:
                for a, b in ((x.subject_id, x.object_id), (x.object_id, x.subject_id)):
                    if b in depths and a in level and level[a] == depths[b] - 1:
                        via.setdefault(b, []).append(x.id)
            out = [RelatedEntity(entity=found[i], depth=d, via=sorted(via.get(i, []))) for i, d in depths.items() if i in found]
            return sorted(out, key=lambda x: (x.depth, x.entity.name, x.entity.id))

        return await self._sql.read(run, what="walking the entity graph")

    @staticmethod
    def _hubs(conn: Connection, tenant_id: str, user_id: str) -> list[str]:
        """The user's own node and the speakers of group conversations: walks stop at them."""
        a = graph_aliases.c
        stmt = select(a.entity_id).where(a.tenant_id == tenant_id, a.user_id == user_id, a.alias.in_(HUB_ALIASES))
        return list(conn.execute(stmt).scalars())

    def _walk(
        self, conn: Connection, tenant_id: str, user_id: str, starts: Sequence[str], depth: int,
        as_of: dt.datetime | None, hubs: Sequence[str],
    ) -> dict[str, int]:  # fmt: skip
        if not starts:
            return {}
        sql = text(_WALK.format(held=_HELD_NOW if as_of is None else _HELD_AT)).bindparams(
            bindparam("hubs", expanding=True), bindparam("starts", expanding=True)
        )
        if as_of is not None:
            sql = sql.bindparams(bindparam("at", type_=UTCDateTime))
        # One walk from every start at once: a role many people hold ("my colleagues") is one query.
        params: dict[str, Any] = {
            "starts": list(starts), "tenant": tenant_id, "user": user_id, "depth": depth, "hubs": list(hubs) or [""],
        }  # fmt: skip
        if as_of is not None:
            params["at"] = as_of
        best: dict[str, int] = {}
        for row in conn.execute(sql, params):
            if row.entity_id is not None and row.depth < best.get(row.entity_id, depth + 1):
                best[row.entity_id] = row.depth
        return best

    async def neighbourhood_memories(
        self, tenant_id: str, user_id: str, seeds: Sequence[str], *, depth: int, as_of: dt.datetime | None,
        per_entity: int, limit: int,
    ) -> list[tuple[str, str, int]]:  # fmt: skip
        """``(memory id, entity id, hops)`` for memories about the seeds and the entities up to
        ``depth`` hops from them, nearest first: the memories that *stated* a relation touching
        them (held now, or ``as_of``), then every memory that mentions an entity with at most
        ``per_entity`` mentions. A much-mentioned entity (the user's partner in a year of
        chats) adds only its statements: its newest mentions would be a random sample."""

        def run(conn: Connection) -> list[tuple[str, str, int]]:
            hubs = self._hubs(conn, tenant_id, user_id)
            reached = self._walk(conn, tenant_id, user_id, [s for s in seeds if s not in hubs], depth, as_of, hubs)
            for hub in hubs:
                reached.pop(hub, None)
            if not reached:
                return []
            r, g = graph_relations.c, graph_mentions.c
            # An entity reached through another and related to very many (the city half the
            # user's friends live in) says nothing about the seed: it is not expanded.
            far = [i for i, hop in reached.items() if hop > 0]
            if far:
                busy = conn.execute(
                    select(r.object_id).where(r.tenant_id == tenant_id, r.user_id == user_id, r.object_id.in_(far), _held(as_of))
                    .group_by(r.object_id).having(func.count() > _BUSY)
                ).scalars()  # fmt: skip
                for i in list(busy):
                    reached.pop(i, None)
            ids = list(reached)
            # Two indexed lookups (by subject, by object) rather than one OR the planner scans for.
            stated = sorted(
                {
                    tuple(x)
                    for side in (r.subject_id, r.object_id)
                    for x in conn.execute(
                        select(r.memory_id, r.subject_id, r.object_id, r.valid_from).where(
                            r.tenant_id == tenant_id, r.user_id == user_id, side.in_(ids), r.memory_id.is_not(None),
                            _held(as_of),
                        )
                    )
                },
                key=lambda x: x[3], reverse=True,
            )  # fmt: skip
            few = (
                select(g.entity_id)
                .where(g.tenant_id == tenant_id, g.user_id == user_id, g.entity_id.in_(ids))
                .group_by(g.entity_id)
                .having(func.count() <= per_entity)
            )
            mentioned = conn.execute(
                select(g.memory_id, g.entity_id).where(g.tenant_id == tenant_id, g.user_id == user_id, g.entity_id.in_(few))
            ).all()
            seen: dict[str, tuple[str, str, int]] = {}
            found = [(m, a if a in reached else b) for m, a, b, _ in stated] + [(m, e) for m, e in mentioned]
            for memory_id, entity_id in found:
                hop = reached.get(entity_id, depth)
                if memory_id not in seen or hop < seen[memory_id][2]:
                    seen[memory_id] = (memory_id, entity_id, hop)
            return sorted(seen.values(), key=lambda x: x[2])[:limit]

        return await self._sql.read(run, what="expanding through the entity graph")

    async def relations_of(
        self, tenant_id: str, user_id: str, entity_ids: Sequence[str], *, as_of: dt.datetime | None = None
    ) -> tuple[list[Relation], dict[str, Entity]]:
        """Relations held now (or ``as_of``) whose subject is one of ``entity_ids``, with every
        entity they touch."""
        if not entity_ids:
            return [], {}
        r, e = graph_relations.c, graph_entities.c

        def run(conn: Connection) -> tuple[list[Relation], dict[str, Entity]]:
            rels = [
                _relation(x)
                for x in conn.execute(
                    select(graph_relations)
                    .where(r.tenant_id == tenant_id, r.user_id == user_id, r.subject_id.in_(list(entity_ids)), _held(as_of))
                    .order_by(r.valid_from, r.id)
                )
            ]
            ids = {i for x in rels for i in (x.subject_id, x.object_id) if i} | set(entity_ids)
            found = {
                x.id: _entity(x)
                for x in conn.execute(
                    select(graph_entities).where(e.tenant_id == tenant_id, e.user_id == user_id, e.id.in_(list(ids)))
                )
            }
            return rels, found

        return await self._sql.read(run, what="reading relations")

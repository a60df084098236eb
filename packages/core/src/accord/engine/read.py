"""The read path: search, hydrate (hot tier first), rank, and build the context."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from accord.domain import inflection, lexical
from accord.domain.principal import Principal
from accord.engine import alongside
from accord.engine.components import Components
from accord.engine.second_stage import rerank_stage
from accord.engine.graph_read import GraphLead, follow_graph, render_people
from accord.errors import StorageError
from accord.domain.models import ALL_CATEGORIES, Category, ClarificationQuestion, ContextFormat, ContextResult, Memory, MemoryStatus
from accord.domain.coherence import coherent, without_repeats
from accord.domain.context import build_context
from accord.domain.fusion_weights import adaptive_dense_weight, lexical_strength
from accord.domain.rerank import query_groups
from accord.domain.tokens import count_tokens
from accord.ports import SHARED_USER_ID, IndexHits, IndexQuery
from accord.domain.ranking import (
    RankWeights,
    boost_sessions,
    boost_speaker,
    fuse_hits,
    held_at,
    rank_candidates,
    scale_to_unit,
)

log = logging.getLogger("accord.read")

_SQL_FALLBACK_SCAN = 5_000
# The pool is sized for this many results whatever ``limit`` is (x ``candidates_per_result``).
POOL_RESULTS = 20


@dataclass(frozen=True, slots=True)
class Retrieval:
    ranked: list[Memory]
    from_hot: set[str]
    search: str
    notes: list[str]
    reranker: str = "none"
    people: str = ""  # the graph's "who is who" block, rendered within its budget


@dataclass(frozen=True, slots=True)
class _Scope:
    """What one ``retrieve`` may search and read: the index filter and the candidate filter."""

    principal: Principal
    user_id: str
    pool: int
    categories: Sequence[str] | None
    shared_categories: Sequence[str] | None
    created_after: dt.datetime | None
    as_of: dt.datetime | None
    agent_ids: Sequence[str] | None

    @property
    def statuses(self) -> tuple[str, ...]:
        return ("active", "archived") if self.as_of else ("active",)

    def readable(self, m: Memory) -> bool:
        """Held (now, or at ``as_of``), readable by the caller, and inside the filters."""
        allowed = self.categories
        shared = self.shared_categories if self.shared_categories is not None else allowed
        return (
            (held_at(m, self.as_of) if self.as_of else m.status is MemoryStatus.ACTIVE)
            and (
                (m.user_id == self.user_id and (allowed is None or m.category.value in allowed))
                or (m.user_id == SHARED_USER_ID and (shared is None or m.category.value in shared))
            )
            and (self.agent_ids is None or m.agent_id in self.agent_ids)
            and (self.created_after is None or m.created_at >= self.created_after)
        )


def _best(relevance: dict[str, float], n: int) -> list[str]:
    return sorted(relevance, key=relevance.__getitem__, reverse=True)[:n]


class Reader:
    def __init__(self, parts: Components) -> None:
        self.parts = parts
        s = parts.settings
        self.weights = RankWeights(
            s.weight_relevance, s.weight_importance, s.weight_recency, s.recency_half_life_days
        )
        self._pending_access: dict[str, Counter[str]] = {}

    async def retrieve(
        self,
        principal: Principal,
        user_id: str,
        query: str,
        *,
        limit: int,
        categories: Sequence[str] | None,
        time_filter_days: float | None,
        as_of: dt.datetime | None = None,
        agent_ids: Sequence[str] | None = None,
        shared_categories: Sequence[str] | None = None,
    ) -> Retrieval:
        """Rank the user's memories (and the tenant's shared ones) for ``query``.

        ``categories`` is what the caller may read of this user (an empty list: nothing);
        ``shared_categories`` what it may read of the tenant's shared memories.

        Search, fuse, hydrate, make relevance speaker- and session-aware, then (when the
        index served) search again with terms of the best hits (pseudo-relevance feedback).
        """
        if categories is not None and not categories:
            return Retrieval(ranked=[], from_hot=set(), search="none", notes=["no readable categories"])
        now = self.parts.clock.now()
        scope = _Scope(
            principal=principal,
            user_id=user_id,
            # The pool does not grow with ``limit`` (up to the pool itself), so the first k memories
            # are the same whatever limit asks for. Looking back in time needs archived memories
            # too, and more of them.
            pool=max(round(POOL_RESULTS * self.parts.settings.candidates_per_result), limit) * (3 if as_of else 1),
            categories=categories,
            shared_categories=shared_categories,
            created_after=now - dt.timedelta(days=time_filter_days) if time_filter_days else None,
            as_of=as_of,
            agent_ids=agent_ids,
        )
        # The profile does not depend on the query: read it while the search and hydration run.
        profile = None if (as_of or agent_ids) else alongside.start(self._profile(scope))
        try:
            return await self._retrieve(scope, query, now, limit, profile)
        finally:
            alongside.stop(profile)

    async def _retrieve(
        self, scope: _Scope, query: str, now: dt.datetime, limit: int, profile: asyncio.Task[list[Memory]] | None
    ) -> Retrieval:
        principal, user_id, as_of = scope.principal, scope.user_id, scope.as_of
        notes: list[str] = []
        try:
            hits, search = await self._search(scope, query)
        except StorageError as e:
            log.warning("index search failed, using SQL keyword search: %s", e)
            notes.append(f"index unavailable ({type(e).__name__}); keyword search in SQL")
            hits, search = await self._sql_keyword(scope, query), "sql_keyword"
        terms = set(lexical.tokenize(query))
        relevance = self._fuse(hits)
        wanted = _best(relevance, scope.pool)
        # Dense candidates are hydrated even where a weak base weight ranked them low: the
        # weight adapts to the query once the lexical hits' words are known.
        wanted += [i for i in dict.fromkeys(i for i, _ in hits.dense[: scope.pool // 2]) if i not in set(wanted)]
        loaded, from_hot = await self._hydrate(principal, user_id, wanted)
        memories = {i: m for i, m in loaded.items() if scope.readable(m)}
        dense_weight = self._dense_weight(query, hits, memories)
        relevance = self._fuse(hits, dense_weight)
        boost = self._booster(memories, terms)
        relevance = boost({i: r for i, r in relevance.items() if i in memories})
        if search != "sql_keyword" and hits.lexical:
            relevance = await self._expand(scope, query, terms, hits, relevance, memories, boost, dense_weight)
        # The graph's memories join first, so the reranker ranks them with the rest.
        lead = await self._graph(scope, query, memories, relevance)
        relevance, reranked, reranker_notes = await rerank_stage(self.parts.reranker, query, memories, relevance, hits)
        notes += reranker_notes
        candidates = [(memories[i], relevance[i]) for i in _best(relevance, len(relevance))]
        if profile is not None:
            # The user's core facts (diet, employer, name...) matter whatever the query's words
            # are; they join as candidates with no relevance, so matches still come first, and a
            # query that matches nothing ("the user is back") still finds them.
            candidates += [(m, 0.0) for m in await profile if m.id not in memories and m.id not in loaded and scope.readable(m)]
        ranked = rank_candidates(candidates, now, self.weights)
        if not as_of:
            ranked = await self._coherent(principal.tenant_id, ranked)
        ranked = ranked[:limit]
        by_id = {m.id: r for m, r in candidates}
        return Retrieval(
            ranked=[m.model_copy(update={"relevance_score": round(by_id[m.id], 6)}) for m, _ in ranked],
            from_hot=from_hot,
            search=search,
            notes=notes,
            reranker=reranked,
            people=await self._people(scope, lead),
        )

    async def _graph(
        self, scope: _Scope, query: str, memories: dict[str, Memory], relevance: dict[str, float]
    ) -> GraphLead:
        """Memories about the entities the query names (and their neighbours) join the
        candidates, in place (see :mod:`accord.engine.graph_read`)."""
        if scope.categories is not None and Category.RELATIONSHIP.value not in scope.categories:
            return GraphLead()
        lead = await follow_graph(self.parts, scope.principal.tenant_id, scope.user_id, query, scope.as_of)
        missing = [i for i in lead.relevance if i not in memories]
        loaded, _ = await self._hydrate(scope.principal, scope.user_id, missing)
        memories.update({i: m for i, m in loaded.items() if scope.readable(m)})
        for i, score in lead.relevance.items():
            if i in memories:
                # A search hit about the entity rises; a memory the search missed joins below
                # the hits that match the query's words as well as name its entities.
                found = relevance.get(i)
                relevance[i] = found * (1 + score) if found else score / 2
        return lead

    async def _people(self, scope: _Scope, lead: GraphLead) -> str:
        budget = self.parts.settings.graph_people_max_tokens
        return await render_people(
            self.parts, scope.principal.tenant_id, scope.user_id, lead, budget, scope.as_of,
            list(scope.categories) if scope.categories is not None else None,
        )  # fmt: skip

    async def _coherent(self, tenant_id: str, ranked: list[tuple[Memory, float]]) -> list[tuple[Memory, float]]:
        """Mark raw turns that state a superseded value, and keep one wording where a turn and its
        facts would say the same thing (see :func:`accord.domain.coherence.coherent`)."""
        jobs = {m.source.job_id for m, _ in ranked if m.category is Category.EPISODIC and m.source.job_id}
        derived = await self.parts.store.derived_from_turns(tenant_id, sorted(jobs)) if jobs else {}
        score = {m.id: s for m, s in ranked}
        kept = without_repeats(coherent([m for m, _ in ranked], derived))
        return [(m, score[m.id]) for m in kept]

    def _fuse(self, hits: IndexHits, dense_weight: float | None = None) -> dict[str, float]:
        s = self.parts.settings
        weight = s.dense_weight if dense_weight is None else dense_weight
        return fuse_hits(hits, method=s.fusion, dense_weight=weight, normalization=s.fusion_normalization)

    def _dense_weight(self, query: str, hits: IndexHits, memories: dict[str, Memory]) -> float:
        """The dense list's share for this query (see :mod:`accord.domain.fusion_weights`)."""
        s = self.parts.settings
        if not (hits.dense and hits.lexical) or s.dense_weight_unmatched == s.dense_weight:
            return s.dense_weight
        terms = {i: frozenset(lexical.term_counts(m.content)) for i, m in memories.items()}
        best = [terms[i] for i, _ in hits.lexical[:3] if i in terms]
        strength = lexical_strength(query_groups(query), best, list(terms.values()))
        return adaptive_dense_weight(s.dense_weight, s.dense_weight_unmatched, strength)

    def _booster(self, memories: dict[str, Memory], terms: set[str]) -> Callable[[dict[str, float]], dict[str, float]]:
        """Makes relevance speaker- and session-aware (then scaled back into [0, 1])."""
        s = self.parts.settings
        speakers = {i: said for i, m in memories.items() if isinstance(said := m.metadata.get("speaker"), str) and said}
        sessions = {i: f"{m.user_id}/{m.source.session_id}" for i, m in memories.items() if m.source.session_id}

        def boost(relevance: dict[str, float]) -> dict[str, float]:
            boosted = boost_speaker(relevance, speakers, terms, s.speaker_boost)
            return scale_to_unit(boost_sessions(boosted, sessions, s.session_boost))

        return boost

    async def _expand(
        self,
        scope: _Scope,
        query: str,
        terms: set[str],
        hits: IndexHits,
        relevance: dict[str, float],
        memories: dict[str, Memory],
        boost: Callable[[dict[str, float]], dict[str, float]],
        dense_weight: float,
    ) -> dict[str, float]:
        """Pseudo-relevance feedback: search BM25 again with terms of the best first-pass hits
        (``memories``: those the caller may read), fuse that with the first dense list and
        boost it again. Returns the new relevance (the old one when there is nothing to add)."""
        s = self.parts.settings
        if s.expansion_terms == 0:
            return relevance
        pool = _best(relevance, len(relevance))
        if len(pool) <= 2 * s.expansion_docs:
            # Too few candidates for IDF within them to tell distinctive terms from common ones:
            # expansion would only reshuffle them by their own words.
            return relevance
        counts = {i: lexical.term_counts(memories[i].content) for i in pool}
        feedback = [(counts[i], relevance[i]) for i in pool[: s.expansion_docs]]
        extra = lexical.expansion_terms(
            terms, feedback, list(counts.values()), terms=s.expansion_terms, weight=s.expansion_weight
        )
        if not extra:
            return relevance
        try:
            second, _ = await self._search(scope, query, extra)
        except StorageError as e:
            log.warning("expanded search failed, keeping the first pass: %s", e)
            return relevance
        # Only the first pass's candidates are re-scored: hydrating what the second search adds
        # would cost a second SQL round trip on every query, for little gain (measured).
        fused = self._fuse(IndexHits(dense=hits.dense, lexical=[p for p in second.lexical if p[0] in memories]), dense_weight)
        return boost({i: r for i, r in fused.items() if i in memories})

    async def _profile(self, scope: _Scope) -> list[Memory]:
        """The user's most important durable memories and newest raw turns, whatever the query:
        a user with memories never gets an empty context, and "continue where we left off"
        finds where they left off."""
        s, store, tenant = self.parts.settings, self.parts.store, scope.principal.tenant_id
        found: list[Memory] = []
        if s.profile_memories:
            every = scope.categories is None or ALL_CATEGORIES.issubset(scope.categories)
            found += await store.top_by_importance(
                tenant,
                scope.user_id,
                limit=s.profile_memories,
                min_importance=s.profile_min_importance,
                categories=None if every else scope.categories,  # no filter is a cheaper query
            )
        if s.recent_turns and (scope.categories is None or Category.EPISODIC.value in scope.categories):
            # What the user said last; the assistant's replies join only when the query matches them.
            turns = await store.list_memories(
                tenant, scope.user_id, categories=[Category.EPISODIC.value], limit=2 * s.recent_turns
            )
            found += [m for m in turns if m.source.role != "assistant"][: s.recent_turns]
        return [m for m in found if scope.created_after is None or m.created_at >= scope.created_after]

    async def _search(
        self, scope: _Scope, query: str, extra_terms: dict[str, float] | None = None
    ) -> tuple[IndexHits, str]:
        """Search the index; with ``extra_terms`` (query expansion) only its BM25 side runs."""
        if self.parts.index is None or self.parts.index_stale is not None:
            # A stale index would answer from a part of the user's memories: SQL has them all.
            return await self._sql_keyword(scope, query), "sql_keyword"
        first_pass = extra_terms is None
        embedder = self.parts.embedder if first_pass else None
        dense = await embedder.embed_query(query) if embedder is not None else None
        if first_pass:
            # Irregular forms of the query's words (lost -> lose) as lighter terms: Snowball
            # does not join them, and the index needs no change for it.
            extra_terms = inflection.irregular_terms(query, self.parts.settings.irregular_forms_weight) or None
        hits = await self.parts.index.search(
            IndexQuery(
                tenant_id=scope.principal.tenant_id,
                user_id=scope.user_id,
                text=query,
                dense=dense,
                limit=scope.pool,
                categories=scope.categories,
                created_after=scope.created_after,
                statuses=scope.statuses,
                agent_ids=scope.agent_ids,
                include_shared=True,
                extra_terms=extra_terms,
            )
        )
        return hits, "hybrid" if self.parts.embedder is not None else "lexical"

    async def _sql_keyword(self, scope: _Scope, query: str) -> IndexHits:
        """BM25 over the user's newest memories read straight from SQL: slower, but needs no index."""
        rows = await self.parts.store.keyword_candidates(
            scope.principal.tenant_id,
            [scope.user_id, SHARED_USER_ID],
            categories=scope.categories,
            created_after=scope.created_after,
            limit=_SQL_FALLBACK_SCAN,
        )
        scores = lexical.bm25_scores(query, [text for _, text in rows])
        ranked = sorted(
            ((memory_id, s) for (memory_id, _), s in zip(rows, scores, strict=True) if s > 0),
            key=lambda pair: pair[1],
            reverse=True,
        )
        return IndexHits(lexical=ranked[: scope.pool])

    async def _hydrate(
        self, principal: Principal, user_id: str, ids: Sequence[str]
    ) -> tuple[dict[str, Memory], set[str]]:
        """Load memories by id: from the hot tier where cached, the rest from SQL (then cached).

        Shared tenant memories are cached under the shared key, so a change to one is
        invalidated once for every user.
        """
        if not ids:
            return {}, set()
        hot, tenant = self.parts.hot, principal.tenant_id
        cached = await hot.get_memories(tenant, user_id, ids)
        missing = [i for i in ids if i not in cached]
        if missing:
            cached.update(await hot.get_memories(tenant, SHARED_USER_ID, missing))
            missing = [i for i in missing if i not in cached]
        loaded = await self.parts.store.get_memories(tenant, missing) if missing else []
        for owner in (user_id, SHARED_USER_ID):
            mine = [m for m in loaded if m.user_id == owner]
            if mine:
                await hot.put_memories(tenant, owner, mine)
        return {**cached, **{m.id: m for m in loaded}}, set(cached)

    def context(
        self,
        query: str,
        retrieval: Retrieval,
        fmt: ContextFormat,
        max_tokens: int,
        clarification_question: ClarificationQuestion | None,
        hide: Collection[str] = (),
    ) -> ContextResult:
        """``limit`` memories in rank order, each saying whether it was ``rendered``; the budget
        decides only what ``system_prompt_addition`` shows (see :func:`build_context`). Memories
        in ``hide`` are returned but not rendered (the domain block already says them)."""
        people = retrieval.people if fmt == "bullets" and count_tokens(retrieval.people) < max_tokens // 2 else ""
        budget = max_tokens - (count_tokens(people) + 1 if people else 0)
        rendered = build_context(
            [m for m in retrieval.ranked if m.id not in hide], fmt, budget, links=not self.parts.settings.context_strip_links
        )
        if people:
            rendered = replace(
                rendered, text=f"{rendered.text}\n\n{people}" if rendered.text else people,
                token_count=count_tokens(f"{rendered.text}\n\n{people}" if rendered.text else people),
            )  # fmt: skip
        shown = {m.id for m in rendered.memories}
        memories = [m.model_copy(update={"rendered": m.id in shown}) for m in retrieval.ranked]
        return ContextResult(
            query=query,
            memories=memories,
            system_prompt_addition=rendered.text,
            context_token_count=rendered.token_count,
            memories_from_hot_tier=sum(1 for m in memories if m.id in retrieval.from_hot),
            clarification_question=clarification_question,
            mode=self.parts.mode(search=retrieval.search, extra_notes=retrieval.notes, reranker=retrieval.reranker),
        )

    # -- access statistics, written in batches off the hot path -------------------------

    async def note_access(self, principal: Principal, user_id: str, memories: Sequence[Memory]) -> None:
        """Count the access in the cached copies now; SQL is updated by ``flush_access``."""
        if not memories:
            return
        now = self.parts.clock.now()
        boost = self.parts.settings.access_boost
        self._pending_access.setdefault(principal.tenant_id, Counter()).update(m.id for m in memories)
        bumped = [
            m.model_copy(
                update={
                    "access_count": m.access_count + 1,
                    "last_accessed_at": now,
                    "importance_score": round(min(1.0, m.importance_score + boost), 6),
                    "relevance_score": None,
                    "rendered": None,
                }
            )
            for m in memories
            if m.user_id == user_id  # shared memories are cached under their own key
        ]
        await self.parts.hot.put_memories(principal.tenant_id, user_id, bumped)

    async def flush_access(self) -> int:
        pending, self._pending_access = self._pending_access, {}
        now = self.parts.clock.now()
        for tenant_id, counts in pending.items():
            await self.parts.store.record_access(tenant_id, counts, now, boost=self.parts.settings.access_boost)
        return sum(len(counts) for counts in pending.values())

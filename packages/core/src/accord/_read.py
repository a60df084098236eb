"""The read path: search, hydrate (hot tier first), rank, and build the context."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from accord import lexical
from accord._components import Components, Principal
from accord._errors import StorageError
from accord._models import ClarificationQuestion, ContextFormat, ContextResult, Memory, MemoryStatus
from accord.context import build_context
from accord.ports import SHARED_USER_ID, IndexHits, IndexQuery
from accord.ranking import RankWeights, fuse_hits, held_at, rank_candidates

log = logging.getLogger("accord.read")

_SQL_FALLBACK_SCAN = 5_000


@dataclass(frozen=True, slots=True)
class Retrieval:
    ranked: list[Memory]
    from_hot: set[str]
    search: str
    notes: list[str]


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
        """
        if categories is not None and not categories:
            return Retrieval(ranked=[], from_hot=set(), search="none", notes=["no readable categories"])
        now = self.parts.clock.now()
        created_after = now - dt.timedelta(days=time_filter_days) if time_filter_days else None
        # Looking back in time needs archived memories too, and more of them.
        pool = max(limit * 3, 30) * (3 if as_of else 1)
        statuses = ("active", "archived") if as_of else ("active",)
        notes: list[str] = []
        try:
            hits, search = await self._search(principal, user_id, query, pool, categories, created_after, statuses, agent_ids)
        except StorageError as e:
            log.warning("index search failed, using SQL keyword search: %s", e)
            notes.append(f"index unavailable ({type(e).__name__}); keyword search in SQL")
            hits, search = await self._sql_keyword(principal, user_id, query, pool, categories, created_after), "sql_keyword"
        relevance = fuse_hits(hits, method=self.parts.settings.fusion, dense_weight=self.parts.settings.dense_weight)
        top_ids = sorted(relevance, key=relevance.__getitem__, reverse=True)[:pool]
        memories, from_hot = await self._hydrate(principal, user_id, top_ids)
        for m in [] if as_of or agent_ids else await self._profile(principal, user_id, categories, created_after):
            # The user's core facts (diet, employer, name...) matter whatever the query's words
            # are; they join as candidates with no relevance, so matches still come first.
            if m.id not in memories:
                memories[m.id] = m
                relevance[m.id] = 0.0
                top_ids.append(m.id)
        allowed = set(categories) if categories is not None else None
        shared = set(shared_categories) if shared_categories is not None else allowed
        candidates = [
            (m, relevance[m.id])
            for m in (memories[i] for i in top_ids if i in memories)
            if (held_at(m, as_of) if as_of else m.status is MemoryStatus.ACTIVE)
            and (
                (m.user_id == user_id and (allowed is None or m.category.value in allowed))
                or (m.user_id == SHARED_USER_ID and (shared is None or m.category.value in shared))
            )
            and (agent_ids is None or m.agent_id in agent_ids)
            and (created_after is None or m.created_at >= created_after)
        ]
        ranked = rank_candidates(candidates, now, self.weights)[:limit]
        by_id = {m.id: r for m, r in candidates}
        return Retrieval(
            ranked=[m.model_copy(update={"relevance_score": round(by_id[m.id], 6)}) for m, _ in ranked],
            from_hot=from_hot,
            search=search,
            notes=notes,
        )

    async def _profile(
        self,
        principal: Principal,
        user_id: str,
        categories: Sequence[str] | None,
        created_after: dt.datetime | None,
    ) -> list[Memory]:
        s = self.parts.settings
        if s.profile_memories == 0:
            return []
        found = await self.parts.store.top_by_importance(
            principal.tenant_id,
            user_id,
            limit=s.profile_memories,
            min_importance=s.profile_min_importance,
            categories=categories,
        )
        return [m for m in found if created_after is None or m.created_at >= created_after]

    async def _search(
        self,
        principal: Principal,
        user_id: str,
        query: str,
        pool: int,
        categories: Sequence[str] | None,
        created_after: dt.datetime | None,
        statuses: Sequence[str],
        agent_ids: Sequence[str] | None,
    ) -> tuple[IndexHits, str]:
        if self.parts.index is None:
            return await self._sql_keyword(principal, user_id, query, pool, categories, created_after), "sql_keyword"
        dense = await self.parts.embedder.embed_query(query) if self.parts.embedder is not None else None
        hits = await self.parts.index.search(
            IndexQuery(
                tenant_id=principal.tenant_id,
                user_id=user_id,
                text=query,
                dense=dense,
                limit=pool,
                categories=categories,
                created_after=created_after,
                statuses=statuses,
                agent_ids=agent_ids,
                include_shared=True,
            )
        )
        return hits, "hybrid" if dense is not None else "lexical"

    async def _sql_keyword(
        self,
        principal: Principal,
        user_id: str,
        query: str,
        pool: int,
        categories: Sequence[str] | None,
        created_after: dt.datetime | None,
    ) -> IndexHits:
        """BM25 over the user's newest memories read straight from SQL: slower, but needs no index."""
        rows = await self.parts.store.keyword_candidates(
            principal.tenant_id,
            [user_id, SHARED_USER_ID],
            categories=categories,
            created_after=created_after,
            limit=_SQL_FALLBACK_SCAN,
        )
        scores = lexical.bm25_scores(query, [text for _, text in rows])
        ranked = sorted(
            ((memory_id, s) for (memory_id, _), s in zip(rows, scores, strict=True) if s > 0),
            key=lambda pair: pair[1],
            reverse=True,
        )
        return IndexHits(lexical=ranked[:pool])

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
    ) -> ContextResult:
        rendered = build_context(retrieval.ranked, fmt, max_tokens)
        return ContextResult(
            query=query,
            memories=rendered.memories,
            system_prompt_addition=rendered.text,
            context_token_count=rendered.token_count,
            memories_from_hot_tier=sum(1 for m in rendered.memories if m.id in retrieval.from_hot),
            clarification_question=clarification_question,
            mode=self.parts.mode(search=retrieval.search, extra_notes=retrieval.notes),
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

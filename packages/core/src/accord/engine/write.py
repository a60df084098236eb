"""The write path: gate, durable enqueue, and applying a job's extraction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
import uuid
from collections.abc import Sequence

from accord.domain import gate

from accord.domain import lexical
from accord.domain.principal import Principal
from accord.engine.components import Components
from accord.errors import StorageError
from accord.domain.models import AddResult, Category, ExtractedMemory, Job, Message, SourceKind
from accord.domain.conflict_rules import Action, Claim, has_change_cue, similarity
from accord.ports import SHARED_USER_ID, IndexPoint
from accord.domain.qualifiers import qualify
from accord.domain.records import ApplyResult, NewMemory, NewMessage, content_hash

log = logging.getLogger("accord.write")

# Similarities where the rules insert, but a model may see a duplicate or a refinement.
GRAY_ZONE = (0.3, 0.5)
EPISODIC_IMPORTANCE = {"user": 0.35, "assistant": 0.25, "tool": 0.15}
_NEIGHBOUR_CHARS = 400


def _speaker(message: Message) -> str:
    return message.name or message.role


def episodic_index_text(
    turns: Sequence[Message],
    i: int,
    *,
    said_at: dt.datetime | None = None,
    previous_weight: float = 0.5,
    next_weight: float = 0.2,
    date_weight: float = 0.5,
) -> str:
    """A turn indexed together with its neighbours of the same session, as weighted segments.

    A reply often only matches a later question through the turn it answers ("Yes, in
    May!" answers "Did you go to Lisbon?"), so the previous turn is part of what is searched,
    at a lower weight: otherwise the reply that echoes a turn outranks the turn itself. The
    next turn (lexical only, lower still) helps a question find its answer, and the date it
    was said lets "what did Ann do on 8 May 2023?" match.
    """
    here = f"{_speaker(turns[i])}: {turns[i].content}"
    context = [(turns[i - 1].content[:_NEIGHBOUR_CHARS], previous_weight)] if i > 0 else []
    keywords = [(turns[i + 1].content[:_NEIGHBOUR_CHARS], next_weight)] if i + 1 < len(turns) else []
    if said_at is not None:
        keywords.append((lexical.date_words(said_at), date_weight))
    return lexical.compose_index_text(here, context=context, keywords=keywords)


class Writer:
    def __init__(self, parts: Components) -> None:
        self.parts = parts

    async def check_gate(
        self, principal: Principal, user_id: str, messages: Sequence[Message], fp: str, idempotency_key: str | None
    ) -> AddResult | None:
        """L1 rate, L2 quality, L3 dedup, L4 budget, in that order; a blocked result or None."""
        s = self.parts.settings
        bucket = f"rate:{principal.tenant_id}:{principal.agent_id or '-'}"
        wait = await self.parts.hot.take_token(bucket, s.rate_limit_per_minute / 60.0, s.rate_limit_burst, time.time())
        if wait > 0:
            return AddResult(job_id=None, status="blocked", blocked_reason="rate_limit_exceeded", retry_after_seconds=wait)
        if gate.is_low_quality(messages):
            return AddResult(job_id=None, status="blocked", blocked_reason="low_quality")
        store, now = self.parts.store, self.parts.clock.now()
        previous = None
        if idempotency_key is not None:
            previous = await store.find_job_by_idempotency_key(principal.tenant_id, user_id, idempotency_key)
        if previous is None and s.dedup_window_seconds > 0:
            since = now.timestamp() - s.dedup_window_seconds
            previous = await store.find_recent_job(
                principal.tenant_id, user_id, fp, now.fromtimestamp(since, tz=now.tzinfo)
            )
        if previous is not None:
            return AddResult(job_id=previous, status="blocked", blocked_reason="duplicate")
        quota = await store.tenant_quota(principal.tenant_id)
        quota = quota if quota is not None else s.tenant_memory_quota
        if quota is not None and gate.budget_exceeded(await store.count_active(principal.tenant_id), len(messages), quota):
            return AddResult(job_id=None, status="blocked", blocked_reason="budget_exhausted")
        return None

    async def enqueue(
        self,
        principal: Principal,
        user_id: str,
        messages: Sequence[Message],
        *,
        session_id: str | None,
        metadata: dict[str, object],
        idempotency_key: str | None,
        fp: str,
        episodic: bool = True,
    ) -> AddResult:
        """Store the raw turns (searchable at once as episodic memories) and the job, in one transaction.

        With ``episodic=False`` (the caller may not write episodic memories) the turns are
        kept for extraction only.
        """
        now = self.parts.clock.now()
        job_id = str(uuid.uuid4())
        new_messages = [
            NewMessage(
                id=str(uuid.uuid4()),
                position=i,
                role=m.role,
                content=m.content,
                said_at=m.created_at or now,
                name=m.name,
                metadata={**metadata, **m.metadata},
            )
            for i, m in enumerate(messages)
        ]
        turns = [(i, m) for i, m in enumerate(messages) if m.role != "system"] if episodic else []
        s, said = self.parts.settings, [m for _, m in turns]
        weights = {
            "previous_weight": s.index_previous_turn_weight,
            "next_weight": s.index_next_turn_weight,
            "date_weight": s.index_date_weight,
        }
        texts = [episodic_index_text(said, j, said_at=m.created_at or now, **weights) for j, m in enumerate(said)]
        vectors = await self._embed(texts)
        rows = [
            NewMemory(
                id=str(uuid.uuid4()),
                user_id=user_id,
                content=m.content,
                content_hash=content_hash(m.content),
                index_text=texts[j],
                category=Category.EPISODIC.value,
                importance=EPISODIC_IMPORTANCE.get(m.role, 0.2),
                source_kind=(SourceKind.TOOL if m.role == "tool" else SourceKind.EPISODIC).value,
                source_role=m.role,
                session_id=session_id,
                message_id=new_messages[i].id,
                job_id=job_id,
                agent_id=principal.agent_id,
                trusted=m.role != "tool",
                valid_from=m.created_at or now,
                metadata={**metadata, **m.metadata, **({"speaker": m.name} if m.name else {})},
                embedding=vectors[j] if vectors else None,
                embedding_model=self.parts.embedder.name if vectors and self.parts.embedder else None,
            )
            for j, (i, m) in enumerate(turns)
        ]
        existing = await self.parts.store.enqueue(
            tenant_id=principal.tenant_id,
            user_id=user_id,
            agent_id=principal.agent_id,
            session_id=session_id,
            job_id=job_id,
            content_hash=fp,
            idempotency_key=idempotency_key,
            new_messages=new_messages,
            episodic=rows,
            now=now,
        )
        if existing is not None:  # lost a race on the same idempotency key
            return AddResult(job_id=existing, status="blocked", blocked_reason="duplicate")
        await self.index_new(principal.tenant_id, [_point(principal.tenant_id, m, now) for m in rows])
        return AddResult(job_id=job_id, status="queued", episodic_memory_ids=[m.id for m in rows])

    async def _embed(self, texts: Sequence[str]) -> list | None:
        """Dense vectors of index texts (their main text and context segments), or None."""
        if self.parts.embedder is None or not texts:
            return None
        return await self.parts.embedder.embed_documents([lexical.dense_text(t) for t in texts])

    async def index_new(self, tenant_id: str, points: Sequence[IndexPoint]) -> bool:
        """Index points now; on failure the job's final step re-indexes them from SQL."""
        if self.parts.index is None or not points:
            return True
        try:
            await self.parts.index.upsert(points)
            return True
        except StorageError as e:
            log.warning("index upsert failed, the worker will retry from SQL: %s", e)
            return False

    # -- job processing (called by the worker) -----------------------------------------

    async def extract(self, job: Job) -> tuple[list[ExtractedMemory], str]:
        """The job's extracted memories and what served them (``rules``, ``llm:<model>``,
        ``rules_fallback``)."""
        messages = await self.parts.store.job_messages(job.tenant_id, job.id)
        return await self.parts.extractor.extract_served(messages)

    async def add_hints(self, job: Job, extracted: list[ExtractedMemory]) -> list[ExtractedMemory]:
        """Ask the LLM classifier about the cases the rules cannot decide.

        Only memories without an attribute, close to a stored one of the same category but
        under the rules' merge and duplicate thresholds, are asked about. The verdict rides
        on the extraction (saved before applying), so a replay applies the same decision.
        """
        classifier = self.parts.classifier
        if classifier is None:
            return extracted
        out = []
        for e in extracted:
            if e.attribute_key is not None or e.resolution_hint is not None:
                out.append(e)
                continue
            stored = await self.parts.store.list_memories(job.tenant_id, job.user_id, categories=[e.category.value], limit=50)
            close = [(similarity(e.content, m.content), m) for m in stored if m.attribute_key is None]
            gray = [pair for pair in close if GRAY_ZONE[0] <= pair[0] < GRAY_ZONE[1]]
            if not gray:
                out.append(e)
                continue
            _, existing = max(gray, key=lambda pair: pair[0])
            decision = await classifier.decide(
                Claim(content=e.content, category=e.category.value, confidence=e.confidence),
                Claim(content=existing.content, category=existing.category.value, confidence=existing.confidence, id=existing.id),
            )
            if decision is None or decision.action is Action.INSERT:
                out.append(e)
                continue
            hint = {"action": decision.action.value, "target_id": existing.id, "reason": decision.reason}
            if decision.merged_content:
                hint["merged_content"] = decision.merged_content
            if decision.question:
                hint["question"] = decision.question
            out.append(e.model_copy(update={"resolution_hint": hint}))
        return out

    async def plan(self, job: Job, extracted: Sequence[ExtractedMemory]) -> list[NewMemory]:
        """Turn the saved extraction into candidate rows; conflict resolution decides their fate."""
        unique: dict[str, ExtractedMemory] = {}
        for e in extracted:
            unique.setdefault(content_hash(e.content), qualify(e))
        items = list(unique.items())
        vectors = await self._embed([e.content for _, e in items])
        messages = await self.parts.store.job_messages(job.tenant_id, job.id) if items else []
        new = []
        for j, (h, e) in enumerate(items):
            known = e.message_index is not None and 0 <= e.message_index < len(messages)
            said = messages[e.message_index] if known else None  # type: ignore[index]
            from_tool = said is not None and said.role == "tool"
            new.append(
                NewMemory(
                    id=str(uuid.uuid5(uuid.UUID(job.id), h)),  # deterministic: a replay yields the same ids
                    user_id=job.user_id,
                    content=e.content,
                    content_hash=h,
                    index_text=e.content,
                    category=e.category.value,
                    importance=e.importance,
                    confidence=e.confidence,
                    attribute_key=e.attribute_key,
                    attribute_value=e.attribute_value,
                    # Memories drawn from tool output are kept out of prompts (untrusted).
                    source_kind=(SourceKind.TOOL if from_tool else SourceKind.EXTRACTED).value,
                    source_role=said.role if said is not None else "user",
                    trusted=not from_tool,
                    session_id=job.session_id,
                    message_id=job.message_ids[e.message_index] if known else None,  # type: ignore[index]
                    job_id=job.id,
                    agent_id=job.agent_id,
                    valid_from=e.valid_from or (said.created_at if said is not None else None),
                    valid_to=e.valid_to,
                    embedding=vectors[j] if vectors else None,
                    embedding_model=self.parts.embedder.name if vectors and self.parts.embedder else None,
                    scope=e.scope.value,
                    negated=e.negated,
                    context=e.context,
                    change_cue=has_change_cue(said.content) if said is not None else False,
                    said_at=said.created_at if said is not None else None,
                    hint=e.resolution_hint,
                )
            )
        return new

    async def after_apply(self, job: Job, result: ApplyResult) -> None:
        """Embed what the resolver wrote without a vector (merges), index every row the job
        created or changed, and drop changed rows from the hot tier."""
        tenant = job.tenant_id
        ids = list(dict.fromkeys([*result.created, *result.touched]))
        await self.index_from_sql(tenant, job_id=job.id)
        if ids:
            await self.index_from_sql(tenant, ids=ids)
        if result.touched:
            for user in {job.user_id, SHARED_USER_ID}:
                await self.parts.hot.invalidate(tenant, user, result.touched)

    async def with_current_vectors(self, batch: Sequence[IndexPoint]) -> list[IndexPoint]:
        """Records with vectors from the current embedder: stale or missing ones are re-embedded
        (and saved); with no embedder, vectors are dropped (lexical index)."""
        embedder = self.parts.embedder
        if embedder is None:
            return [dataclasses.replace(r, dense=None) for r in batch]
        stale = [r for r in batch if r.dense is None or r.embedding_model != embedder.name]
        if not stale:
            return list(batch)
        vectors = await embedder.embed_documents([lexical.dense_text(r.text) for r in stale])
        fresh = {r.memory_id: v for r, v in zip(stale, vectors, strict=True)}
        for tenant in {r.tenant_id for r in stale}:
            await self.parts.store.set_embeddings(
                tenant,
                {r.memory_id: (fresh[r.memory_id], embedder.name) for r in stale if r.tenant_id == tenant},
            )
        return [
            dataclasses.replace(r, dense=fresh[r.memory_id], embedding_model=embedder.name) if r.memory_id in fresh else r
            for r in batch
        ]

    async def index_from_sql(
        self, tenant_id: str, *, ids: Sequence[str] | None = None, job_id: str | None = None
    ) -> None:
        """Upsert memories into the index as SQL has them (idempotent by memory id), with
        vectors from the current embedder. SQL is the truth; the index follows it."""
        if self.parts.index is None:
            return
        async for batch in self.parts.store.index_records(tenant_id=tenant_id, ids=ids, job_id=job_id):
            await self.parts.index.upsert(await self.with_current_vectors(batch))


def _point(tenant_id: str, m: NewMemory, now: object) -> IndexPoint:
    return IndexPoint(
        memory_id=m.id,
        tenant_id=tenant_id,
        user_id=m.user_id,
        category=m.category,
        status="active",
        created_at=now,  # type: ignore[arg-type]
        text=m.index_text,
        dense=m.embedding,
        agent_id=m.agent_id,
        session_id=m.session_id,
    )

"""The write path up to the job: the gate (L1-L4) and one transaction for the turns, their episodic
memories and the job. What happens next is :mod:`accord.engine.job`."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Sequence

from accord.domain import gate
from accord.engine import webhooks

from accord.domain import lexical
from accord.domain.dates import resolved_dates
from accord.domain.principal import Principal
from accord.engine.components import Components
from accord.engine.indexing import Indexer
from accord.domain.models import AddResult, Category, Message, SourceKind
from accord.ports import IndexPoint
from accord.domain.records import NewMemory, NewMessage, content_hash
from accord.domain.webhooks import OutboxEvent


EPISODIC_IMPORTANCE = {"user": 0.35, "assistant": 0.25, "tool": 0.15}
# The pace of the workers, for a blocked add's retry_after_seconds: jobs finished in the last minute.
BACKLOG_WINDOW_SECONDS = 60.0
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
    caption_weight: float = 0.5,
) -> str:
    """A turn indexed together with its neighbours of the same session, as weighted segments.

    A reply often only matches a later question through the turn it answers ("Yes, in
    May!" answers "Did you go to Lisbon?"), so the previous turn is part of what is searched,
    at a lower weight: otherwise the reply that echoes a turn outranks the turn itself. The
    next turn (lexical only, lower still) helps a question find its answer, and the date it
    was said lets "what did Ann do on 8 May 2023?" match, and so do the days its relative times
    name ("last Friday", "two weeks ago"), resolved from when it was said. A shared image's
    caption (``metadata["caption"]``) is its own, lighter field: it describes the turn but is
    not what the user said.
    """
    here = f"{_speaker(turns[i])}: {turns[i].content}"
    context = [(turns[i - 1].content[:_NEIGHBOUR_CHARS], previous_weight)] if i > 0 else []
    caption = turns[i].metadata.get("caption")
    if isinstance(caption, str) and caption.strip():
        context.append((caption[:_NEIGHBOUR_CHARS], caption_weight))
    keywords = [(turns[i + 1].content[:_NEIGHBOUR_CHARS], next_weight)] if i + 1 < len(turns) else []
    if said_at is not None:
        keywords.append((lexical.date_words(said_at), date_weight))
        keywords += [(words, date_weight) for words in resolved_dates(turns[i].content, said_at)]
    return lexical.compose_index_text(here, context=context, keywords=keywords)


class Writer:
    """The first half of ``add()``: the gate, then the durable enqueue (the job does the rest)."""

    def __init__(self, parts: Components, indexer: Indexer) -> None:
        self.parts = parts
        self.indexer = indexer

    def _decided(self, result: AddResult) -> AddResult:
        self.parts.gate_decisions[result.blocked_reason or result.status] += 1
        return result

    async def _refused(self, principal: Principal, user_id: str, messages: Sequence[Message], result: AddResult) -> AddResult:
        chars = sum(len(m.content) for m in messages)
        await webhooks.note_gate_refusal(parts=self.parts, principal=principal, user_id=user_id,
                                         decision=result.blocked_reason or "blocked", chars=chars, n=len(messages))
        return self._decided(result)

    async def check_gate(
        self, principal: Principal, user_id: str, messages: Sequence[Message], fp: str, idempotency_key: str | None
    ) -> tuple[AddResult | None, list[OutboxEvent]]:
        """L1 rate, L0 backlog, L2 quality, L3 dedup, L4 budget, in that order: a blocked result
        or None, and the quota marks an accepted add reaches (for :meth:`enqueue` to queue)."""
        marks: list[OutboxEvent] = []
        blocked = await self._gate(principal, user_id, messages, fp, idempotency_key, marks)
        if blocked is None:
            return None, marks
        return await self._refused(principal, user_id, messages, blocked), []

    async def _gate(
        self, principal: Principal, user_id: str, messages: Sequence[Message], fp: str, idempotency_key: str | None,
        marks: list[OutboxEvent],
    ) -> AddResult | None:
        s = self.parts.settings
        bucket = f"rate:{principal.tenant_id}:{principal.agent_id or '-'}"
        wait = await self.parts.hot.take_token(bucket, s.rate_limit_per_minute / 60.0, s.rate_limit_burst, time.time())
        if wait > 0:
            return AddResult(job_id=None, status="blocked", blocked_reason="rate_limit_exceeded", retry_after_seconds=wait)
        store, now = self.parts.store, self.parts.clock.now()
        backlog = await self._backlog(principal.tenant_id, now)
        if backlog is not None:
            return backlog
        if gate.is_low_quality(messages):
            return AddResult(job_id=None, status="blocked", blocked_reason="low_quality")
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
        if quota is not None:
            used = await store.quota_used(principal.tenant_id)
            marks += webhooks.quota_events(self.parts, principal.tenant_id, used + len(messages), quota)
            if gate.budget_exceeded(used, len(messages), quota):
                await webhooks.note_quota_refused(self.parts, marks)
                return AddResult(job_id=None, status="blocked", blocked_reason="budget_exhausted")
        return None

    async def _backlog(self, tenant_id: str, now: dt.datetime) -> AddResult | None:
        """Blocked when the tenant's open jobs reached the limit, with the wait the recent pace gives."""
        limit = self.parts.settings.max_pending_jobs_per_tenant
        if limit is None:
            return None
        since = now - dt.timedelta(seconds=BACKLOG_WINDOW_SECONDS)
        pending, done = await self.parts.store.job_backlog(tenant_id, since)
        if not gate.backlog_full(pending, limit):
            return None
        wait = gate.backlog_retry_after(
            pending=pending, limit=limit, done_recently=done, window_seconds=BACKLOG_WINDOW_SECONDS
        )
        return AddResult(job_id=None, status="blocked", blocked_reason="backlog", retry_after_seconds=wait)

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
        events: Sequence[OutboxEvent] = (),
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
            "caption_weight": s.index_caption_weight,
        }
        texts = [episodic_index_text(said, j, said_at=m.created_at or now, **weights) for j, m in enumerate(said)]
        vectors = await self.indexer.embed(texts)
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
                # "turn": its place among this add()'s turns, so a reranker can look at its neighbours.
                metadata={**metadata, **m.metadata, **({"speaker": m.name} if m.name else {}), "turn": j},
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
            events=events,  # the quota marks this add reaches, in its transaction
        )
        if existing is not None:  # lost a race on the same idempotency key (nothing written, no marks)
            return self._decided(AddResult(job_id=existing, status="blocked", blocked_reason="duplicate"))
        webhooks.quota_queued(self.parts, list(events))  # committed with the add: skip them from now on
        await self.indexer.index_new(principal.tenant_id, [_point(principal.tenant_id, m, now) for m in rows])
        return self._decided(AddResult(job_id=job_id, status="queued", episodic_memory_ids=[m.id for m in rows]))

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

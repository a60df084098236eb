"""One job's life, top to bottom: claim -> extract (output saved) -> plan -> apply -> index -> done.

``add()`` stored the turns and a job in one transaction (:mod:`accord.engine.write`); a worker then
claims the job with a lease and runs the steps below. Each step is recoverable. The extractor's
output is saved on the job before it is applied, so a job re-claimed after a crash (its lease
expired) replays the same output; memory ids are derived from the job id, so the replay inserts
nothing twice; conflict resolution is planned by pure rules and applied by the store in one
transaction; indexing is an idempotent upsert by memory id, and the job is only marked done after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Sequence

from accord.domain.conflict_rules import Action, Claim, has_change_cue, similarity
from accord.engine import webhooks
from accord.domain.shifts import shift_anchors
from accord.domain.models import ExtractedMemory, Job, JobStatus, Message, SourceKind
from accord.domain.qualifiers import qualify
from accord.domain.records import ApplyResult, NewMemory, content_hash
from accord.domain.safety import clean_text, visible_text
from accord.engine.authz import Authorizer
from accord.engine.components import Components
from accord.engine.domains import DomainOverlay
from accord.engine.indexing import Indexer
from accord.engine.graph_write import feed_graph
from accord.errors import AccordError, DiskFullError, ProviderUnavailable
from accord.ports import SHARED_USER_ID

log = logging.getLogger("accord.worker")

# How long a job waits for space on a full disk before it is tried again.
DISK_FULL_RETRY_SECONDS = 5.0

# Similarities where the rules insert, but a model may see a duplicate or a refinement.
GRAY_ZONE = (0.3, 0.5)


class Worker:
    def __init__(
        self, parts: Components, indexer: Indexer, authz: Authorizer, *, poll_interval: float = 1.0, domains: DomainOverlay | None = None
    ) -> None:
        self.parts = parts
        self.domains = domains
        self.indexer = indexer
        self.authz = authz
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._finished: dict[str, asyncio.Event] = {}

    def wake(self) -> None:
        self._wake.set()

    def finished_event(self, job_id: str) -> asyncio.Event:
        return self._finished.setdefault(job_id, asyncio.Event())

    # -- one job -------------------------------------------------------------------------

    async def run_once(self) -> bool:
        """Claim and process one job; False when none was claimable."""
        s = self.parts.settings
        job = await self.parts.store.claim_job(self.id, self.parts.clock.now(), s.job_lease_seconds, s.job_max_attempts)
        if job is None:
            return False
        try:
            await self.process(job)
        except ProviderUnavailable as e:
            # Every LLM provider is down and the policy is to wait: the job goes back to the
            # queue untouched, to be replayed once they recover. It is never dropped.
            log.info("job %s waits %.0fs for an LLM provider", job.id, e.retry_after_seconds)
            await self.parts.store.defer_job(
                job.id, self.id, self.parts.clock.now(), e.retry_after_seconds, "waiting for an LLM provider"
            )
        except DiskFullError as e:
            # Nothing is wrong with the job, the disk is: spending its attempts would fail it
            # for good while the operator frees space. It waits instead (if the disk still
            # refuses even this write, its lease runs out and it is claimed again).
            log.warning("job %s waits %.0fs for disk space: %s", job.id, DISK_FULL_RETRY_SECONDS, e)
            await self.parts.store.defer_job(job.id, self.id, self.parts.clock.now(), DISK_FULL_RETRY_SECONDS, str(e))
        except AccordError as e:
            log.warning("job %s failed (attempt %d): %s", job.id, job.attempts, e)
            retry = job.attempts < s.job_max_attempts
            # The last failure queues job.failed in the same transaction (the outbox).
            events = [] if retry else webhooks.job_failed_events(job, str(e))
            await self.parts.store.fail_job(job.id, self.id, str(e), self.parts.clock.now(), retry=retry, events=events)
        finally:
            event = self._finished.pop(job.id, None)
            if event is not None:
                event.set()
        return True

    async def process(self, job: Job) -> None:
        """The steps of a claimed job; a lost lease (another worker has it) ends it quietly."""
        store, now = self.parts.store, self.parts.clock.now
        messages = await store.job_messages(job.tenant_id, job.id)
        extracted = job.extraction
        if extracted is None:
            # The extractor reads what a person would see: hidden characters removed first.
            readable = [
                m if (text := visible_text(m.content)) == m.content else m.model_copy(update={"content": text})
                for m in messages
            ]
            extracted, served_by = await self.parts.extractor.extract_served(readable)
            extracted = await self._with_hints(job, extracted)
            if self.domains is not None:  # the tenant's domain overlay, saved with the extraction
                extracted = await self.domains.overlay(job, readable, extracted)
            if not await store.save_extraction(job.id, self.id, extracted, served_by, now()):
                return
        # Access is checked again now: a grant or consent revoked while the job waited
        # means nothing of it is written.
        access = await self.authz.agent_access(job.tenant_id, job.agent_id, job.user_id)
        candidates = [c for c in await self._candidates(job, extracted, messages) if access.can_write(c.category)]
        result = await store.apply_job(
            job.id,
            self.id,
            job.tenant_id,
            candidates,
            now(),
            stated_by=job.user_id,
            said_at=job.created_at,
            shared_policy=self.parts.settings.shared_fact_policy,
            quota=await self._quota(job.tenant_id),
            events_for=webhooks.review_events(job),  # conflict.review_needed, in the apply's transaction
        )
        if result is None:
            return
        await self._index(job, result)
        if self.domains is not None:
            await self.domains.record(job, extracted, messages, access.can_write)
        await feed_graph(self.parts, job)
        await store.complete_job(job.id, self.id, now())

    async def _quota(self, tenant_id: str) -> int | None:
        """The tenant's own memory quota, else the engine's default (as the gate reads it)."""
        quota = await self.parts.store.tenant_quota(tenant_id)
        return quota if quota is not None else self.parts.settings.tenant_memory_quota

    # -- the steps ---------------------------------------------------------------------------

    async def _with_hints(self, job: Job, extracted: list[ExtractedMemory]) -> list[ExtractedMemory]:
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

    async def _candidates(
        self, job: Job, extracted: Sequence[ExtractedMemory], messages: Sequence[Message]
    ) -> list[NewMemory]:
        """Turn the saved extraction into candidate rows; conflict resolution decides their fate."""
        unique: dict[str, ExtractedMemory] = {}
        for e in extracted:
            # Derived text is stored clean: one line, no invisible, bidi or tag characters
            # (a raw turn keeps what was said; it is made safe when rendered).
            content = clean_text(e.content)
            if content:
                unique.setdefault(content_hash(content), qualify(e.model_copy(update={"content": content})))
        items = list(unique.items())
        vectors = await self.indexer.embed([e.content for _, e in items])
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
                    shift_anchors=(
                        shift_anchors(said.content, e.content, negated=e.negated)
                        if said is not None and not from_tool
                        else frozenset()
                    ),
                    said_at=said.created_at if said is not None else None,
                    hint=e.resolution_hint,
                )
            )
        return new

    async def _index(self, job: Job, result: ApplyResult) -> None:
        """Embed what the resolver wrote without a vector (merges), index every row the job
        created or changed, and drop changed rows from the hot tier."""
        tenant = job.tenant_id
        ids = list(dict.fromkeys([*result.created, *result.touched]))
        # When the index fails, the memories are in SQL (the truth) and the job is done all the
        # same: the index is marked stale, reads use SQL until the repair task has rebuilt it,
        # and a caller waiting on the job is not kept waiting on retries against a dead index.
        if await self.indexer.follow_sql(tenant, job_id=job.id) and ids:
            await self.indexer.follow_sql(tenant, ids=ids)
        if result.touched:
            for user in {job.user_id, SHARED_USER_ID}:
                await self.parts.hot.invalidate(tenant, user, result.touched)

    # -- the loop ------------------------------------------------------------------------------

    async def drain(self) -> int:
        """Process claimable jobs until none is left; returns how many ran."""
        n = 0
        while await self.run_once():
            n += 1
        return n

    async def run_forever(self) -> None:
        while True:
            try:
                if await self.run_once():
                    continue
            except (AccordError, OSError) as e:
                # A store hiccup must not stop the worker; the job's lease lets it be retried.
                log.error("worker %s: %s", self.id, e)
            self._wake.clear()
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # arrives as the event fires, and close() would then wait forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_interval):
                    await self._wake.wait()


def job_is_final(job: Job | None) -> bool:
    return job is None or job.status in (JobStatus.DONE, JobStatus.FAILED)

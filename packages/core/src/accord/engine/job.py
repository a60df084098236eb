"""The job worker: claims leased jobs and runs extraction, resolution and indexing.

Each step is recoverable. The extractor's output is saved on the job before it is applied,
so a job re-claimed after a crash (its lease expired) replays the same output; memory ids
are derived from the job id, so the replay inserts nothing twice; indexing is an idempotent
upsert by memory id, and the job is only marked done after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid

from accord.engine.authz import Authorizer
from accord.engine.components import Components
from accord.errors import AccordError
from accord.domain.models import Job, JobStatus
from accord.engine.write import Writer
from accord.adapters.llm.extractor import ProviderUnavailable

log = logging.getLogger("accord.engine.job")


class Worker:
    def __init__(self, parts: Components, writer: Writer, authz: Authorizer, *, poll_interval: float = 1.0) -> None:
        self.parts = parts
        self.writer = writer
        self.authz = authz
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._finished: dict[str, asyncio.Event] = {}

    def wake(self) -> None:
        self._wake.set()

    def finished_event(self, job_id: str) -> asyncio.Event:
        return self._finished.setdefault(job_id, asyncio.Event())

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
            await self.parts.store.defer_job(job.id, self.id, self.parts.clock.now(), e.retry_after_seconds)
        except AccordError as e:
            log.warning("job %s failed (attempt %d): %s", job.id, job.attempts, e)
            await self.parts.store.fail_job(
                job.id, self.id, str(e), self.parts.clock.now(), retry=job.attempts < s.job_max_attempts
            )
        finally:
            event = self._finished.pop(job.id, None)
            if event is not None:
                event.set()
        return True

    async def process(self, job: Job) -> None:
        store, now = self.parts.store, self.parts.clock.now
        extracted = job.extraction
        if extracted is None:
            extracted, served_by = await self.writer.extract(job)
            extracted = await self.writer.add_hints(job, extracted)
            if not await store.save_extraction(job.id, self.id, extracted, served_by, now()):
                return  # lease lost: another worker has the job
        # Access is checked again now: a grant or consent revoked while the job waited
        # means nothing of it is written.
        access = await self.authz.agent_access(job.tenant_id, job.agent_id, job.user_id)
        candidates = [c for c in await self.writer.plan(job, extracted) if access.can_write(c.category)]
        result = await store.apply_job(
            job.id,
            self.id,
            job.tenant_id,
            candidates,
            now(),
            stated_by=job.user_id,
            said_at=job.created_at,
            shared_policy=self.parts.settings.shared_fact_policy,
        )
        if result is None:
            return  # lease lost
        await self.writer.after_apply(job, result)
        await store.complete_job(job.id, self.id, now())

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

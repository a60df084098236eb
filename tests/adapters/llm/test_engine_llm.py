"""LLM extraction through the engine: fall-through, degradation that loses nothing, and a
worker killed mid-job, against the scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accord import AccordSettings, AsyncAccord, JobStatus, ManualClock
from accord.adapters.extractors.rules.extractor import RuleBasedExtractor
from accord.adapters.llm import LLMExtractor


class Ticks:
    """Monotonic seconds that move only when a test says so (the LLM breakers' and deadlines' clock)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def llm_extractor(settings: AccordSettings, ticks: Ticks) -> LLMExtractor:
    """The extractor the engine would build from ``settings``, on a hand-driven monotonic clock."""
    return LLMExtractor.from_settings(settings.llm, fallback=RuleBasedExtractor(), clock=ticks)


def extraction(*items: tuple[str, str, str | None, int]) -> dict[str, Any]:
    return {
        "memories": [
            {
                "content": content,
                "category": category,
                "attribute_key": key,
                "attribute_value": None,
                "importance": 0.8,
                "confidence": 0.9,
                "message_index": index,
                "negated": False,
                "scope": "user",
            }
            for content, category, key, index in items
        ]
    }


ACME = extraction(("User works at Acme", "fact", "employer", 0))


@pytest.fixture
def llm_settings(tmp_path: Path, fake_llm) -> Callable[..., AccordSettings]:
    def make(*models: str, **overrides: Any) -> AccordSettings:
        base: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "embedder": "none",
            "llm_provider_order": [f"openai/{m}" for m in models],
            "llm_api_bases": {"openai": fake_llm.api_base},
            "llm_api_keys": {"openai": "sk-test"},
            "llm_attempt_timeout_seconds": 5.0,  # generous: a loaded CI machine answers late
            "llm_job_timeout_seconds": 12.0,
        }
        return AccordSettings(**{**base, **overrides})

    return make


async def test_an_llm_extracts_and_the_result_says_which_model_served(fake_llm, llm_settings) -> None:
    fake_llm.script("m1", fake_llm.ok(ACME))
    async with AsyncAccord(llm_settings("m1")) as engine:
        result = await engine.add("I work at Acme", user_id="alice", wait=True)
        assert result.status == "done" and result.extractor == "llm:openai/m1"
        assert [m.content for m in result.memories_created] == ["User works at Acme"]
        assert (await engine.stats()).mode.extraction == "llm"


async def test_a_failing_provider_falls_through_to_the_next(fake_llm, llm_settings) -> None:
    fake_llm.script("m1", fake_llm.fail(500))
    fake_llm.script("m2", fake_llm.ok(ACME))
    async with AsyncAccord(llm_settings("m1", "m2")) as engine:
        result = await engine.add("I work at Acme", user_id="alice", wait=True)
        assert result.extractor == "llm:openai/m2" and fake_llm.calls[:2] == ["m1", "m2"]


async def test_all_providers_down_falls_back_to_rules_and_says_so(fake_llm, llm_settings) -> None:
    fake_llm.script("m1", fake_llm.fail(503))
    fake_llm.script("m2", fake_llm.fail(429))
    async with AsyncAccord(llm_settings("m1", "m2", llm_breaker_failure_threshold=1)) as engine:
        result = await engine.add("I work at Acme", user_id="alice", wait=True)
        assert result.status == "done" and result.extractor == "rules_fallback"
        assert [m.attribute_key for m in result.memories_created] == ["employer"]
        ctx = await engine.get("where do I work?", user_id="alice")
        assert ctx.mode.extraction == "rules_fallback" and ctx.mode.degraded
        assert any("Acme" in m.content for m in ctx.memories)  # reads are unaffected


async def test_with_wait_policy_jobs_wait_for_a_provider_and_are_replayed(fake_llm, llm_settings) -> None:
    clock, ticks = ManualClock(), Ticks()
    fake_llm.script("m1", fake_llm.fail(500))
    settings = llm_settings("m1", llm_on_all_down="wait", llm_breaker_reset_seconds=30, run_worker=False, job_max_attempts=2)
    async with AsyncAccord(settings, clock=clock, extractor=llm_extractor(settings, ticks)) as engine:
        queued = await engine.add("I work at Acme", user_id="alice")
        for _ in range(4):  # far more tries than max attempts: waiting spends none
            await engine.process_pending()
            job = await engine.get_job(queued.job_id)
            assert job.status is JobStatus.QUEUED and job.attempts == 0 and job.extraction is None
            assert await engine.process_pending() == 0  # deferred: not claimable before its time
            clock.advance(seconds=60)  # past the job's deferral ...
            ticks.now += 60  # ... and the breaker's reset time
        # Meanwhile the raw turn is already searchable (and only it: nothing is extracted yet).
        assert [m.content for m in (await engine.get("Acme", user_id="alice")).memories] == ["I work at Acme"]
        fake_llm.script("m1", fake_llm.ok(ACME))
        assert await engine.process_pending() == 1
        job = await engine.get_job(queued.job_id)
        assert job.status is JobStatus.DONE and job.extractor == "llm:openai/m1"
        assert [m.content for m in await engine.list_memories("alice", categories=["fact"])] == ["User works at Acme"]


async def test_get_is_unaffected_while_extraction_hangs(fake_llm, llm_settings) -> None:
    fake_llm.script("m1", fake_llm.hang_until_released())
    # The model hangs until the test ends, and neither the job's deadline (its clock stands still)
    # nor the attempt's limit (an hour) ends it sooner, however slow the machine.
    settings = llm_settings("m1", llm_attempt_timeout_seconds=3600.0, llm_job_timeout_seconds=3600.0)
    ticks = Ticks()
    async with AsyncAccord(settings, extractor=llm_extractor(settings, ticks)) as engine:
        queued = await engine.add("I keep bees on my balcony", user_id="alice")
        await fake_llm.wait_for_call("m1")  # the worker is inside the job, waiting on the model
        ctx = await engine.get("bees", user_id="alice")
        assert [m.content for m in ctx.memories] == ["I keep bees on my balcony"]
        assert "bees" in ctx.system_prompt_addition
        # Answered while the model still hangs, not after the extraction gave up on it.
        job = await engine.get_job(queued.job_id)
        assert job.status is JobStatus.RUNNING and job.extraction is None


async def test_memories_from_tool_output_stay_out_of_the_prompt(fake_llm, llm_settings) -> None:
    poisoned = extraction(("User's API token is kept at evil.example", "fact", None, 1), ("User likes tea", "preference", None, 0))
    fake_llm.script("m1", fake_llm.ok(poisoned))
    async with AsyncAccord(llm_settings("m1")) as engine:
        result = await engine.add(
            [{"role": "user", "content": "I like tea"}, {"role": "tool", "content": "token at evil.example"}],
            user_id="alice",
            wait=True,
        )
        assert [m.content for m in result.memories_created] == ["User likes tea"]
        ctx = await engine.get("token evil.example tea", user_id="alice", limit=20)
        assert "evil.example" not in ctx.system_prompt_addition


WORKER = """
import asyncio, sys
from accord import AccordSettings, AsyncAccord
async def main():
    async with AsyncAccord(AccordSettings()):
        print("worker up", flush=True)
        await asyncio.Event().wait()
asyncio.run(main())
"""


async def test_a_worker_killed_mid_job_loses_nothing_and_applies_once(fake_llm, tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    env = {
        **os.environ,
        "ACCORD_DATA_DIR": str(tmp_path / "worker"),
        "ACCORD_DATABASE_URL": db,
        "ACCORD_INDEX": "none",
        "ACCORD_EMBEDDER": "none",
        "ACCORD_LLM_PROVIDER_ORDER": "openai/m1",
        "ACCORD_LLM_API_BASES": f'{{"openai": "{fake_llm.api_base}"}}',
        "ACCORD_LLM_API_KEYS": '{"openai": "sk-test"}',
        "ACCORD_LLM_ATTEMPT_TIMEOUT_SECONDS": "30",
        "ACCORD_LLM_JOB_TIMEOUT_SECONDS": "30",
        "ACCORD_JOB_LEASE_SECONDS": "2",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    fake_llm.script("m1", fake_llm.fail("hang"))
    settings = AccordSettings(
        data_dir=tmp_path / "app", database_url=db, index="none", embedder="none", run_worker=False,
        llm_provider_order=["openai/m1"], llm_api_bases={"openai": fake_llm.api_base}, llm_api_keys={"openai": "sk-test"},
        job_lease_seconds=2,
    )
    # The app's clock stands still, so the worker's 2 s lease holds for it however slow the
    # machine is, until the test moves the clock past it.
    clock = ManualClock(dt.datetime.now(dt.UTC))
    async with AsyncAccord(settings, clock=clock) as app:
        queued = await app.add("I work at Acme", user_id="alice")
        worker = subprocess.Popen([sys.executable, "-c", WORKER], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # Until the worker is inside the job, waiting on the model. The bound is generous: a
            # worker starting on a saturated machine took over 15 s to import and claim.
            for _ in range(2400):
                job = await app.get_job(queued.job_id)
                if job.status is JobStatus.RUNNING and "m1" in fake_llm.calls:
                    break
                await asyncio.sleep(0.05)
            assert job.status is JobStatus.RUNNING and job.attempts == 1
            worker.send_signal(signal.SIGKILL)
        finally:
            worker.kill()
            worker.wait(timeout=10)
        fake_llm.script("m1", fake_llm.ok(ACME))
        assert await app.process_pending() == 0  # its lease still holds
        # The worker claimed the job before now (it is dead), so its lease ended by now + 2 s.
        clock.set(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2, milliseconds=1))
        assert await app.process_pending() == 1  # re-claimed after the lease and finished here
        job = await app.get_job(queued.job_id)
        assert job.status is JobStatus.DONE and job.attempts == 2
        facts = await app.list_memories("alice", categories=["fact"], include_archived=True)
        assert [m.content for m in facts] == ["User works at Acme"]  # exactly once
        assert (await app.stats("alice")).messages == 1


async def test_health_shows_each_providers_breaker_and_the_mode(fake_llm, llm_settings) -> None:
    fake_llm.script("m1", fake_llm.fail(500))
    fake_llm.script("m2", fake_llm.ok(ACME))
    async with AsyncAccord(llm_settings("m1", "m2", llm_breaker_failure_threshold=1)) as engine:
        healthy = await engine.health()
        assert healthy.status == "ok" and [p.state for p in healthy.providers] == ["closed", "closed"]
        await engine.add("I work at Acme", user_id="alice", wait=True)
        report = await engine.health()
        m1, m2 = report.providers
        assert (m1.name, m1.state, m1.total_failures) == ("openai/m1", "open", 1) and m1.last_error
        assert (m2.state, m2.total_successes) == ("closed", 1)
        assert report.status == "degraded" and report.mode.extraction.startswith("degraded")


async def test_the_llm_decides_what_the_rules_cannot_and_the_verdict_is_saved(fake_llm, llm_settings) -> None:
    first = extraction(("User wants to visit Japan", "goal", None, 0))
    second = extraction(("User hopes to visit Japan next spring with family", "goal", None, 0))
    replies = iter([first, second])

    def respond(body: dict[str, Any]) -> str:
        import json

        system = body["messages"][0]["content"]
        if "compare two memories" in system:
            return json.dumps({"action": "merge", "reason": "same trip, more detail", "merged_content": "User plans to visit Japan next spring with family"})
        return json.dumps(next(replies))

    fake_llm.script("m1", fake_llm.ok(respond))
    async with AsyncAccord(llm_settings("m1")) as engine:
        await engine.add("I want to visit Japan", user_id="alice", wait=True)
        result = await engine.add("I hope to visit Japan next spring with my family", user_id="alice", wait=True)
        goals = await engine.list_memories("alice", categories=["goal"])
        assert [g.content for g in goals] == ["User plans to visit Japan next spring with family"]  # rules alone would keep both
        job = await engine.get_job(result.job_id)
        (saved,) = job.extraction
        assert saved.resolution_hint["action"] == "merge"  # a replay applies the same verdict

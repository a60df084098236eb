"""Circuit breakers: alone on a fake clock, then inside the router against the fake server."""

from __future__ import annotations

import asyncio

import pytest
from accord.adapters.llm import AllProvidersFailed, BreakerState, CircuitBreaker
from pydantic import BaseModel

MESSAGES = [{"role": "user", "content": "Well?"}]
GOOD = {"answer": "yes"}


class Answer(BaseModel):
    answer: str


# -- the breaker alone --------------------------------------------------------------------


def test_opens_after_consecutive_failures(clock) -> None:
    breaker = CircuitBreaker("p", failure_threshold=3, reset_seconds=30, clock=clock)
    for _ in range(2):
        assert breaker.try_acquire()
        breaker.record_failure("HTTP 500")
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure("HTTP 500")
    assert breaker.state is BreakerState.OPEN
    assert not breaker.try_acquire()
    snap = breaker.snapshot()
    assert (snap.consecutive_failures, snap.total_failures, snap.opened_at) == (3, 3, clock())
    assert snap.last_error == "HTTP 500"


def test_a_success_resets_the_consecutive_count(clock) -> None:
    breaker = CircuitBreaker("p", failure_threshold=2, clock=clock)
    breaker.record_failure("x")
    breaker.record_success()
    breaker.record_failure("x")
    assert breaker.state is BreakerState.CLOSED
    assert breaker.snapshot().total_successes == 1


def test_half_open_lets_exactly_one_probe_through(clock) -> None:
    breaker = CircuitBreaker("p", failure_threshold=1, reset_seconds=30, clock=clock)
    breaker.record_failure("timeout")
    clock.advance(29.9)
    assert breaker.state is BreakerState.OPEN
    assert breaker.retry_after() == pytest.approx(0.1)
    clock.advance(0.1)
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.retry_after() == 0.0
    assert breaker.try_acquire()
    assert not breaker.try_acquire()  # the probe is in flight
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.snapshot().opened_at is None


def test_a_failed_probe_opens_it_again_for_a_full_period(clock) -> None:
    breaker = CircuitBreaker("p", failure_threshold=3, reset_seconds=30, clock=clock)
    for _ in range(3):
        breaker.record_failure("x")
    clock.advance(30)
    assert breaker.try_acquire()
    breaker.record_failure("still down")
    assert breaker.state is BreakerState.OPEN
    assert breaker.snapshot().opened_at == clock()
    clock.advance(29)
    assert not breaker.try_acquire()


def test_release_frees_the_probe_without_a_verdict(clock) -> None:
    breaker = CircuitBreaker("p", failure_threshold=1, reset_seconds=5, clock=clock)
    breaker.record_failure("x")
    clock.advance(5)
    assert breaker.try_acquire()
    breaker.release()
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.try_acquire()


def test_not_configured_is_never_called(clock) -> None:
    breaker = CircuitBreaker("p", clock=clock, configured=False)
    assert breaker.state is BreakerState.NOT_CONFIGURED
    assert not breaker.try_acquire()
    assert breaker.retry_after() is None


def test_rejects_nonsense_tuning() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker("p", failure_threshold=0)


# -- inside the router ----------------------------------------------------------------------


async def test_breaker_opens_and_the_router_skips_the_provider(fake_llm, make_router, clock) -> None:
    fake_llm.script("a", fake_llm.fail(500))
    fake_llm.script("b", fake_llm.ok(GOOD))
    router = make_router("a", "b", clock=clock, failure_threshold=3, reset_seconds=30)
    for _ in range(3):
        await router.complete_json(MESSAGES, Answer)
    assert fake_llm.calls == ["a", "b"] * 3
    assert router.health()[0].state is BreakerState.OPEN
    assert router.mode() == "degraded:openai/a"

    _, provider = await router.complete_json(MESSAGES, Answer)
    assert provider == "openai/b"
    assert fake_llm.calls[-1] == "b" and fake_llm.calls.count("a") == 3  # a was not called


async def test_half_open_probe_success_closes(fake_llm, make_router, clock) -> None:
    fake_llm.script("a", fake_llm.fail(503), fake_llm.ok(GOOD))  # down once, then recovered
    fake_llm.script("b", fake_llm.ok(GOOD))
    router = make_router("a", "b", clock=clock, failure_threshold=1, reset_seconds=30)
    await router.complete_json(MESSAGES, Answer)
    assert router.health()[0].state is BreakerState.OPEN
    clock.advance(30)
    assert router.health()[0].state is BreakerState.HALF_OPEN
    _, provider = await router.complete_json(MESSAGES, Answer)
    assert provider == "openai/a"  # the probe went to a, and a answered
    snap = router.health()[0]
    assert snap.state is BreakerState.CLOSED and snap.consecutive_failures == 0
    assert router.mode() == "llm"


async def test_half_open_probe_failure_reopens(fake_llm, make_router, clock) -> None:
    fake_llm.script("a", fake_llm.fail(429))
    fake_llm.script("b", fake_llm.ok(GOOD))
    router = make_router("a", "b", clock=clock, failure_threshold=1, reset_seconds=30)
    await router.complete_json(MESSAGES, Answer)
    clock.advance(30)
    await router.complete_json(MESSAGES, Answer)  # the probe: a fails again, b serves
    assert fake_llm.calls == ["a", "b", "a", "b"]
    assert router.health()[0].state is BreakerState.OPEN
    await router.complete_json(MESSAGES, Answer)
    assert fake_llm.calls[-1] == "b" and fake_llm.calls.count("a") == 2


async def test_only_one_concurrent_probe_while_half_open(fake_llm, make_router, clock) -> None:
    fake_llm.script("a", fake_llm.fail("hang"))
    fake_llm.script("b", fake_llm.ok(GOOD))
    router = make_router(
        "a", "b", clock=clock, failure_threshold=1, reset_seconds=30, attempt_timeout_seconds=1.0
    )
    await router.complete_json(MESSAGES, Answer)
    clock.advance(30)
    results = await asyncio.gather(*(router.complete_json(MESSAGES, Answer) for _ in range(4)))
    assert {provider for _, provider in results} == {"openai/b"}
    assert fake_llm.calls.count("a") == 2  # the first failure, then a single probe


async def test_all_open_is_all_down_with_a_retry_time(fake_llm, make_router, clock) -> None:
    fake_llm.script("a", fake_llm.fail(500))
    fake_llm.script("b", fake_llm.fail(401))
    router = make_router("a", "b", clock=clock, failure_threshold=1, reset_seconds=30)
    with pytest.raises(AllProvidersFailed):
        await router.complete_json(MESSAGES, Answer)
    assert router.mode() == "all_down"
    clock.advance(10)
    with pytest.raises(AllProvidersFailed) as raised:
        await router.complete_json(MESSAGES, Answer)
    assert raised.value.reasons == {"openai/a": "circuit open", "openai/b": "circuit open"}
    assert raised.value.retry_after_seconds == pytest.approx(20)
    assert len(fake_llm.calls) == 2  # nothing was called while both were open
    health = router.health()
    assert [s.name for s in health] == ["openai/a", "openai/b"]
    assert all(s.state is BreakerState.OPEN and s.total_failures == 1 for s in health)

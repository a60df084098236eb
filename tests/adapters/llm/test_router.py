"""LLMRouter against a real HTTP endpoint: fall-through order, timeouts, invalid output, settings."""

from __future__ import annotations

import asyncio
import re
import sys

import pytest
from accord import ProviderError
from accord.adapters.llm import AllProvidersFailed, BreakerState, LLMRouter, LLMSettings, ProviderSpec
from accord.settings import AccordSettings
from pydantic import BaseModel, SecretStr, ValidationError

GOOD = {"answer": "yes", "score": 1}
MESSAGES = [{"role": "system", "content": "Reply in JSON."}, {"role": "user", "content": "Well?"}]


class Answer(BaseModel):
    answer: str
    score: int


def test_public_api_is_pinned() -> None:
    import accord.adapters.llm

    assert sorted(accord.adapters.llm.__all__) == sorted(
        [
            "DEFAULT_MODELS", "AllProvidersFailed", "BreakerSnapshot", "BreakerState", "CircuitBreaker",
            "ConflictVerdict", "GuardedExtractor", "LLMConflictClassifier", "LLMExtractor", "LLMRouter",
            "LLMSettings", "ProviderSpec", "ProviderUnavailable", "drop_instructions", "looks_like_instruction",
            "sanitize_text", "strip_invisible",
        ]
    )  # fmt: skip
    assert all(hasattr(accord.adapters.llm, name) for name in accord.adapters.llm.__all__)


async def test_first_provider_serves(fake_llm, make_router) -> None:
    fake_llm.script("a", fake_llm.ok(GOOD))
    router = make_router("a", "b")
    parsed, provider = await router.complete_json(MESSAGES, Answer)
    assert parsed == Answer(answer="yes", score=1)
    assert provider == "openai/a"
    assert fake_llm.calls == ["a"]
    assert router.mode() == "llm"


async def test_request_asks_for_json_at_temperature_zero(fake_llm, make_router) -> None:
    fake_llm.script("a", fake_llm.ok(GOOD))
    await make_router("a", max_output_tokens=321).complete_json(MESSAGES, Answer)
    body = fake_llm.requests[0]["body"]
    assert body["response_format"] == {"type": "json_object"}
    assert body["temperature"] == 0
    assert body["max_tokens"] == 321
    assert body["messages"] == MESSAGES


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        ("500", "HTTP 500"),
        ("503", "HTTP 503"),
        ("429", "RateLimitError"),
        ("401", "AuthenticationError"),
        ("403", "HTTP 403"),
        ("404", "HTTP 404"),
        ("garbage", "HTTP 500"),  # a 200 whose body is not JSON: a broken gateway
        ("hang", "timeout"),
    ],
)
async def test_failure_falls_through_to_the_next_provider(fake_llm, make_router, failure, reason) -> None:
    fake_llm.script("a", fake_llm.fail(failure))
    fake_llm.script("b", fake_llm.fail("500"))
    fake_llm.script("c", fake_llm.ok(GOOD))
    # One timeout for the hang and for c's answer: it must be generous, or a loaded machine
    # turns c's answer into a timeout too. The fake hangs for 5 s, past it either way.
    router = make_router("a", "b", "c", attempt_timeout_seconds=2.0)
    parsed, provider = await router.complete_json(MESSAGES, Answer)
    assert provider == "openai/c"
    assert parsed.answer == "yes"
    assert fake_llm.calls == ["a", "b", "c"]  # in order, once each: no hidden retries
    health = {s.name: s for s in router.health()}
    assert reason in health["openai/a"].last_error
    assert health["openai/a"].total_failures == 1
    assert health["openai/c"].total_successes == 1


async def test_invalid_output_is_retried_once_on_the_same_provider(fake_llm, make_router) -> None:
    fake_llm.script("a", fake_llm.ok("this is not JSON"), fake_llm.ok(GOOD))
    parsed, provider = await make_router("a", "b").complete_json(MESSAGES, Answer)
    assert (parsed.score, provider) == (1, "openai/a")
    assert fake_llm.calls == ["a", "a"]
    retry = fake_llm.requests[1]["body"]["messages"]
    assert retry[-1]["role"] == "user" and "invalid" in retry[-1]["content"]


async def test_invalid_output_twice_is_that_providers_failure(fake_llm, make_router) -> None:
    fake_llm.script("a", fake_llm.ok({"answer": "yes"}))  # valid JSON, wrong shape: score missing
    fake_llm.script("b", fake_llm.ok(GOOD))
    router = make_router("a", "b")
    _, provider = await router.complete_json(MESSAGES, Answer)
    assert provider == "openai/b"
    assert fake_llm.calls == ["a", "a", "b"]
    first = router.health()[0]
    assert first.total_failures == 1 and "invalid output" in (first.last_error or "")


async def test_json_in_a_code_fence_is_accepted(fake_llm, make_router) -> None:
    fake_llm.script("a", fake_llm.ok('```json\n{"answer": "fenced", "score": 2}\n```'))
    parsed, _ = await make_router("a").complete_json(MESSAGES, Answer)
    assert parsed.answer == "fenced"


async def test_all_failing_raises_with_every_reason(fake_llm, make_router) -> None:
    fake_llm.script("a", fake_llm.fail("429"))
    fake_llm.script("b", fake_llm.fail("401"))
    router = make_router("a", "b")
    with pytest.raises(AllProvidersFailed) as raised:
        await router.complete_json(MESSAGES, Answer)
    assert isinstance(raised.value, ProviderError)
    assert list(raised.value.reasons) == ["openai/a", "openai/b"]
    assert "RateLimitError" in raised.value.reasons["openai/a"]
    assert "AuthenticationError" in str(raised.value)


async def test_bad_request_falls_through_without_charging_the_breaker(fake_llm, make_router) -> None:
    fake_llm.script("a", fake_llm.fail("400"))
    fake_llm.script("b", fake_llm.ok(GOOD))
    router = make_router("a", "b", failure_threshold=1)
    _, provider = await router.complete_json(MESSAGES, Answer)
    assert provider == "openai/b"
    assert router.health()[0].state is BreakerState.CLOSED  # the request was bad, not the provider


async def test_per_attempt_timeout_then_next_provider(fake_llm, make_router) -> None:
    fake_llm.script("slow", fake_llm.fail("hang"))
    fake_llm.script("fast", fake_llm.ok(GOOD))
    # 2 s, not less: "fast" must answer within the same timeout on a loaded machine.
    router = make_router("slow", "fast", attempt_timeout_seconds=2.0)
    _, provider = await router.complete_json(MESSAGES, Answer)
    assert provider == "openai/fast"
    assert "timeout" in router.health()[0].last_error


async def test_per_job_deadline_stops_the_walk(fake_llm, make_router) -> None:
    for model in ("a", "b"):
        fake_llm.script(model, fake_llm.fail("hang"))
    fake_llm.script("c", fake_llm.ok(GOOD))
    router = make_router("a", "b", "c", attempt_timeout_seconds=0.3, job_timeout_seconds=0.45)
    with pytest.raises(AllProvidersFailed) as raised:
        await router.complete_json(MESSAGES, Answer)
    assert "c" not in fake_llm.calls
    reasons = raised.value.reasons
    assert reasons["openai/a"].startswith("timeout")
    assert "deadline" in reasons["openai/b"] and "deadline" in reasons["openai/c"]
    # b was cut short by the job, not found slow: its breaker is not charged.
    assert [s.total_failures for s in router.health()] == [1, 0, 0]


async def test_a_deadline_already_past_calls_nobody(fake_llm, make_router, clock) -> None:
    fake_llm.script("a", fake_llm.ok(GOOD))
    router = make_router("a", clock=clock)
    with pytest.raises(AllProvidersFailed):
        await router.complete_json(MESSAGES, Answer, job_deadline=clock() - 1)
    assert fake_llm.calls == []


async def test_connection_refused_falls_through(fake_llm) -> None:
    dead = ProviderSpec(name="dead", model="openai/x", api_base="http://127.0.0.1:9/v1", api_key="k")
    fake_llm.script("b", fake_llm.ok(GOOD))
    router = LLMRouter([dead, ProviderSpec(**fake_llm.provider("b"))], attempt_timeout_seconds=2.0)
    _, provider = await router.complete_json(MESSAGES, Answer)
    assert provider == "openai/b"
    assert router.health()[0].total_failures == 1  # litellm reports a refused connection as a 500


async def test_unconfigured_providers_are_skipped_and_shown(fake_llm, make_router, monkeypatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    fake_llm.script("b", fake_llm.ok(GOOD))
    specs = [
        ProviderSpec(name="gemini", model="gemini/gemini-2.5-flash"),
        ProviderSpec(name="typo", model="nosuchprovider/model"),
        ProviderSpec(**fake_llm.provider("b")),
    ]
    router = LLMRouter(specs, attempt_timeout_seconds=2.0)
    _, provider = await router.complete_json(MESSAGES, Answer)
    assert provider == "openai/b"
    assert [s.state for s in router.health()] == [
        BreakerState.NOT_CONFIGURED,
        BreakerState.NOT_CONFIGURED,
        BreakerState.CLOSED,
    ]
    assert router.mode() == "llm"  # unconfigured entries are not an outage


async def test_concurrent_jobs_share_the_order(fake_llm, make_router) -> None:
    fake_llm.script("a", fake_llm.fail("500"))
    fake_llm.script("b", fake_llm.ok(GOOD))
    router = make_router("a", "b", failure_threshold=10)
    results = await asyncio.gather(*(router.complete_json(MESSAGES, Answer) for _ in range(5)))
    assert {provider for _, provider in results} == {"openai/b"}


def test_missing_litellm_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "litellm", None)  # makes ``import litellm`` fail
    with pytest.raises(ProviderError, match=re.escape("pip install 'accord[litellm]'")):
        LLMRouter([ProviderSpec(name="openai", model="openai/gpt-4o-mini")])


# -- settings ---------------------------------------------------------------------------


def test_provider_order_accepts_a_comma_list_and_short_names() -> None:
    settings = LLMSettings(
        provider_order="gemini, openai,anthropic,openai/gpt-4o",  # type: ignore[arg-type]
        api_keys={"openai": SecretStr("sk-o"), "openai/gpt-4o": SecretStr("sk-4o")},
        api_bases={"gemini": "http://gemini.local"},
    )
    specs = settings.providers()
    assert [s.model for s in specs] == [
        "gemini/gemini-2.5-flash",
        "openai/gpt-4o-mini",
        "anthropic/claude-haiku-4-5",
        "openai/gpt-4o",
    ]
    assert [s.api_key for s in specs] == [None, "sk-o", None, "sk-4o"]  # entry beats provider prefix
    assert specs[0].api_base == "http://gemini.local"
    assert settings.enabled and not LLMSettings().enabled


def test_unknown_short_name_is_rejected_at_startup() -> None:
    with pytest.raises(ValidationError, match="unknown LLM provider"):
        LLMSettings(provider_order=["gemnii"])


def test_accord_settings_read_each_llm_field_from_its_own_variable(monkeypatch) -> None:
    """``settings.llm`` is defined once (``LLMSettings``) and keeps the documented ACCORD_LLM_* names."""
    monkeypatch.setenv("ACCORD_LLM_PROVIDER_ORDER", "gemini,openai,ollama/qwen2.5:7b")
    monkeypatch.setenv("ACCORD_LLM_API_KEYS", '{"openai": "sk-env"}')
    monkeypatch.setenv("ACCORD_LLM_API_BASES", '{"ollama": "http://gpu:11434"}')
    monkeypatch.setenv("ACCORD_LLM_ON_ALL_DOWN", "wait")
    monkeypatch.setenv("ACCORD_LLM_ATTEMPT_TIMEOUT_SECONDS", "7.5")
    settings = AccordSettings().llm
    assert settings.provider_order == ["gemini", "openai", "ollama/qwen2.5:7b"]
    assert settings.on_all_down == "wait" and settings.attempt_timeout_seconds == 7.5
    assert settings.providers()[1].api_key == "sk-env"
    assert settings.providers()[2].api_base == "http://gpu:11434"


def test_flat_llm_keywords_override_the_environment_field_by_field(monkeypatch) -> None:
    monkeypatch.setenv("ACCORD_LLM_PROVIDER_ORDER", "gemini")
    monkeypatch.setenv("ACCORD_LLM_ON_ALL_DOWN", "wait")
    settings = AccordSettings(llm_provider_order="openai", llm_temperature=0.5)
    assert settings.llm.provider_order == ["openai"] and settings.llm.temperature == 0.5
    assert settings.llm.on_all_down == "wait"  # not named by a keyword: the environment's
    assert settings.named(["llm_provider_order", "llm_on_all_down", "embedder", "nothing"]) == {
        "llm_provider_order": ["openai"],
        "llm_on_all_down": "wait",
        "embedder": "auto",
    }


def test_only_the_llm_settings_are_spread_over_several_variables(monkeypatch) -> None:
    monkeypatch.setenv("ACCORD_HALF_LIFE_DAYS_FACT", "1")  # not a setting: the defaults stay whole
    assert AccordSettings().half_life_days == AccordSettings.model_fields["half_life_days"].get_default(
        call_default_factory=True
    )
    monkeypatch.setenv("ACCORD_HALF_LIFE_DAYS", '{"fact": 1}')  # the one variable of a dict setting
    assert AccordSettings().half_life_days == {"fact": 1.0}


def test_a_mistyped_llm_variable_fails_at_startup(monkeypatch) -> None:
    monkeypatch.setenv("ACCORD_LLM_PROVIDER_ORDERS", "gemini")
    with pytest.raises(ValidationError, match="provider_orders"):
        AccordSettings()
    monkeypatch.delenv("ACCORD_LLM_PROVIDER_ORDERS")
    monkeypatch.setenv("ACCORD_LLM_PROVIDER_ORDER", "gemnii")
    with pytest.raises(ValidationError, match="unknown LLM provider"):
        AccordSettings()


async def test_router_from_settings(fake_llm) -> None:
    settings = LLMSettings(
        provider_order=["openai/a"],
        api_bases={"openai": fake_llm.api_base},
        api_keys={"openai": SecretStr("sk-test")},
        attempt_timeout_seconds=5.0,  # an answer is expected: generous under load
    )
    fake_llm.script("a", fake_llm.ok(GOOD))
    _, provider = await LLMRouter.from_settings(settings).complete_json(MESSAGES, Answer)
    assert provider == "openai/a"

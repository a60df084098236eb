"""Ordered LLM providers behind circuit breakers, asked for JSON that must fit a pydantic model.

For each job the router walks the provider order once::

    NOT_CONFIGURED or OPEN breaker       -> skip (HALF_OPEN lets one probe through)
    timeout, 5xx, 429, 401/403, 404,
    connection error                     -> that provider's failure; next provider
    400 (the request, not the provider)  -> next provider; the breaker is not charged
    output that does not parse/validate  -> asked once more on the same provider (the problem
                                            stated), then a failure
    job deadline passed                  -> stop; the breaker is not charged

and raises :class:`AllProvidersFailed` (an ``accord.ProviderError``) with every provider's
reason when nothing answered. litellm is imported on first construction: it costs ~2 s.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any, TypeVar

from pydantic import BaseModel

from accord.errors import ProviderError
from accord.adapters.llm.answers import UnusableAnswer, model_parser
from accord.adapters.llm.breaker import BreakerSnapshot, BreakerState, CircuitBreaker, MonotonicClock
from accord.adapters.llm.settings import LLMSettings, ProviderSpec

__all__ = ["AllProvidersFailed", "ChatMessage", "LLMRouter"]

_INSTALL_HINT = "pip install 'accord[litellm]'"
ChatMessage = Mapping[str, str]
ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")


class AllProvidersFailed(ProviderError):
    """No provider produced a valid answer for this job.

    Attributes:
        reasons: Why each provider was skipped or failed, by provider entry, in order.
        retry_after_seconds: When a provider may be tried again (0: now), None if none is configured.
        unusable: The providers that answered, but unusably twice (not JSON, cut short, wrong
            shape). Waiting for them would bring the same answer back.
    """

    code = "llm_all_providers_failed"

    def __init__(
        self,
        reasons: Mapping[str, str],
        retry_after_seconds: float | None = None,
        unusable: Sequence[str] = (),
    ) -> None:
        self.reasons = dict(reasons)
        self.retry_after_seconds = retry_after_seconds
        self.unusable = tuple(unusable)
        detail = "; ".join(f"{name}: {why}" for name, why in self.reasons.items()) or "no provider configured"
        super().__init__(f"every LLM provider failed ({detail})")


class _AttemptFailed(Exception):
    """One provider failed this job; ``charged`` says whether its breaker should count it."""

    def __init__(self, reason: str, *, charged: bool = True, unusable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.charged = charged
        self.unusable = unusable


def _import_litellm() -> tuple[ModuleType, tuple[type[BaseException], ...]]:
    """litellm plus the transport errors it may raise, imported on first use."""
    # Without this, importing litellm fetches a model cost map from GitHub (and stalls offline).
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        import httpx
        import litellm
        from openai import OpenAIError
    except ImportError as e:
        raise ProviderError(f"LLM extraction needs litellm: {_INSTALL_HINT}") from e
    litellm.suppress_debug_info = True  # no "Give Feedback" banner on stdout per failure
    return litellm, (OpenAIError, httpx.HTTPError)


class LLMRouter:
    """Asks providers in order for JSON, with a circuit breaker and a timeout per provider.

    Args:
        providers: The fall-through order.
        attempt_timeout_seconds: Limit for one provider call.
        job_timeout_seconds: Default limit for one :meth:`complete_json` across providers.
        failure_threshold: Consecutive failures that open a provider's breaker.
        reset_seconds: How long an open breaker waits before one probe.
        max_output_tokens: Cap on each answer.
        temperature: Sampling temperature.
        clock: Monotonic seconds for breakers and deadlines.

    Raises:
        ProviderError: litellm is not installed.
    """

    def __init__(
        self,
        providers: Sequence[ProviderSpec],
        *,
        attempt_timeout_seconds: float = 20.0,
        job_timeout_seconds: float = 60.0,
        failure_threshold: int = 3,
        reset_seconds: float = 30.0,
        max_output_tokens: int = 2048,
        temperature: float = 0.0,
        clock: MonotonicClock = time.monotonic,
    ) -> None:
        self._litellm, self._transport_errors = _import_litellm()
        self._providers = list(providers)
        self._attempt_timeout = attempt_timeout_seconds
        self._job_timeout = job_timeout_seconds
        self._max_tokens = max_output_tokens
        self._temperature = temperature
        self._clock = clock
        inspected = {p.name: self._inspect(p) for p in self._providers}
        self._json_mode = {name: json_mode for name, (_, json_mode) in inspected.items()}
        self._breakers = {
            p.name: CircuitBreaker(
                p.name,
                failure_threshold=failure_threshold,
                reset_seconds=reset_seconds,
                clock=clock,
                configured=inspected[p.name][0],
            )
            for p in self._providers
        }

    @classmethod
    def from_settings(cls, settings: LLMSettings, *, clock: MonotonicClock = time.monotonic) -> LLMRouter:
        """A router for ``settings.providers()`` with the settings' timeouts and breaker tuning."""
        return cls(
            settings.providers(),
            attempt_timeout_seconds=settings.attempt_timeout_seconds,
            job_timeout_seconds=settings.job_timeout_seconds,
            failure_threshold=settings.breaker_failure_threshold,
            reset_seconds=settings.breaker_reset_seconds,
            max_output_tokens=settings.max_output_tokens,
            temperature=settings.temperature,
            clock=clock,
        )

    def deadline(self) -> float:
        """The clock time by which a job starting now must finish."""
        return self._clock() + self._job_timeout

    async def complete_json(
        self,
        messages: Sequence[ChatMessage],
        schema_model: type[ModelT],
        *,
        job_deadline: float | None = None,
    ) -> tuple[ModelT, str]:
        """Ask the providers in order until one answers with JSON that validates against
        ``schema_model`` (the JSON may sit in prose or a code fence; see :mod:`.answers`).

        Returns:
            The validated answer and the entry of the provider that gave it.

        Raises:
            AllProvidersFailed: No provider answered validly before the deadline.
        """
        return await self.complete(messages, model_parser(schema_model), job_deadline=job_deadline)

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        parse: Callable[[str], T],
        *,
        job_deadline: float | None = None,
    ) -> tuple[T, str]:
        """Ask the providers in order until one gives an answer that ``parse`` accepts.

        Args:
            messages: Chat messages (``role``, ``content``) for ``litellm.acompletion``.
            parse: Turns the answer's text into the result, or raises
                :class:`~accord.adapters.llm.answers.UnusableAnswer` saying what is wrong (the
                provider is then asked once more, with that problem stated).
            job_deadline: Clock time by which the whole job must be done; default
                now + ``job_timeout_seconds``.

        Returns:
            The parsed answer and the entry of the provider that gave it.

        Raises:
            AllProvidersFailed: No provider answered usably before the deadline.
        """
        deadline = self.deadline() if job_deadline is None else job_deadline
        reasons: dict[str, str] = {}
        unusable: list[str] = []
        for spec in self._providers:
            breaker = self._breakers[spec.name]
            if breaker.state is BreakerState.NOT_CONFIGURED:
                reasons[spec.name] = "not configured"
            elif self._clock() >= deadline:
                reasons[spec.name] = "skipped: job deadline passed"
            elif not breaker.try_acquire():
                reasons[spec.name] = f"circuit {breaker.state.value}"
            else:
                settled = False
                try:
                    parsed = await self._ask(spec, messages, parse, deadline)
                    breaker.record_success()
                    settled = True
                    return parsed, spec.name
                except _AttemptFailed as failure:
                    reasons[spec.name] = failure.reason
                    if failure.unusable:
                        unusable.append(spec.name)
                    if failure.charged:
                        breaker.record_failure(failure.reason)
                        settled = True
                finally:
                    if not settled:  # cancelled, or not the provider's fault: free a half-open probe
                        breaker.release()
        raise AllProvidersFailed(reasons, retry_after_seconds=self.retry_after(), unusable=unusable)

    def health(self) -> list[BreakerSnapshot]:
        """Each provider's breaker, in fall-through order."""
        return [self._breakers[p.name].snapshot() for p in self._providers]

    def mode(self) -> str:
        """``"llm"``, ``"degraded:<a>,<b>"`` (those providers are open or probing) or ``"all_down"``."""
        configured = [b for b in self._breakers.values() if b.state is not BreakerState.NOT_CONFIGURED]
        if not configured or all(b.state is BreakerState.OPEN for b in configured):
            return "all_down"
        troubled = [b.name for b in configured if b.state is not BreakerState.CLOSED]
        return f"degraded:{','.join(troubled)}" if troubled else "llm"

    def retry_after(self) -> float | None:
        """Seconds until some provider may be called again (0: now); None if none is configured."""
        waits = [w for b in self._breakers.values() if (w := b.retry_after()) is not None]
        return min(waits) if waits else None

    async def _ask(
        self, spec: ProviderSpec, messages: Sequence[ChatMessage], parse: Callable[[str], T], deadline: float
    ) -> T:
        """One provider's answer, parsed; an unusable answer gets exactly one second chance."""
        conversation = [dict(m) for m in messages]
        problem = ""
        for attempt in range(2):
            text = await self._call(spec, conversation, deadline)
            try:
                return parse(text)
            except UnusableAnswer as e:
                problem = e.problem
            if attempt == 0:
                # Say what was wrong, so the retry is not a replay of the same mistake.
                conversation += [
                    {"role": "assistant", "content": text[:2000]},
                    {
                        "role": "user",
                        "content": f"That answer was invalid ({problem}). Reply with only the JSON object.",
                    },
                ]
        raise _AttemptFailed(f"invalid output twice: {problem[:200]}", unusable=True)

    async def _call(self, spec: ProviderSpec, messages: list[dict[str, str]], deadline: float) -> str:
        """One completion within the attempt timeout and what is left of the job's time."""
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise _AttemptFailed("job deadline passed", charged=False)
        timeout = min(self._attempt_timeout, remaining)
        cut_by_job = remaining < self._attempt_timeout
        kwargs: dict[str, Any] = {
            "model": spec.model,
            "messages": messages,
            "timeout": timeout,
            "num_retries": 0,  # the router falls through instead; retries would eat the job's time
            "max_retries": 0,
            "temperature": self._temperature,
            "max_tokens": self._max_tokens,
        }
        if self._json_mode[spec.name]:
            kwargs["response_format"] = {"type": "json_object"}
        if spec.api_base is not None:
            kwargs["api_base"] = spec.api_base
        if spec.api_key is not None:
            kwargs["api_key"] = spec.api_key
        litellm = self._litellm
        try:
            response = await asyncio.wait_for(litellm.acompletion(**kwargs), timeout=timeout)
        except (TimeoutError, litellm.Timeout) as e:
            reason = "job deadline passed" if cut_by_job else f"timeout after {timeout:g}s"
            raise _AttemptFailed(reason, charged=not cut_by_job) from e
        except litellm.BadRequestError as e:
            raise _AttemptFailed(f"bad request: {_status(e)}", charged=False) from e
        except self._transport_errors as e:
            raise _AttemptFailed(_status(e)) from e
        try:
            content = response.choices[0].message.content
        except (AttributeError, IndexError, KeyError, TypeError) as e:
            raise _AttemptFailed("response without a message") from e
        return content if isinstance(content, str) else ""

    def _inspect(self, spec: ProviderSpec) -> tuple[bool, bool]:
        """Whether ``spec`` is configured, and whether to send it ``response_format``.

        Configured means credentials given, an explicit or local endpoint, or the provider's
        environment variables found by litellm. JSON mode only where litellm says the provider
        takes it: one that rejects it would fail every job.
        """
        litellm = self._litellm
        errors: tuple[type[BaseException], ...] = (*self._transport_errors, ValueError, KeyError)
        try:
            model, provider, _, _ = litellm.get_llm_provider(spec.model)
            supported = litellm.get_supported_openai_params(model=model, custom_llm_provider=provider) or []
        except errors:
            return False, False  # an unknown provider prefix can never be called
        explicit = spec.api_key is not None or spec.api_base is not None or provider == "ollama"
        configured = explicit or bool(litellm.validate_environment(spec.model).get("keys_in_environment"))
        return configured, "response_format" in supported


def _status(error: BaseException) -> str:
    """A short, key-free description: the error class and its HTTP status."""
    status = getattr(error, "status_code", None)
    return f"{type(error).__name__} (HTTP {status})" if status else type(error).__name__

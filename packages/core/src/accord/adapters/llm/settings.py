"""Settings of the LLM layer: which providers, in what order, and how patiently.

:class:`LLMSettings` is a plain pydantic model, not a settings source: the one ``AccordSettings``
holds it as ``settings.llm`` and reads it from the environment, one variable a field, named
``ACCORD_LLM_`` and the field's upper-cased name::

    ACCORD_LLM_PROVIDER_ORDER=gemini,openai,anthropic     # a comma list
    ACCORD_LLM_API_BASES='{"ollama": "http://gpu:11434"}'
    ACCORD_LLM_API_KEYS='{"openai": "sk-..."}'
    ACCORD_LLM_ON_ALL_DOWN=wait

An empty order means "no LLM": rules only.

An entry of the order is a short provider name (see :data:`DEFAULT_MODELS`) or an explicit
litellm model id such as ``"openai/gpt-4o-mini"`` or ``"ollama/qwen2.5:7b"``. ``api_bases``
and ``api_keys`` are keyed by the entry as written, or by its provider prefix (``"openai"``
applies to every ``openai/...`` entry). Without a key, litellm reads the provider's usual
environment variable (``OPENAI_API_KEY``, ``GEMINI_API_KEY``, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

__all__ = ["DEFAULT_MODELS", "LLMSettings", "OnAllDown", "ProviderSpec", "model_for", "split_provider_order"]

# A short name picks a small, cheap model: extraction is high-volume and needs no frontier model.
DEFAULT_MODELS: Mapping[str, str] = {
    "openai": "openai/gpt-4o-mini",
    "gemini": "gemini/gemini-2.5-flash",
    "anthropic": "anthropic/claude-haiku-4-5",
    "mistral": "mistral/mistral-small-latest",
    "deepseek": "deepseek/deepseek-chat",
    "ollama": "ollama/llama3.2",
}

OnAllDown = Literal["rules", "wait"]


def split_provider_order(value: Any) -> Any:
    """Accept ``"gemini, openai"`` as well as a list; drop blanks and repeats, keep the order."""
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list | tuple):
        return list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
    return value


def model_for(entry: str) -> str:
    """The litellm model id an order entry names.

    Raises:
        ValueError: ``entry`` is neither a known short name nor a ``provider/model`` id.
    """
    if "/" in entry:
        return entry
    try:
        return DEFAULT_MODELS[entry.lower()]
    except KeyError:
        known = ", ".join(sorted(DEFAULT_MODELS))
        raise ValueError(
            f"unknown LLM provider {entry!r}: use one of {known} or a litellm id like 'openai/gpt-4o'"
        )


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """One provider in the fall-through order, resolved to what ``litellm.acompletion`` needs.

    Attributes:
        name: The entry as written in the order; health and errors report it.
        model: The litellm model id.
        api_base: The endpoint, when not the provider's default.
        api_key: The key, when not read by litellm from the provider's environment variable.
    """

    name: str
    model: str
    api_base: str | None = None
    api_key: str | None = None


class LLMSettings(BaseModel):
    """Provider order, credentials, timeouts, breaker tuning and the all-down policy.

    Attributes:
        provider_order: Entries tried in order (short names or litellm model ids).
        api_bases: Endpoint per entry or per provider prefix.
        api_keys: Key per entry or per provider prefix.
        attempt_timeout_seconds: Limit for one provider call.
        job_timeout_seconds: Limit for one job across every provider and retry.
        breaker_failure_threshold: Consecutive failures that open a provider's breaker.
        breaker_reset_seconds: How long an open breaker waits before letting one probe through.
        on_all_down: ``"rules"``: extract with the rule-based extractor when every provider is
            down; ``"wait"``: leave the job queued and replay it when a provider recovers.
        max_output_tokens: Cap on the model's answer.
        temperature: Sampling temperature; 0 so the same turns give the same memories.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # NoDecode: the environment's comma list reaches ``_split`` as written, not as JSON.
    provider_order: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="e.g. gemini,openai,anthropic or explicit litellm model ids"
    )
    api_bases: dict[str, str] = Field(default_factory=dict)
    api_keys: dict[str, SecretStr] = Field(default_factory=dict)
    attempt_timeout_seconds: float = Field(default=20.0, gt=0)
    job_timeout_seconds: float = Field(default=60.0, gt=0)
    breaker_failure_threshold: int = Field(default=3, ge=1)
    breaker_reset_seconds: float = Field(default=30.0, gt=0)
    on_all_down: OnAllDown = Field(
        default="rules", description="all providers down: extract with the rules, or wait and replay later"
    )
    max_output_tokens: int = Field(default=2048, ge=16)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)

    @field_validator("provider_order", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return split_provider_order(value)

    @field_validator("provider_order")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        for entry in value:
            model_for(entry)  # fail at startup, not on the first job
        return value

    @property
    def enabled(self) -> bool:
        """Whether any provider is configured; when not, extraction is rules only."""
        return bool(self.provider_order)

    def providers(self) -> list[ProviderSpec]:
        """The order resolved to model ids, endpoints and keys."""
        specs = []
        for entry in self.provider_order:
            model = model_for(entry)
            prefix = model.split("/", 1)[0]
            key = self.api_keys.get(entry) or self.api_keys.get(prefix)
            specs.append(
                ProviderSpec(
                    name=entry,
                    model=model,
                    api_base=self.api_bases.get(entry) or self.api_bases.get(prefix),
                    api_key=key.get_secret_value() if key is not None else None,
                )
            )
        return specs

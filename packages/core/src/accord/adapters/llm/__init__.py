"""The LLM layer: extraction and conflict classification through litellm, with fall-through.

Importing this package does not import litellm; constructing an :class:`LLMRouter` does (and
needs ``pip install 'accord[litellm]'``).

Errors (both are ``accord.ProviderError``)::

    ProviderError
    ├── AllProvidersFailed   no provider answered this job validly; ``reasons`` per provider
    └── ProviderUnavailable  every provider is down and the policy is to wait: keep the job queued
                             and replay it after ``retry_after_seconds``
"""

from accord.adapters.llm.breaker import BreakerSnapshot, BreakerState, CircuitBreaker
from accord.adapters.llm.classifier import ConflictVerdict, LLMConflictClassifier
from accord.adapters.llm.client import AllProvidersFailed, LLMRouter
from accord.adapters.llm.extractor import GuardedExtractor, LLMExtractor, ProviderUnavailable
from accord.adapters.llm.sanitize import drop_instructions, looks_like_instruction, sanitize_text, strip_invisible
from accord.adapters.llm.settings import DEFAULT_MODELS, LLMSettings, ProviderSpec

__all__ = [
    "DEFAULT_MODELS",
    "AllProvidersFailed",
    "BreakerSnapshot",
    "BreakerState",
    "CircuitBreaker",
    "ConflictVerdict",
    "GuardedExtractor",
    "LLMConflictClassifier",
    "LLMExtractor",
    "LLMRouter",
    "LLMSettings",
    "ProviderSpec",
    "ProviderUnavailable",
    "drop_instructions",
    "looks_like_instruction",
    "sanitize_text",
    "strip_invisible",
]

"""Embeddings from any provider litellm reaches (OpenAI, Gemini, Ollama, OpenAI-compatible servers)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from accord.errors import ProviderError

__all__ = ["LiteLLMEmbedder"]

_INSTALL_HINT = "pip install 'accord[litellm]'"


def _import_litellm() -> tuple[ModuleType, type[BaseException]]:
    """Import litellm lazily: it costs about 2 s and 175 MB, so only users of this embedder pay."""
    # Without this, importing litellm fetches a model cost map from GitHub (and stalls offline).
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        import litellm
        from openai import OpenAIError
    except ImportError as e:
        raise ProviderError(f"the litellm embedder needs litellm: {_INSTALL_HINT}") from e
    # Otherwise litellm prints a "Give Feedback / Get Help" banner to stdout on every failure;
    # Accord reports failures itself, as ProviderError.
    litellm.suppress_debug_info = True
    return litellm, OpenAIError


def _field(item: Any, key: str) -> Any:
    return item[key] if isinstance(item, Mapping) else getattr(item, key)


def _has(item: Any, key: str) -> bool:
    return key in item if isinstance(item, Mapping) else hasattr(item, key)


def _vectors_from(response: Any) -> list[list[float]]:
    """The embeddings of an OpenAI-shaped response, in input order (items may be dicts or objects)."""
    items = list(response.data)
    if items and all(_has(item, "index") for item in items):
        items.sort(key=lambda item: int(_field(item, "index")))
    return [list(_field(item, "embedding")) for item in items]


class LiteLLMEmbedder:
    """Dense embeddings through ``litellm.aembedding``.

    Args:
        model: A litellm model string, e.g. ``"openai/text-embedding-3-small"``, or
            ``"openai/<name>"`` with ``api_base`` for any OpenAI-compatible server.
        api_base: Base URL of the provider, when not the provider's default.
        api_key: API key; litellm otherwise reads the provider's usual environment variable.
        dim: The vector size. When None it is learnt from the first response (``dim`` is 0
            until then; call :meth:`probe` to learn it up front).
        timeout: Seconds per provider call.
        max_retries: Retries per call after a failure. Kept low: callers fall back (e.g. to
            lexical search) faster than a dead provider answers retries.

    Raises:
        ProviderError: litellm is not installed, or (from the embed methods) the provider
            failed or returned something unusable.
    """

    def __init__(
        self,
        model: str,
        api_base: str | None = None,
        api_key: str | None = None,
        dim: int | None = None,
        timeout: float = 30.0,
        max_retries: int = 1,
    ) -> None:
        self._litellm, self._provider_error = _import_litellm()
        self._model = model
        self._api_base = api_base
        self._api_key = api_key
        self._timeout = timeout
        self._max_retries = max_retries
        self.name: str = f"litellm:{model}"
        self.dim: int = dim or 0

    async def probe(self) -> int:
        """Embed one short text to learn (and check) the model's dimension; returns it."""
        await self.embed_query("dimension probe")
        return self.dim

    async def _embed(self, texts: list[str]) -> list[np.ndarray]:
        kwargs: dict[str, Any] = {
            "model": self._model,
            "input": texts,
            "timeout": self._timeout,
            "max_retries": self._max_retries,
        }
        if self._api_base is not None:
            kwargs["api_base"] = self._api_base
        if self._api_key is not None:
            kwargs["api_key"] = self._api_key
        try:
            response = await self._litellm.aembedding(**kwargs)
            raw = _vectors_from(response)
        except (self._provider_error, KeyError, AttributeError, TypeError, ValueError) as e:
            raise ProviderError(f"{self.name} embedding failed: {e}") from e
        if len(raw) != len(texts):
            raise ProviderError(f"{self.name} returned {len(raw)} vectors for {len(texts)} texts")
        matrix = np.asarray(raw, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[1] == 0:
            raise ProviderError(f"{self.name} returned vectors of shape {matrix.shape}")
        if self.dim == 0:
            self.dim = int(matrix.shape[1])
        elif matrix.shape[1] != self.dim:
            raise ProviderError(f"{self.name} returned {matrix.shape[1]}-d vectors, expected {self.dim}")
        # Providers do not all normalise; the index assumes unit vectors (cosine == dot).
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return list(matrix / np.where(norms > 0.0, norms, 1.0))

    async def embed_documents(self, texts: Sequence[str]) -> list[np.ndarray]:
        if not texts:
            return []
        return await self._embed(list(texts))

    async def embed_query(self, text: str) -> np.ndarray:
        return (await self._embed([text]))[0]

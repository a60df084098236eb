"""A cross-encoder reranker through sentence-transformers (``CrossEncoder``), off the event loop.

The model is named as sentence-transformers names it: a local directory, or a hub name
(``cross-encoder/ms-marco-MiniLM-L6-v2``) read from the Hugging Face cache, downloaded only when
the hub can be reached and ``HF_HUB_OFFLINE`` is not set.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord.adapters.embedders.hub import hub_cache_dir, offline
from accord.errors import ProviderError
from accord.ports import RerankCandidate

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

__all__ = ["CrossEncoderReranker"]

_INSTALL_HINT = "pip install 'accord[sentence-transformers]' (install a CPU build of torch first)"
_MAX_CHARS = 2_000  # a memory longer than this is cut: the model reads a few hundred tokens at most


def _load(source: str, device: str, *, hub: bool) -> CrossEncoder:
    from sentence_transformers import CrossEncoder

    cache = str(hub_cache_dir())
    try:
        return CrossEncoder(source, device=device, local_files_only=True, cache_folder=cache)
    except (OSError, ValueError, RuntimeError) as e:
        if not hub:
            raise ProviderError(f"cannot load cross-encoder from {source}: {e}") from e
        cached_error = e
    if offline():
        raise ProviderError(
            f"cross-encoder {source!r} is not in the Hugging Face cache {hub_cache_dir()} and HF_HUB_OFFLINE is set"
        ) from cached_error
    try:
        return CrossEncoder(source, device=device, cache_folder=cache)
    except (OSError, ValueError, RuntimeError) as e:
        raise ProviderError(f"cross-encoder {source!r} is neither cached nor served by the hub: {e}") from e


def _unit(score: float) -> float:
    """A raw cross-encoder score as a relevance in [0, 1] (a logistic; monotone, so order holds)."""
    if not math.isfinite(score):
        return 1.0 if score > 0 else 0.0
    return 1.0 / (1.0 + math.exp(-max(min(score, 60.0), -60.0)))


class CrossEncoderReranker:
    """Reads query and memory together; slower than the built-in reranker, stronger on meaning.

    Args:
        path_or_name: A local model directory or a hub name.
        device: Torch device (``"cpu"``).
        blend: Share of the first-stage relevance kept in the result (the rest: the model's).
    """

    def __init__(self, path_or_name: str | Path, device: str = "cpu", *, blend: float = 0.0) -> None:
        try:
            import sentence_transformers  # noqa: F401 - only to fail early with the hint
        except ImportError as e:
            raise ProviderError(f"the cross-encoder reranker needs sentence-transformers: {_INSTALL_HINT}") from e
        local = Path(path_or_name).expanduser()
        source = str(local) if local.exists() else str(path_or_name)
        self._model = _load(source, device, hub=not local.exists())
        self.name = f"cross-encoder:{local.name if local.exists() else source}"
        self._blend = blend
        self._lock = threading.Lock()  # one predict at a time: parallel ones fight over torch threads

    def _predict(self, pairs: list[tuple[str, str]]) -> list[float]:
        with self._lock:
            scores = self._model.predict(pairs, batch_size=32, convert_to_numpy=True, show_progress_bar=False)
        return [float(s) for s in scores.reshape(-1)]

    async def rerank(self, query: str, candidates: Sequence[RerankCandidate]) -> list[float]:
        if not candidates:
            return []
        pairs = [(query, c.text[:_MAX_CHARS]) for c in candidates]
        try:
            raw = await asyncio.to_thread(self._predict, pairs)
        except RuntimeError as e:
            raise ProviderError(f"{self.name} failed to score candidates: {e}") from e
        return [self._blend * c.relevance + (1.0 - self._blend) * _unit(s) for c, s in zip(candidates, raw, strict=True)]

"""Static Model2Vec embeddings: no torch, about 0.1 ms per query, the default dense embedder."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from accord.errors import InvalidInputError, ProviderError

if TYPE_CHECKING:
    from model2vec import StaticModel

__all__ = ["Model2VecEmbedder", "is_model2vec_dir"]

_INSTALL_HINT = "pip install 'accord[model2vec]'"
# Batches up to this size (about 10 ms of CPU) are encoded inline; bigger ones, e.g. from a
# reindex, go to a worker thread so they cannot stall other requests on the event loop.
_INLINE_BATCH = 512


def is_model2vec_dir(path: Path) -> bool:
    """Whether ``path`` looks like a saved Model2Vec model (what ``save_pretrained`` writes)."""
    return (path / "config.json").is_file() and (path / "tokenizer.json").is_file()


def _normalise(matrix: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation to float32; an all-zero row (no known tokens) stays zero."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0.0, norms, 1.0)


class Model2VecEmbedder:
    """Dense embeddings from a local Model2Vec ``StaticModel``.

    Queries and small batches are encoded inline on the event loop rather than in a thread: a
    query costs about 0.1 ms, far less than the hop to a worker thread, and ``get()`` has a
    10 ms p95 budget.

    Args:
        path: Local directory of a Model2Vec model (e.g. made by ``accord models distill``).
            Hub names are resolved to a cached snapshot by ``load_embedder`` (``model2vec:org/name``).
        name: Overrides the default name ``model2vec:<directory name>``.
    """

    def __init__(self, path: str | Path, *, name: str | None = None) -> None:
        model_dir = Path(path).expanduser()
        if not is_model2vec_dir(model_dir):
            raise InvalidInputError("embedder", f"{model_dir} is not a local Model2Vec model directory")
        # A local directory only: hub names are resolved to one by the loader (hub.snapshot),
        # so nothing here can reach the network whatever HF_HUB_OFFLINE says.
        try:
            from model2vec import StaticModel
        except ImportError as e:
            raise ProviderError(f"the model2vec embedder needs model2vec: {_INSTALL_HINT}") from e
        try:
            self._model: StaticModel = StaticModel.from_pretrained(model_dir, normalize=True)
        except (OSError, ValueError, KeyError) as e:
            raise ProviderError(f"cannot load Model2Vec model from {model_dir}: {e}") from e
        self.name: str = name or f"model2vec:{model_dir.name}"
        self.dim: int = int(self._model.dim)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        # No multiprocessing: forking worker processes inside a server is never worth it here.
        return _normalise(self._model.encode(list(texts), use_multiprocessing=False))

    async def embed_documents(self, texts: Sequence[str]) -> list[np.ndarray]:
        if not texts:
            return []
        if len(texts) <= _INLINE_BATCH:
            return list(self._encode(texts))
        return list(await asyncio.to_thread(self._encode, list(texts)))

    async def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self._encode([text])[0]
        return vector

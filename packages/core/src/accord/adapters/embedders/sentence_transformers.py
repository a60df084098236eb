"""Transformer embeddings through sentence-transformers (torch), run off the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from accord.adapters.embedders.hub import hub_cache_dir, offline
from accord.errors import ProviderError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["SentenceTransformerEmbedder"]

_INSTALL_HINT = "pip install 'accord[sentence-transformers]' (install a CPU build of torch first)"
# Torch's default of one thread per core oversubscribes a small box that also runs the event
# loop, the database and the index; measured, 1-2 threads beat the default under load.
_MAX_TORCH_THREADS = 2


def _label(source: str) -> str:
    """A short model label; packaged models often live in a directory called just ``model``."""
    path = Path(source)
    if path.name in ("model", "models", "") and path.parent.name:
        return f"{path.parent.name}/{path.name}"
    return path.name or source


def _load(cls: type[SentenceTransformer], source: str, device: str, *, hub: bool) -> SentenceTransformer:
    """The cache (or the directory) first; the hub only for a name, online, and only on a miss."""
    # The cache huggingface_hub would use, read now (as hub.snapshot does), so both embedders
    # and `accord models` agree on where models live even if HF_HUB_CACHE changed after import.
    cache = str(hub_cache_dir())
    try:
        return cls(source, device=device, local_files_only=True, cache_folder=cache)
    except (OSError, ValueError, RuntimeError) as e:
        if not hub:
            raise ProviderError(f"cannot load sentence-transformers model from {source}: {e}") from e
        cached_error = e
    where = f"the Hugging Face cache {hub_cache_dir()}"
    fix = f"run 'accord models pull sentence-transformers:{source}' where there is network, or name a local directory"
    if offline():
        raise ProviderError(f"model {source!r} is not in {where} and HF_HUB_OFFLINE is set: {fix}") from cached_error
    try:
        return cls(source, device=device, cache_folder=cache)
    except (OSError, ValueError, RuntimeError) as e:
        raise ProviderError(f"model {source!r} is not in {where} and the hub cannot serve it ({e}): {fix}") from e


class SentenceTransformerEmbedder:
    """Dense embeddings from a sentence-transformers model.

    A MiniLM query costs milliseconds of CPU, so encoding runs in a worker thread
    (``asyncio.to_thread``) to keep the event loop responsive.

    Args:
        path_or_name: A local model directory, or a hub name as sentence-transformers takes it
            (``sentence-transformers/all-MiniLM-L6-v2``, or ``all-MiniLM-L6-v2``). A name loads
            from the Hugging Face cache, else is downloaded when the hub can be reached and
            ``HF_HUB_OFFLINE`` is not set; neither is a ``ProviderError`` that says so.
        device: Torch device, ``"cpu"`` unless you have a GPU build of torch.
        name: Overrides the default name ``sentence-transformers:<model>``.
    """

    def __init__(self, path_or_name: str | Path, device: str = "cpu", *, name: str | None = None) -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise ProviderError(
                f"the sentence-transformers embedder needs it installed: {_INSTALL_HINT}"
            ) from e
        if torch.get_num_threads() > _MAX_TORCH_THREADS:
            torch.set_num_threads(_MAX_TORCH_THREADS)
        local = Path(path_or_name).expanduser()
        source = str(local) if local.exists() else str(path_or_name)
        self._model: SentenceTransformer = _load(SentenceTransformer, source, device, hub=not local.exists())
        # sentence-transformers 6 renamed get_sentence_embedding_dimension; accept both (>=3 is supported).
        dim_of = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = dim_of()
        if dim is None:
            raise ProviderError(f"sentence-transformers model {source!r} does not report its dimension")
        self.name: str = name or f"sentence-transformers:{_label(source)}"
        self.dim: int = int(dim)
        # One encode at a time: parallel encodes only fight over the same few torch threads.
        # A threading lock (not asyncio) because it is taken in the worker thread, and it
        # works whichever event loop the embedder is used from.
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        # encode_query/encode_document (sentence-transformers >= 5) apply the model's query and
        # document prompts where it defines them; older versions only have encode.
        encode = getattr(self._model, "encode_query" if query else "encode_document", self._model.encode)
        with self._lock:
            vectors = encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    async def embed_documents(self, texts: Sequence[str]) -> list[np.ndarray]:
        if not texts:
            return []
        try:
            matrix = await asyncio.to_thread(self._encode, list(texts), query=False)
        except RuntimeError as e:
            raise ProviderError(f"{self.name} failed to embed documents: {e}") from e
        return list(matrix)

    async def embed_query(self, text: str) -> np.ndarray:
        try:
            matrix = await asyncio.to_thread(self._encode, [text], query=True)
        except RuntimeError as e:
            raise ProviderError(f"{self.name} failed to embed a query: {e}") from e
        vector: np.ndarray = matrix[0]
        return vector

"""Turn an embedder spec string (the ``ACCORD_EMBEDDER`` setting) into an embedder.

Specs::

    auto                                 Model2Vec at <data_dir>/models/model2vec if present, else none
    none                                 no dense embeddings: lexical search only
    model2vec:<path-or-hub-id>           a Model2Vec directory, or a hub id such as minishlab/potion-base-8M
                                         (empty: the auto location)
    sentence-transformers:<path-or-name> a sentence-transformers model (torch): a directory, or a hub name
                                         such as sentence-transformers/all-MiniLM-L6-v2

A hub id loads from the Hugging Face cache, or is downloaded into it when the hub can be reached
and ``HF_HUB_OFFLINE`` is not set (see :mod:`accord.adapters.embedders.hub`); ``accord models
pull`` fetches one ahead of time.
    litellm:<model>                      any litellm model, e.g. litellm:openai/text-embedding-3-small
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from accord.adapters.embedders.hub import looks_like_repo_id, snapshot
from accord.errors import InvalidInputError, ProviderError
from accord.ports import Embedder

__all__ = ["default_model2vec_dir", "load_embedder"]

_log = logging.getLogger(__name__)
_KINDS = ("model2vec", "sentence-transformers", "litellm")


def default_model2vec_dir(data_dir: Path) -> Path:
    """Where ``auto`` looks for a Model2Vec model (and where ``accord models distill`` writes it)."""
    return Path(data_dir) / "models" / "model2vec"


def load_embedder(
    spec: str,
    data_dir: Path,
    *,
    api_base: str | None = None,
    api_key: str | None = None,
) -> Embedder | None:
    """Build the embedder a spec names; None means lexical search only.

    ``auto`` never imports torch: it only considers a distilled Model2Vec model, so a plain
    install starts fast and small, and upgrades itself once ``accord models distill`` has run.

    Args:
        spec: One of the specs in this module's docstring.
        data_dir: The Accord data directory (``auto`` looks under ``models/model2vec``).
        api_base: Provider base URL, for ``litellm:`` specs only.
        api_key: Provider key, for ``litellm:`` specs only.

    Raises:
        InvalidInputError: The spec is malformed (``field == "embedder"``).
        ProviderError: The named backend is not installed or its model cannot be loaded.
    """
    text = spec.strip()
    lowered = text.lower()
    if lowered == "none":
        return None
    if lowered == "auto":
        return _auto(Path(data_dir))
    kind, sep, target = text.partition(":")
    kind = kind.strip().lower()
    target = target.strip()
    if not sep or kind not in _KINDS:
        raise InvalidInputError(
            "embedder", f"unknown spec {spec!r}; use auto, none, " + ", ".join(f"{k}:<...>" for k in _KINDS)
        )
    if kind == "model2vec":
        from accord.adapters.embedders.model2vec import Model2VecEmbedder

        if not target:
            return Model2VecEmbedder(default_model2vec_dir(Path(data_dir)))
        if looks_like_repo_id(target):
            return Model2VecEmbedder(snapshot(target), name=f"model2vec:{target}")
        return Model2VecEmbedder(Path(target))
    if not target:
        raise InvalidInputError("embedder", f"{kind}: needs a model after the colon, e.g. {kind}:<model>")
    if kind == "sentence-transformers":
        from accord.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(target)
    from accord.adapters.embedders.litellm import LiteLLMEmbedder

    return LiteLLMEmbedder(target, api_base=api_base, api_key=api_key)


def _auto(data_dir: Path) -> Embedder | None:
    from accord.adapters.embedders.model2vec import Model2VecEmbedder, is_model2vec_dir

    model_dir = default_model2vec_dir(data_dir)
    if not is_model2vec_dir(model_dir):
        return None
    if importlib.util.find_spec("model2vec") is None:
        _log.warning("found a Model2Vec model at %s but model2vec is not installed; lexical only", model_dir)
        return None
    try:
        return Model2VecEmbedder(model_dir)
    except ProviderError as e:
        # "auto" is best effort by contract: a broken model degrades to lexical search, loudly.
        _log.warning("cannot load the Model2Vec model at %s (%s); lexical only", model_dir, e)
        return None

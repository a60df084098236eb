"""Turn a reranker spec (the ``ACCORD_RERANKER`` setting) into a reranker.

Specs::

    features                           the built-in feature reranker (no model; the default)
    none                               no second stage: first-stage relevance ranks alone
    cross-encoder:<path-or-hub-name>   a sentence-transformers CrossEncoder (torch)
"""

from __future__ import annotations

from accord.errors import InvalidInputError
from accord.ports import Clock, Reranker

__all__ = ["load_reranker"]


def load_reranker(spec: str, clock: Clock) -> Reranker | None:
    """The reranker a spec names, or None for ``none``.

    Raises:
        InvalidInputError: a malformed spec (``field == "reranker"``).
        ProviderError: sentence-transformers is missing or the model cannot be loaded.
    """
    text = spec.strip()
    kind, sep, target = text.partition(":")
    kind = kind.strip().lower()
    if kind == "none" and not sep:
        return None
    if kind == "features" and not sep:
        from accord.adapters.rerankers.features import FeatureReranker

        return FeatureReranker(clock)
    if kind == "cross-encoder" and target.strip():
        from accord.adapters.rerankers.cross_encoder import CrossEncoderReranker

        return CrossEncoderReranker(target.strip())
    raise InvalidInputError("reranker", f"unknown spec {spec!r}; use features, none or cross-encoder:<path or name>")

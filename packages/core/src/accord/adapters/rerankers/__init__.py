"""Rerankers: the built-in feature reranker and cross-encoders (see :mod:`.loader`)."""

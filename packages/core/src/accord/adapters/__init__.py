"""Adapters: the one place that imports a backend (SQLAlchemy, Qdrant, Redis, model libraries,
litellm). Each implements a port of :mod:`accord.ports`."""

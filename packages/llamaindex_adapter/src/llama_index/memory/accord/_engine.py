"""The engine types the adapter calls, and how it reaches them: ``accord.blocking.EngineRunner``
runs each coroutine on the loop the engine lives on (see that module).

The block depends on Accord's one engine interface, :class:`accord.interface.MemoryEngine`
(``AsyncEngine`` here), or its blocking twin (``SyncEngine``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from accord import PermissionDeniedError
from accord.blocking import BlockingEngine as SyncEngine
from accord.blocking import Engine, EngineRunner
from accord.interface import MemoryEngine as AsyncEngine

__all__ = ["AsyncEngine", "Engine", "EngineRunner", "SyncEngine", "mapped_errors"]


@contextmanager
def mapped_errors() -> Iterator[None]:
    """``PermissionDeniedError`` becomes ``PermissionError``; ``InvalidInputError`` already is a
    ``ValueError``; storage and provider failures stay ``AccordError``s."""
    try:
        yield
    except PermissionDeniedError as e:
        raise PermissionError(str(e)) from e

"""The engine types the adapter calls, and how it reaches them: ``accord.blocking.EngineRunner``
runs each coroutine on the loop the engine lives on (see that module).

The adapter depends on Accord's one engine interface, :class:`accord.interface.MemoryEngine`
(``AsyncEngine`` here), or its blocking twin (``SyncEngine``)."""

from __future__ import annotations

from accord.blocking import BlockingEngine as SyncEngine
from accord.blocking import Engine, EngineRunner
from accord.interface import MemoryEngine as AsyncEngine

__all__ = ["AsyncEngine", "Engine", "EngineRunner", "SyncEngine"]

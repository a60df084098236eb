"""``Accord``: the synchronous engine, generated from the async interface.

Every method is :func:`accord.blocking.blocking` over :class:`AsyncAccord`, run on a private event
loop in a daemon thread, so the sync API also works where a loop is already running (Jupyter,
inside async frameworks).
"""

from __future__ import annotations

from pathlib import Path

from accord.blocking import BlockingEngine, LoopThread
from accord.engine.engine import AsyncAccord
from accord.ports import Clock, Extractor
from accord.settings import AccordSettings

__all__ = ["Accord"]


class Accord(BlockingEngine[AsyncAccord]):
    """The synchronous memory engine; same methods and arguments as :class:`AsyncAccord`.

    Example:
        >>> memory = Accord(data_dir="/tmp/accord-demo")
        >>> memory.add("I prefer Python examples", user_id="alice", wait=True).status
        'done'
        >>> memory.close()
    """

    def __init__(
        self,
        settings: AccordSettings | None = None,
        *,
        data_dir: str | Path | None = None,
        clock: Clock | None = None,
        extractor: Extractor | None = None,
    ) -> None:
        self._open(AsyncAccord(settings, data_dir=data_dir, clock=clock, extractor=extractor), LoopThread())

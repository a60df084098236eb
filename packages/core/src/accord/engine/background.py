"""The engine's periodic background work (maintenance, access statistics): one loop for each."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from accord.errors import AccordError

log = logging.getLogger("accord")


async def every(interval: float, step: Callable[[], Awaitable[object]], what: str, *, report: bool = False) -> None:
    """Run ``step`` every ``interval`` seconds until cancelled. A failure is logged and the next
    round tries again: background work must not stop because the store hiccuped once."""
    while True:
        await asyncio.sleep(interval)
        try:
            result = await step()
        except AccordError as e:
            log.warning("%s failed, will retry: %s", what, e)
        else:
            if report:
                log.info("%s: %s", what, result)

"""Reads started alongside: the result or error comes back when awaited, and a task the caller
drops after failing first is cancelled, or its error counts as seen (never "never retrieved")."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest

from accord.engine import alongside


async def _value(v: int) -> int:
    await asyncio.sleep(0)
    return v


async def _fails() -> None:
    await asyncio.sleep(0)
    raise LookupError("the read failed")


async def test_awaiting_gives_the_result_or_the_error() -> None:
    assert await alongside.start(_value(7)) == 7
    with pytest.raises(LookupError, match="the read failed"):
        await alongside.start(_fails())


async def test_a_dropped_task_is_cancelled_or_its_error_seen() -> None:
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        pending = alongside.start(asyncio.sleep(3600))
        alongside.stop(pending)
        with pytest.raises(asyncio.CancelledError):
            await pending
        failed = alongside.start(_fails())
        await asyncio.sleep(0.01)  # it ends with its error while nobody awaits it
        assert failed.done()
        alongside.stop(failed)  # already done: nothing to cancel
        alongside.stop(None)
        del failed
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert reported == []

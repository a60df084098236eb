"""Reads started alongside others: a ``get()`` awaits several independent SQL reads, and on
PostgreSQL each is a network round trip, so the ones that do not depend on each other overlap."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def start(coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    """Run ``coro`` now, beside the caller, who awaits the task later (its error raises then).

    When the caller fails first and only cancels the task, an error the task ended with
    still counts as seen, so it is not logged as "never retrieved".
    """
    task = asyncio.ensure_future(coro)
    task.add_done_callback(_seen)
    return task


def stop(task: asyncio.Task[Any] | None) -> None:
    """Cancel a task the caller no longer awaits (it failed before it needed the result)."""
    if task is not None and not task.done():
        task.cancel()


def _seen(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()

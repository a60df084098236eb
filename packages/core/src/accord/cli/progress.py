"""Progress for long commands: a rich bar on a terminal, nothing at all when stderr is piped.

Every long command (``accord eval``, ``accord reindex``, ``accord import``, ``accord check``)
uses the one helper, so they look alike and all stay quiet in scripts and CI logs::

    with progress("importing", total=len(records)) as bar:
        for record in records:
            ...
            bar.advance()

The bar goes to stderr, so a command's stdout (JSON, a table) stays clean even on a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["Tracker", "progress", "shows_progress"]


class Tracker(Protocol):
    """What a command reports as it goes; each call is a no-op when progress is not shown."""

    def advance(self, steps: int = 1) -> None: ...

    def update(self, *, completed: int | None = None, total: int | None = None, description: str | None = None) -> None: ...

    def log(self, line: str) -> None:
        """A line of text above the bar (on a terminal only), e.g. a finished stage."""
        ...


class _Silent:
    def advance(self, steps: int = 1) -> None:
        return None

    def update(self, *, completed: int | None = None, total: int | None = None, description: str | None = None) -> None:
        return None

    def log(self, line: str) -> None:
        return None


class _Bar:
    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar, self._task = bar, task

    def advance(self, steps: int = 1) -> None:
        self._bar.advance(self._task, steps)

    def update(self, *, completed: int | None = None, total: int | None = None, description: str | None = None) -> None:
        self._bar.update(self._task, completed=completed, total=total, description=description)

    def log(self, line: str) -> None:
        self._bar.console.print(line, markup=False, highlight=False)


def shows_progress(stream: IO[str] | None = None) -> bool:
    """Whether a bar would be drawn: only when ``stream`` (default stderr) is a terminal.

    rich's own test also honours ``TTY_COMPATIBLE`` / ``TTY_INTERACTIVE`` and ``TERM=dumb``.
    """
    return Console(file=stream or sys.stderr).is_interactive


@contextmanager
def progress(description: str, total: int | None = None, *, stream: IO[str] | None = None) -> Iterator[Tracker]:
    """A progress bar for one piece of work; ``total=None`` draws a pulsing bar with a count.

    Args:
        description: What is being done, shown left of the bar.
        total: How many steps make the whole (None when not known up front).
        stream: Where the bar goes (default stderr). When it is not a terminal nothing is drawn.
    """
    console = Console(file=stream or sys.stderr)
    if not console.is_interactive:
        yield _Silent()
        return
    columns = [
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    # transient: the bar disappears when done, leaving the command's own summary line.
    with Progress(*columns, console=console, transient=True) as bar:
        yield _Bar(bar, bar.add_task(description, total=total))

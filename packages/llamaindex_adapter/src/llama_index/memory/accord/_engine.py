"""The engine types the adapter calls, and how it reaches them: ``accord.blocking.EngineRunner``
runs each coroutine on the loop the engine lives on (see that module)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, Protocol, TypeAlias, TypeVar, runtime_checkable

from accord import AddResult, ContextResult, PermissionDeniedError
from accord.blocking import EngineRunner, SyncEngine

__all__ = ["AsyncEngine", "Engine", "EngineRunner", "SyncEngine", "mapped_errors"]

T = TypeVar("T")


@runtime_checkable
class AsyncEngine(Protocol):
    """The part of :class:`accord.AsyncAccord` the block calls (``AsyncRemoteAccord`` has it too)."""

    async def add(
        self, messages: Any, user_id: str, *, session_id: str | None = None, wait: bool = False
    ) -> AddResult: ...

    async def get(
        self,
        query: str,
        user_id: str,
        *,
        limit: int = 10,
        categories: list[str] | None = None,
        format: Literal["bullets", "json", "xml"] = "bullets",
        context_max_tokens: int = 500,
    ) -> ContextResult: ...


Engine: TypeAlias = AsyncEngine | SyncEngine


@contextmanager
def mapped_errors() -> Iterator[None]:
    """``PermissionDeniedError`` becomes ``PermissionError``; ``InvalidInputError`` already is a
    ``ValueError``; storage and provider failures stay ``AccordError``s."""
    try:
        yield
    except PermissionDeniedError as e:
        raise PermissionError(str(e)) from e

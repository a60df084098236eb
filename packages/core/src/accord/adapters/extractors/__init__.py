"""``Extractor`` adapters: the offline rules (``rules``); the LLM extractor lives in :mod:`accord.adapters.llm`.

:class:`ServedExtractor` gives a plain :class:`accord.ports.Extractor` (one a user passes in) the
engine's :class:`accord.ports.ServingExtractor` port.
"""

from __future__ import annotations

from collections.abc import Sequence

from accord.domain.models import ExtractedMemory, Message, ProviderHealth
from accord.ports import Extractor, ServingExtractor

__all__ = ["ServedExtractor", "serving"]


class ServedExtractor:
    """A plain extractor as the engine runs it: served by itself, with no providers."""

    def __init__(self, inner: Extractor) -> None:
        self.inner = inner
        self.name: str = inner.name

    async def extract(self, messages: Sequence[Message]) -> list[ExtractedMemory]:
        return await self.inner.extract(messages)

    async def extract_served(self, messages: Sequence[Message]) -> tuple[list[ExtractedMemory], str]:
        return await self.inner.extract(messages), self.name

    def mode(self) -> str:
        return "rules"

    def providers(self) -> list[ProviderHealth]:
        return []


def serving(extractor: Extractor) -> ServingExtractor:
    """``extractor`` itself when it already offers the serving port, else wrapped."""
    return extractor if isinstance(extractor, ServingExtractor) else ServedExtractor(extractor)

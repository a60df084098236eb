"""``AccordMemory``: a LlamaIndex ``Memory`` that writes every exchange to Accord as it ends.

A plain ``Memory`` hands its blocks only what it flushes out of short-term memory, so a
short conversation never reaches Accord. ``AccordMemory`` writes each exchange (the user's
message, tool calls and results, the assistant's answer) when the answer arrives, as one
``engine.add`` call: the answer is indexed with the question it answers, and the user's
current message never shows up as a "past conversation" in its own context. Its Accord
blocks then ignore flushes, which they have already seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.memory import Memory
from llama_index.core.storage.chat_store.base_db import MessageStatus
from llama_index.memory.accord._block import AccordMemoryBlock
from pydantic import PrivateAttr, model_validator

__all__ = ["AccordMemory"]


class AccordMemory(Memory):
    """``Memory`` whose :class:`AccordMemoryBlock` blocks receive every exchange, not only flushes.

    Build it like ``Memory``: ``AccordMemory.from_defaults(session_id=..., memory_blocks=[block])``.
    """

    _pending: list[ChatMessage] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _blocks_skip_flushes(self) -> Self:
        for block in self._accord_blocks():
            block.accept_short_term_memory = False  # this memory writes those messages itself
        return self

    def _accord_blocks(self) -> list[AccordMemoryBlock]:
        return [b for b in self.memory_blocks if isinstance(b, AccordMemoryBlock)]

    async def aput(self, message: ChatMessage) -> None:
        await super().aput(message)
        await self._write_through([message])

    async def aput_messages(self, messages: list[ChatMessage]) -> None:
        await super().aput_messages(messages)
        await self._write_through(messages)

    async def areset(self, status: MessageStatus | None = None) -> None:
        self._pending.clear()
        await super().areset(status)

    async def _write_through(self, messages: Sequence[ChatMessage]) -> None:
        """Hold messages until an assistant answer with text ends the exchange, then write it."""
        self._pending.extend(messages)
        last = self._pending[-1] if self._pending else None
        if last is None or last.role != MessageRole.ASSISTANT or not (last.content or "").strip():
            return
        exchange, self._pending = self._pending, []
        for block in self._accord_blocks():
            await block.awrite(exchange, session_id=self.session_id)

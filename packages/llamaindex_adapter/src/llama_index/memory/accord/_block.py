"""``AccordMemoryBlock``: Accord's long-term memory as a block of a LlamaIndex ``Memory``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Literal

from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.memory import BaseMemoryBlock
from llama_index.memory.accord._engine import Engine, EngineRunner, mapped_errors
from pydantic import Field, PrivateAttr, SkipValidation

from accord import AddResult

__all__ = ["AccordMemoryBlock", "to_accord_turns"]

log = logging.getLogger("llama_index.memory.accord")

_MAX_QUERY_CHARS = 4_000  # the engine's limit on a query
Role = Literal["user", "assistant", "system", "tool"]
_ROLES: dict[str, Role] = {
    MessageRole.USER.value: "user",
    MessageRole.ASSISTANT.value: "assistant",
    MessageRole.CHATBOT.value: "assistant",
    MessageRole.MODEL.value: "assistant",
    MessageRole.SYSTEM.value: "system",
    MessageRole.DEVELOPER.value: "system",
    MessageRole.TOOL.value: "tool",
    MessageRole.FUNCTION.value: "tool",
}


def to_accord_turns(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    """LlamaIndex messages as Accord turns; messages without text (a bare tool call) are skipped."""
    turns = []
    for message in messages:
        text = message.content
        if text and text.strip():
            turns.append({"role": _ROLES.get(str(message.role.value), "user"), "content": text})
    return turns


def _latest_text(messages: Sequence[ChatMessage]) -> str:
    """The latest user message's text (else the latest text at all): what the context is for."""
    texts = [
        (m.role == MessageRole.USER, m.content.strip()) for m in messages if m.content and m.content.strip()
    ]
    chosen = next((t for is_user, t in reversed(texts) if is_user), texts[-1][1] if texts else "")
    return chosen[-_MAX_QUERY_CHARS:]


class AccordMemoryBlock(BaseMemoryBlock[str]):
    """What Accord knows about the user, for the latest message, in the agent's prompt.

    ``aget`` is ``engine.get(latest user message, user_id)``; its ``system_prompt_addition``
    becomes the block's text. ``aput`` writes the messages LlamaIndex flushes out of
    short-term memory with ``engine.add``. To write every turn as it happens, use
    :class:`AccordMemory` instead of ``Memory``.

    Args:
        engine: an ``accord.Accord`` / ``AsyncAccord``, or a client from ``accord.connect()``.
        user_id: whose memory this is; it never comes from the conversation.
        session_id: the Accord session for writes (default: the LlamaIndex memory's session id).
        limit: at most this many memories in the block.
        context_max_tokens: the block's token budget (the engine never exceeds it).
        categories: only these categories (e.g. ``["preference", "fact"]``).

    Example:
        >>> block = AccordMemoryBlock(engine=memory, user_id="alice")
        >>> agent_memory = Memory.from_defaults(session_id="alice-1", memory_blocks=[block])
        >>> await agent.run(user_msg="What should I cook?", memory=agent_memory)
    """

    name: str = "accord_memory"
    description: str | None = "What Accord remembers about the user"
    engine: SkipValidation[Engine] = Field(exclude=True)
    user_id: str
    session_id: str | None = None
    limit: int = Field(default=10, ge=1, le=200)
    context_max_tokens: int = Field(default=1000, ge=1)
    categories: list[str] | None = None

    _runner: EngineRunner = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        self._runner = EngineRunner(self.engine)

    async def _aget(self, messages: list[ChatMessage] | None = None, **block_kwargs: Any) -> str:
        query = _latest_text(messages or [])
        if not query:
            return ""
        with mapped_errors():
            context = await self._runner.arun(
                self._runner.aio.get(
                    query,
                    self.user_id,
                    limit=self.limit,
                    categories=self.categories,
                    context_max_tokens=self.context_max_tokens,
                )
            )
        return context.system_prompt_addition

    async def _aput(self, messages: list[ChatMessage]) -> None:
        session = next((m.additional_kwargs.get("session_id") for m in messages if m.additional_kwargs), None)
        await self.awrite(messages, session_id=session)

    async def awrite(
        self, messages: Sequence[ChatMessage], *, session_id: str | None = None
    ) -> AddResult | None:
        """Write messages to Accord now, as one conversation chunk.

        Returns the engine's ``AddResult`` (``None`` when no message had text). A write the
        gate blocks (``low_quality``, ``duplicate``, a rate limit) is logged, not raised:
        the conversation goes on either way.
        """
        turns = to_accord_turns(messages)
        if not turns:
            return None
        session = self.session_id or session_id
        with mapped_errors():
            result = await self._runner.arun(self._runner.aio.add(turns, self.user_id, session_id=session))
        if result.status == "blocked":
            log.info(
                "Accord did not store %d message(s) for %s: %s",
                len(turns),
                self.user_id,
                result.blocked_reason,
            )
        return result

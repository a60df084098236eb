"""Agent tools: ``add_memory`` and ``get_context``, bound to one user.

The user is fixed when the tools are made, never taken from the model's arguments: a model
can only read and write the memory of the user it is talking to.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, Literal, TypeVar

from accord import AccordError
from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from langchain_core.tools import BaseTool, BaseToolkit, ToolException
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SkipValidation

from langchain_accord._engine import Engine, EngineRunner

__all__ = ["AccordAddMemoryTool", "AccordGetContextTool", "AccordToolkit"]

T = TypeVar("T")
ToolOutput = tuple[str, dict[str, Any]]


class AddMemoryInput(BaseModel):
    content: str = Field(
        description="What the user said about themselves that should be remembered, in their words, "
        'e.g. "I\'m vegetarian" or "I moved to Lisbon in May".'
    )


class GetContextInput(BaseModel):
    query: str = Field(description="What you need to know about the user, e.g. 'dietary restrictions'.")


class _AccordTool(BaseTool):
    """The shared part: the engine, the user, error mapping."""

    engine: SkipValidation[Engine]
    user_id: str
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"
    handle_tool_error: bool = True  # the model reads Accord's error and carries on

    _runner: EngineRunner = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        self._runner = EngineRunner(self.engine)

    @staticmethod
    async def _tool_errors(coro: Coroutine[Any, Any, T]) -> T:
        try:
            return await coro
        except AccordError as e:
            raise ToolException(str(e)) from e


class AccordAddMemoryTool(_AccordTool):
    """``add_memory``: remember what the user said (``engine.add``); the artifact is the ``AddResult``."""

    name: str = "add_memory"
    description: str = (
        "Remember something durable the user told you about themselves (a preference, fact, goal, "
        "person in their life) so that later conversations can use it."
    )
    args_schema: type[BaseModel] = AddMemoryInput
    session_id: str | None = None
    wait: bool = False  # True: wait for extraction before answering the model

    def _run(self, content: str, run_manager: CallbackManagerForToolRun | None = None) -> ToolOutput:
        return self._runner.run(self._tool_errors(self._add(content)))

    async def _arun(
        self, content: str, run_manager: AsyncCallbackManagerForToolRun | None = None
    ) -> ToolOutput:
        return await self._runner.arun(self._tool_errors(self._add(content)))

    async def _add(self, content: str) -> ToolOutput:
        result = await self._runner.aio.add(
            [{"role": "user", "content": content}], self.user_id, session_id=self.session_id, wait=self.wait
        )
        if result.status == "blocked":
            text = f"Not stored: {result.blocked_reason}."
        elif result.status == "failed":
            text = f"Stored the turn, but extraction failed: {result.error}."
        else:
            text = (
                "Remembered."
                if result.status == "done"
                else "Remembered (extraction runs in the background)."
            )
        return text, result.model_dump(mode="json")


class AccordGetContextTool(_AccordTool):
    """``get_context``: what Accord knows about the user for a query (``engine.get``).

    The content is ``system_prompt_addition``; the artifact is the whole ``ContextResult``
    (memory ids, scores, service mode, a pending clarification question).
    """

    name: str = "get_context"
    description: str = (
        "Look up what you know about the user (preferences, facts, goals, past conversations) "
        "that is relevant to a question."
    )
    args_schema: type[BaseModel] = GetContextInput
    limit: int = Field(default=10, ge=1, le=200)
    context_max_tokens: int = Field(default=1000, ge=1)

    def _run(self, query: str, run_manager: CallbackManagerForToolRun | None = None) -> ToolOutput:
        return self._runner.run(self._tool_errors(self._get(query)))

    async def _arun(
        self, query: str, run_manager: AsyncCallbackManagerForToolRun | None = None
    ) -> ToolOutput:
        return await self._runner.arun(self._tool_errors(self._get(query)))

    async def _get(self, query: str) -> ToolOutput:
        context = await self._runner.aio.get(
            query, self.user_id, limit=self.limit, context_max_tokens=self.context_max_tokens
        )
        text = context.system_prompt_addition or "Nothing relevant is known about this user yet."
        return text, context.model_dump(mode="json")


class AccordToolkit(BaseToolkit):
    """Both tools for one user: ``AccordToolkit(engine=memory, user_id="alice").get_tools()``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: SkipValidation[Engine]
    user_id: str
    session_id: str | None = None

    def get_tools(self) -> list[BaseTool]:
        return [
            AccordAddMemoryTool(engine=self.engine, user_id=self.user_id, session_id=self.session_id),
            AccordGetContextTool(engine=self.engine, user_id=self.user_id),
        ]

"""The MCP tools: thin calls into the engine, within the caller's grant.

Every argument has a bounded schema, so the SDK refuses malformed input before a tool runs;
the engine checks everything again and names the field at fault. Either way the call
returns ``is_error`` with a readable message and stores nothing.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from mcp_types import InputRequiredResult
from pydantic import ConfigDict, Field, StrictBool

from accord import ContextResult
from accord.domain.models import ClarificationQuestion, ContextFormat
from accord.domain.validation import ID_PATTERN, UUID_PATTERN

from accord_mcp.auth import Caller
from accord_mcp.clarify import Answer, Clarifier
from accord_mcp.engine import MemoryEngine
from accord_mcp.errors import tool_errors
from accord_mcp.models import (
    MAX_TEXT_CHARS,
    AddMemoryResult,
    CategoryName,
    ClarificationOut,
    ConflictOut,
    ContextOut,
    DeleteResult,
    FeedbackOut,
    HistoryResult,
    MemoryList,
    MemoryOut,
    SearchResult,
    Turn,
    VersionOut,
)

__all__ = ["MemoryTools"]


def _forbid_unknown_arguments(server: MCPServer[Any], name: str) -> None:
    """Refuse an argument the tool does not take (a typo such as ``limt`` would otherwise be
    ignored silently), as the REST API refuses an unknown field; the listed schema says so too.

    The SDK builds each tool's argument model with extra fields ignored and offers no option;
    its tool registry (``_tool_manager``) is the one place to change that.
    """
    tool = server._tool_manager.get_tool(name)  # noqa: SLF001 - see the docstring
    if tool is None:
        raise RuntimeError(f"tool {name!r} was not registered")
    base = tool.fn_metadata.arg_model
    tool.fn_metadata.arg_model = type(base.__name__, (base,), {"model_config": ConfigDict(extra="forbid")})
    tool.parameters["additionalProperties"] = False


UserId = Annotated[
    str | None,
    Field(
        max_length=128,
        pattern=ID_PATTERN,
        description="the application's id for the user (letters, digits, _.:@+-); omit to use the configured default user",
    ),
]
Query = Annotated[str, Field(min_length=1, max_length=4000, description="what the next answer is about")]
Limit = Annotated[int, Field(ge=1, le=100, strict=True, description="at most this many memories (1-100)")]
Categories = Annotated[
    list[CategoryName] | None,
    Field(min_length=1, max_length=7, description="only these categories (default: every category the grant allows)"),
]
MemoryId = Annotated[str, Field(pattern=UUID_PATTERN, description="a memory id, as returned by the other tools")]

_READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
_WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
_DELETE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)


class MemoryTools:
    """The tools, bound to a :class:`Caller` that knows which agent and user each call runs as.

    Args:
        caller: resolves the engine view and default user per call.
        wait_timeout_seconds: the longest ``add_memory(wait=true)`` waits.
    """

    def __init__(self, caller: Caller, *, wait_timeout_seconds: float = 30.0) -> None:
        self._caller = caller
        self._wait_timeout = wait_timeout_seconds
        self._clarifier = Clarifier()

    def register(self, server: MCPServer[Any]) -> None:
        """Add every tool to ``server``; each docstring, dedented, is the tool's description."""
        for tool, title, hints in (
            (self.add_memory, "Remember", _WRITE),
            (self.get_context, "Recall context", _READ),
            (self.search_memories, "Search memories", _READ),
            (self.list_memories, "List memories", _READ),
            (self.memory_history, "Memory history", _READ),
            (self.delete_memory, "Delete a memory", _DELETE),
            (self.resolve, "Answer a clarification", _WRITE),
            (self.feedback, "Feedback on a memory", _WRITE),
        ):
            server.add_tool(tool, title=title, description=inspect.cleandoc(tool.__doc__ or ""), annotations=hints)
            _forbid_unknown_arguments(server, tool.__name__)

    async def add_memory(
        self,
        text: Annotated[str, Field(max_length=MAX_TEXT_CHARS, description="one thing the user said (or use messages)")] = "",
        messages: Annotated[
            list[Turn] | None, Field(min_length=1, max_length=200, description="the conversation turns (or use text)")
        ] = None,
        user_id: UserId = None,
        session_id: Annotated[
            str | None, Field(max_length=128, pattern=ID_PATTERN, description="groups the turns of one conversation")
        ] = None,
        metadata: Annotated[
            dict[str, Any] | None, Field(max_length=64, description="JSON provenance kept with the turns (16 KB at most)")
        ] = None,
        idempotency_key: Annotated[
            str | None, Field(min_length=1, max_length=200, description="a retry with the same key stores nothing new")
        ] = None,
        wait: Annotated[StrictBool, Field(description="wait until memories are extracted (a few seconds)")] = False,
        ctx: Context[Any, Any] | None = None,
    ) -> AddMemoryResult | InputRequiredResult:
        """Remember what the user said, for this and every later conversation.

        Give either `text` (one user statement) or `messages` (conversation turns). Every turn is
        searchable at once; durable memories (preferences, facts, goals, ...) are extracted in the
        background, and conflicting facts are resolved, never stored twice. A write may come back
        `blocked` (rate limit, trivial content, duplicate, quota) with a reason: that is not an error.
        When the user's memories now disagree, the result carries a `clarification_question` (or,
        in clients that show forms, the user is asked in a form and the answer settles it).

        Args:
            text: one statement by the user, up to 32,000 characters.
            messages: up to 200 turns, each a role (user, assistant, system, tool) and its content.
            user_id: the user this is about.
            session_id: the conversation these turns belong to.
            metadata: provenance kept with the turns.
            idempotency_key: makes a retried call safe.
            wait: return only once extraction has finished, listing the memories it created.
        """
        if messages and text:
            raise ToolError("invalid input: text: give either text or messages, not both")
        if not messages and not text.strip():
            raise ToolError("invalid input: text: give the text to remember (or messages)")
        turns = [t.model_dump(exclude_none=True) for t in messages] if messages else [{"role": "user", "content": text}]
        with tool_errors():
            engine = await self._caller.engine()
            user = self._caller.user_id(user_id, engine)
            answer = await self._clarifier.answered(ctx, engine)
            state = self._clarifier.state(ctx)
            if state is not None and isinstance(state.get("added"), dict):
                # The write happened in the round that asked the question: never twice.
                out = AddMemoryResult.model_validate(state["added"])
            else:
                result = await engine.add(
                    turns,
                    user,
                    session_id=session_id,
                    metadata=metadata,
                    idempotency_key=idempotency_key,
                    wait=wait,
                    timeout=self._wait_timeout,
                )
                out = AddMemoryResult.of(result)
            question = await self._open_question(engine, user)
            if question is not None and not (answer is not None and answer.declined):
                asked = await self._clarifier.ask(
                    ctx, engine, question, problem=answer.problem if answer else None,
                    carry={"added": out.model_dump(mode="json", exclude={"clarification_question", "clarification_answered"})},
                )
                if isinstance(asked, InputRequiredResult):
                    return asked
                if asked is not None and asked.conflict is not None:
                    answer, question = asked, await self._open_question(engine, user)
        return self._with_clarification(out, question, answer)

    async def get_context(
        self,
        query: Query,
        user_id: UserId = None,
        limit: Limit = 10,
        categories: Categories = None,
        format: Annotated[
            Literal["bullets", "json", "xml"], Field(description="how system_prompt_addition is rendered")
        ] = "bullets",
        context_max_tokens: Annotated[
            int, Field(ge=1, le=32_000, strict=True, description="token budget for system_prompt_addition")
        ] = 1000,
        ctx: Context[Any, Any] | None = None,
    ) -> ContextOut | InputRequiredResult:
        """Recall what matters about the user for the task at hand, ready to add to a system prompt.

        Call it before answering. The memories are ranked by relevance, importance and recency and
        cut to the token budget; each one keeps its id. When the user's memories disagree, a
        `clarification_question` comes back: ask the user, then call `resolve` with the answer (in
        clients that show forms, the user is asked in a form instead and the context reflects the answer).

        Args:
            query: the user's request or the topic of the next answer.
            user_id: the user to recall.
            limit: at most this many memories.
            categories: only these categories.
            format: bullets grouped by category, json or xml.
            context_max_tokens: the token budget.
        """
        with tool_errors():
            engine = await self._caller.engine()
            user = self._caller.user_id(user_id, engine)
            answer = await self._clarifier.answered(ctx, engine)
            result = await self._get(engine, query, user, limit, categories, format=format, max_tokens=context_max_tokens)
            question = result.clarification_question
            if question is not None and not (answer is not None and answer.declined):
                asked = await self._clarifier.ask(ctx, engine, question, problem=answer.problem if answer else None)
                if isinstance(asked, InputRequiredResult):
                    return asked
                if asked is not None and asked.conflict is not None:
                    answer = asked
                    result = await self._get(
                        engine, query, user, limit, categories, format=format, max_tokens=context_max_tokens
                    )
        out = ContextOut.of(result)
        if answer is not None and answer.conflict is not None:
            out.clarification_answered = ConflictOut.of(answer.conflict)
        return out

    async def search_memories(
        self, query: Query, user_id: UserId = None, limit: Limit = 10, categories: Categories = None
    ) -> SearchResult:
        """Search the user's memories by meaning and keywords; best match first, with relevance scores.

        Args:
            query: what to look for.
            user_id: the user whose memories to search.
            limit: at most this many results.
            categories: only these categories.
        """
        # The widest budget: a search returns every match, not what fits a prompt.
        with tool_errors():
            engine = await self._caller.engine()
            user = self._caller.user_id(user_id, engine)
            result = await self._get(engine, query, user, limit, categories, format="json", max_tokens=32_000)
        return SearchResult(query=result.query, memories=[MemoryOut.of(m) for m in result.memories])

    async def list_memories(
        self,
        user_id: UserId = None,
        categories: Categories = None,
        include_archived: Annotated[StrictBool, Field(description="also list archived (superseded) memories")] = False,
        limit: Annotated[int, Field(ge=1, le=100, strict=True, description="page size (1-100)")] = 50,
        offset: Annotated[int, Field(ge=0, le=1_000_000, strict=True, description="memories to skip")] = 0,
    ) -> MemoryList:
        """List the user's memories, newest first, one page at a time.

        Args:
            user_id: the user whose memories to list.
            categories: only these categories.
            include_archived: include archived memories.
            limit: page size.
            offset: where the page starts (use next_offset from the previous page).
        """
        with tool_errors():
            engine = await self._caller.engine()
            user = self._caller.user_id(user_id, engine)
            found = await engine.list_memories(
                user,
                categories=list(categories) if categories is not None else None,
                include_archived=include_archived,
                limit=limit,
                offset=offset,
            )
        return MemoryList(
            user_id=user,
            memories=[MemoryOut.of(m) for m in found],
            next_offset=offset + len(found) if len(found) == limit else None,
        )

    async def memory_history(self, memory_id: MemoryId) -> HistoryResult:
        """Every version of a memory, oldest first: what changed, when, and which agent changed it.

        Args:
            memory_id: the memory.
        """
        with tool_errors():
            engine = await self._caller.engine()
            versions = await engine.history(memory_id)
        return HistoryResult(memory_id=memory_id, versions=[VersionOut.of(v) for v in versions])

    async def delete_memory(self, memory_id: MemoryId) -> DeleteResult:
        """Delete one memory everywhere it is stored. Use it when the user asks to forget something.

        Args:
            memory_id: the memory.
        """
        with tool_errors():
            engine = await self._caller.engine()
            deleted = await engine.delete_memory(memory_id)
        return DeleteResult(deleted=MemoryOut.of(deleted))

    async def resolve(
        self,
        question_id: Annotated[
            str, Field(pattern=UUID_PATTERN, description="the id of the clarification question or review item")
        ],
        answer: Annotated[
            Annotated[str, Field(min_length=1, max_length=2000)] | Annotated[int, Field(ge=1, le=2, strict=True)],
            Field(description="1 (keep what was stored), 2 (take the new statement), or the user's own words"),
        ],
    ) -> ConflictOut:
        """Settle a clarification question (from get_context) or a review item with the user's answer.

        Args:
            question_id: the question or review item.
            answer: the option number, keep_existing / accept_new / keep_both, a memory id, or the
                user's own words (e.g. "it's on May 19").
        """
        with tool_errors():
            engine = await self._caller.engine()
            settled = await engine.resolve(question_id, answer)
        return ConflictOut.of(settled)

    async def feedback(
        self,
        memory_id: MemoryId,
        kind: Annotated[
            Literal["helpful", "wrong", "outdated"],
            Field(description="helpful (raise its importance), wrong (archive it), outdated (ask the user)"),
        ],
        note: Annotated[str, Field(min_length=1, max_length=2000, description="why, in a few words")] | None = None,
    ) -> FeedbackOut:
        """Tell the memory layer whether a memory from get_context helped: every context line cites
        its memory id. "wrong" archives it, "outdated" asks the user whether it is still true.

        Args:
            memory_id: the memory the context cited.
            kind: helpful, wrong or outdated.
            note: optional reason.
        """
        with tool_errors():
            engine = await self._caller.engine()
            done = await engine.feedback(memory_id, kind, note)
        return FeedbackOut(
            memory=MemoryOut.of(done.memory),
            kind=done.kind,
            action=done.action,
            question=ClarificationOut.of(done.question) if done.question else None,
        )

    async def _get(
        self,
        engine: MemoryEngine,
        query: str,
        user_id: str,
        limit: int,
        categories: list[CategoryName] | None,
        *,
        format: ContextFormat,  # noqa: A002 - the engine's name of the option
        max_tokens: int,
    ) -> ContextResult:
        """One recall for the user: what ``get_context`` renders and ``search_memories`` lists."""
        return await engine.get(
            query,
            user_id,
            limit=limit,
            categories=list(categories) if categories is not None else None,
            format=format,
            context_max_tokens=max_tokens,
        )

    @staticmethod
    async def _open_question(engine: MemoryEngine, user_id: str) -> ClarificationQuestion | None:
        """The user's oldest open clarification this key may settle, as ``get`` would put it."""
        found = await engine.list_conflicts(status="open", kind="clarification", user_id=user_id, limit=1)
        return ClarificationQuestion(id=found[0].id, question=found[0].question, options=found[0].options) if found else None

    @staticmethod
    def _with_clarification(
        out: AddMemoryResult, question: ClarificationQuestion | None, answer: Answer | None
    ) -> AddMemoryResult:
        out.clarification_question = ClarificationOut.of(question) if question is not None else None
        out.clarification_answered = ConflictOut.of(answer.conflict) if answer and answer.conflict else None
        return out

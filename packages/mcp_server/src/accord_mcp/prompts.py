"""MCP prompts: what a user picks from a client's menu ("what do you remember about me", "remember this", "forget this").

A prompt only reads: it fetches what Accord holds (within the caller's grant) and asks the model
to act through the tools, so writing and deleting stay tool calls the client shows and the user
approves. Arguments are strings, as the protocol has them; ``user_id`` is optional wherever a
default user is configured.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import UserMessage
from pydantic import Field

from accord_mcp.auth import Caller
from accord_mcp.errors import prompt_errors

__all__ = ["PROMPTS", "register_prompts"]

PROMPTS = ("what_do_you_remember", "remember_this", "forget_this")
RECALL_LIMIT = 50
RECALL_TOKENS = 2000
FORGET_CANDIDATES = 10
_LINE_CHARS = 300

UserArg = Annotated[str | None, Field(description="the user (default: the configured user)")]


def _one_line(text: str) -> str:
    """A memory as one bounded line in a list: its lines joined, cut at 300 characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _LINE_CHARS else flat[: _LINE_CHARS - 1] + "…"


def register_prompts(server: MCPServer[Any], caller: Caller) -> None:
    """Add the prompts to ``server``; what they show is read within the caller's grant."""

    @server.prompt(name="what_do_you_remember", title="What do you remember about me?")
    async def what_do_you_remember(
        user_id: UserArg = None,
        topic: Annotated[str | None, Field(description="only what concerns this (default: everything)")] = None,
        category: Annotated[str | None, Field(description="only this category, e.g. preference or fact")] = None,
    ) -> list[UserMessage]:
        """Show what Accord remembers about the user, and offer to correct or forget any of it."""
        with prompt_errors():
            engine = await caller.engine()
            user = caller.user_id(user_id, engine)
            found = await engine.get(
                topic or "what do you know about me",
                user,
                limit=RECALL_LIMIT,
                categories=[category] if category else None,
                context_max_tokens=RECALL_TOKENS,
            )
        about = (f" about {topic}" if topic else "") + (f" ({category} memories)" if category else "")
        if not found.memories:
            return [UserMessage(f"Accord holds no memories of me{about} yet. Say so, and offer to remember what I tell you.")]
        return [
            UserMessage(
                f"This is what Accord remembers about me{about}:\n\n{found.system_prompt_addition}\n\n"
                "Tell me in a few plain sentences what you remember about me. Point out anything that looks "
                "out of date or wrong, and offer to correct it (add_memory) or forget it (delete_memory)."
            )
        ]

    @server.prompt(name="remember_this", title="Remember this")
    async def remember_this(
        text: Annotated[str, Field(min_length=1, max_length=4000, description="what to remember")],
        user_id: UserArg = None,
    ) -> list[UserMessage]:
        """Ask the model to store one thing the user says, and to report what it stored."""
        with prompt_errors():
            engine = await caller.engine()
            user = caller.user_id(user_id, engine)
        return [
            UserMessage(
                f"Remember this about me: {text}\n\n"
                f'Call the add_memory tool with this text, user_id "{user}" and wait=true, then tell me in '
                "one sentence what you stored. If it contradicts something you already knew, ask me which is right."
            )
        ]

    @server.prompt(name="forget_this", title="Forget this")
    async def forget_this(
        what: Annotated[str, Field(min_length=1, max_length=4000, description="what to forget")],
        user_id: UserArg = None,
    ) -> list[UserMessage]:
        """Find the memories about something, and delete the ones the user confirms."""
        with prompt_errors():
            engine = await caller.engine()
            user = caller.user_id(user_id, engine)
            found = await engine.get(what, user, limit=FORGET_CANDIDATES, format="json", context_max_tokens=32_000)
        # Recall pads its answer with the user's profile facts (relevance 0): only matches count here.
        matches = [m for m in found.memories if m.relevance_score]
        if not matches:
            return [UserMessage(f"Forget this about me: {what}\n\nAccord holds no memory that matches it. Tell me so.")]
        listed = "\n".join(f"- {m.id}: {_one_line(m.content)}" for m in matches)
        return [
            UserMessage(
                f"Forget this about me: {what}\n\nThese memories match it (id: content):\n{listed}\n\n"
                "Show me the ones that are about this and ask me to confirm. Then call delete_memory for each "
                "one I confirm, and nothing else."
            )
        ]

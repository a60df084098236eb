"""A LlamaIndex agent whose long-term memory is Accord, as a memory block.

Run it:  python examples/llamaindex_agent.py

In session 1 Alice mentions her allergy; ``AccordMemory`` writes each exchange to Accord as it
ends. Session 2 starts with empty short-term memory, and the ``AccordMemoryBlock`` puts what
Accord knows about her into the agent's prompt. It runs offline as written: a scripted mock
LLM stands in for a real one (swap in e.g. ``OpenAI(model="gpt-4o-mini")``).
"""

import asyncio
import tempfile
from collections.abc import Sequence
from typing import Any

from accord import AsyncAccord
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.llms.mock import MockFunctionCallingLLM
from llama_index.memory.accord import AccordMemory, AccordMemoryBlock

REPLIES = iter(["Noted, no peanuts for you.", "How about a Thai green curry with tofu, without peanuts?"])


def scripted_llm(messages: Sequence[ChatMessage], **kwargs: Any) -> ChatMessage:
    """Stands in for a real model: shows what it is given, answers from a script."""
    for message in messages:
        if message.role.value == "system":
            print(f"[model sees] {message.content}")
    return ChatMessage(role="assistant", content=next(REPLIES))


async def main() -> None:
    # AsyncAccord() on its own keeps memory in ~/.accord; this example uses a throwaway directory.
    with tempfile.TemporaryDirectory() as data_dir:
        async with AsyncAccord(data_dir=data_dir) as memory:
            llm = MockFunctionCallingLLM(response_generator=scripted_llm)
            agent = FunctionAgent(llm=llm, tools=[], system_prompt="You are a cooking assistant.")

            for session, text in (
                ("alice-1", "I'm allergic to peanuts."),
                ("alice-2", "What should I cook tonight?"),
            ):
                block = AccordMemoryBlock(engine=memory, user_id="alice")
                agent_memory = AccordMemory.from_defaults(
                    session_id=session, token_limit=4000, memory_blocks=[block]
                )
                print(f"\n== session {session} ==\n[user] {text}")
                answer = await agent.run(user_msg=text, memory=agent_memory)
                print(f"[agent] {answer}")
                # Extraction runs in the background; wait for it so session 2 sees the facts.
                await memory.process_pending()


if __name__ == "__main__":
    asyncio.run(main())

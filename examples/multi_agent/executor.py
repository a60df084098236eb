"""The executor: a LlamaIndex agent whose memory block is Accord, through ``accord serve``.

Its prompt carries what Accord knows about the user (the planner's plan included); every
exchange is written back. Environment: ACCORD_URL, ACCORD_API_KEY (the executor's own key),
EXAMPLE_USER, EXAMPLE_MESSAGE. Prints one JSON line: what its model saw and what it wrote.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from typing import Any

from _model import answer
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.llms.mock import MockFunctionCallingLLM
from llama_index.memory.accord import AccordMemory, AccordMemoryBlock

import accord

SYSTEM = "You carry out a client's training plan and report what was done."
SEEN: list[str] = []


def model(messages: Sequence[ChatMessage], **kwargs: Any) -> ChatMessage:
    """Records the prompt the agent built (memory block included) and answers it."""
    system = "\n".join(m.content or "" for m in messages if m.role.value == "system")
    SEEN.append(system)
    prompt = messages[-1].content or ""
    scripted = "Completed week 1: three morning runs of 5 km and one bike ride; the knee felt fine."
    return ChatMessage(role="assistant", content=answer(SYSTEM + "\n" + system, prompt, scripted))


async def main() -> None:
    user, message = os.environ["EXAMPLE_USER"], os.environ["EXAMPLE_MESSAGE"]
    memory = accord.connect_async(os.environ["ACCORD_URL"], api_key=os.environ["ACCORD_API_KEY"])
    block = AccordMemoryBlock(engine=memory, user_id=user)
    agent_memory = AccordMemory.from_defaults(session_id=f"{user}-executor", token_limit=4000, memory_blocks=[block])
    agent = FunctionAgent(llm=MockFunctionCallingLLM(response_generator=model), tools=[], system_prompt=SYSTEM)
    reply = str(await agent.run(user_msg=message, memory=agent_memory))
    print(json.dumps({"agent": "executor", "saw": SEEN, "wrote": [message, reply]}))
    await memory.close()


if __name__ == "__main__":
    asyncio.run(main())

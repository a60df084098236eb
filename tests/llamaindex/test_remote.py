"""The block over ``accord.connect()`` / ``connect_async()`` against a real ``accord serve``."""

from __future__ import annotations

import uuid

import pytest
from accord import connect, connect_async
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.llms.mock import MockFunctionCallingLLMWithChatMemoryOfLastCall
from llama_index.core.memory import Memory
from llama_index.memory.accord import AccordMemory, AccordMemoryBlock

from .conftest import OPERATOR_KEY

pytestmark = pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecationWarning")


async def _run(memory: Memory, text: str) -> str:
    llm = MockFunctionCallingLLMWithChatMemoryOfLastCall()
    await FunctionAgent(llm=llm, tools=[]).run(user_msg=text, memory=memory)
    return "\n".join(m.content or "" for m in llm.last_chat_messages or [])


async def test_async_client(server_url: str) -> None:
    user = f"user-{uuid.uuid4().hex[:8]}"
    async with connect_async(server_url, OPERATOR_KEY) as engine:
        await engine.add("I'm vegetarian and I love Thai food.", user_id=user, wait=True)
        memory = Memory.from_defaults(
            token_limit=4000, memory_blocks=[AccordMemoryBlock(engine=engine, user_id=user)]
        )
        assert "User loves Thai food" in await _run(memory, "Suggest a Thai dinner")


async def test_blocking_client(server_url: str) -> None:
    user = f"user-{uuid.uuid4().hex[:8]}"
    with connect(server_url, OPERATOR_KEY) as engine:
        block = AccordMemoryBlock(engine=engine, user_id=user)
        memory = AccordMemory.from_defaults(session_id=f"{user}-s1", token_limit=4000, memory_blocks=[block])
        await _run(memory, "I play the cello in an orchestra")
        assert "cello" in await _run(memory, "Which cello strings should I buy?")
        assert any(m.content == "I play the cello in an orchestra" for m in engine.list_memories(user))

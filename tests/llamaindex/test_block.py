"""AccordMemoryBlock and AccordMemory with a real FunctionAgent and a mock LLM that records its input."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from accord import Accord, AsyncAccord, InvalidInputError
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.llms.mock import MockFunctionCallingLLMWithChatMemoryOfLastCall
from llama_index.core.memory import Memory
from llama_index.memory.accord import AccordMemory, AccordMemoryBlock, to_accord_turns

# llama-index's workflow constructor inspects pydantic models with inspect.getmembers (not our code).
pytestmark = pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecationWarning")


def _llm_input(llm: MockFunctionCallingLLMWithChatMemoryOfLastCall) -> str:
    messages: Sequence[ChatMessage] = llm.last_chat_messages or []
    return "\n".join(f"{m.role.value}: {m.content}" for m in messages)


def _agent() -> tuple[FunctionAgent, MockFunctionCallingLLMWithChatMemoryOfLastCall]:
    llm = MockFunctionCallingLLMWithChatMemoryOfLastCall()
    return FunctionAgent(llm=llm, tools=[], system_prompt="You are a helpful cook."), llm


async def test_stored_memory_reaches_the_llm(aengine: AsyncAccord) -> None:
    await aengine.add("I'm vegetarian and I love Thai food.", user_id="alice", wait=True)
    block = AccordMemoryBlock(engine=aengine, user_id="alice")
    memory = Memory.from_defaults(session_id="alice-1", token_limit=4000, memory_blocks=[block])
    agent, llm = _agent()
    await agent.run(user_msg="Suggest a Thai dinner for me", memory=memory)
    seen = llm.last_chat_messages or []
    system = [m.content or "" for m in seen if m.role == MessageRole.SYSTEM]
    assert any("<accord_memory>" in text and "User loves Thai food" in text for text in system), _llm_input(
        llm
    )
    assert "User is vegetarian" in _llm_input(llm)  # a high-importance fact is always considered
    assert seen[-1].role == MessageRole.USER and seen[-1].content == "Suggest a Thai dinner for me"


async def test_a_blocking_engine_works_from_the_agents_loop(engine: Accord) -> None:
    engine.add("My favourite drink is green tea.", user_id="alice", wait=True)
    memory = Memory.from_defaults(
        token_limit=4000, memory_blocks=[AccordMemoryBlock(engine=engine, user_id="alice")]
    )
    agent, llm = _agent()
    await agent.run(user_msg="What drink would I like with green tea cake?", memory=memory)
    assert (
        "User's favourite drink is green tea" in _llm_input(llm)
        or "green tea" in _llm_input(llm).split("user:")[0]
    )


async def test_flushed_messages_are_written(aengine: AsyncAccord) -> None:
    block = AccordMemoryBlock(engine=aengine, user_id="bob")
    memory = Memory.from_defaults(
        session_id="bob-1",
        token_limit=60,
        token_flush_size=20,
        chat_history_token_ratio=0.5,
        memory_blocks=[block],
    )
    agent, _ = _agent()
    for text in (
        "I work at Initech as a tester",
        "I live in Austin, Texas",
        "I have a cat called Milton",
        "And a dog",
    ):
        await agent.run(user_msg=text, memory=memory)
    turns = [m for m in await aengine.list_memories("bob", categories=["episodic"])]
    assert any(m.content == "I work at Initech as a tester" for m in turns)
    assert all(m.source.session_id == "bob-1" for m in turns)


async def test_a_plain_memory_does_not_write_short_conversations(aengine: AsyncAccord) -> None:
    memory = Memory.from_defaults(
        token_limit=4000, memory_blocks=[AccordMemoryBlock(engine=aengine, user_id="bob")]
    )
    agent, _ = _agent()
    await agent.run(user_msg="I work at Initech as a tester", memory=memory)
    assert await aengine.list_memories("bob") == []  # nothing flushed yet: hence AccordMemory


async def test_accord_memory_writes_every_exchange(aengine: AsyncAccord) -> None:
    block = AccordMemoryBlock(engine=aengine, user_id="carol")
    memory = AccordMemory.from_defaults(session_id="carol-1", token_limit=60, memory_blocks=[block])
    assert block.accept_short_term_memory is False  # flushes would write the same messages twice
    agent, llm = _agent()
    await agent.run(user_msg="I'm allergic to peanuts", memory=memory)
    # The current message is written once the answer arrives, never into its own context.
    assert "From past conversations" not in _llm_input(llm)
    turns = await aengine.list_memories("carol", categories=["episodic"])
    assert sorted((m.source.role, m.content) for m in turns) == [
        ("assistant", "I'm allergic to peanuts"),  # the mock LLM echoes the user
        ("user", "I'm allergic to peanuts"),
    ]
    assert {m.source.session_id for m in turns} == {"carol-1"}
    for text in ("Plan my meals for the week", "I love Thai curries", "No desserts please"):
        await agent.run(user_msg=text, memory=memory)
    assert "peanuts" in _llm_input(llm).split("user: No desserts please")[0]
    turns = await aengine.list_memories("carol", categories=["episodic"])
    assert len([m for m in turns if m.source.role == "user"]) == 4  # each message once, flushes ignored


async def test_context_is_for_the_latest_user_message(aengine: AsyncAccord) -> None:
    await aengine.add("I play the cello in an orchestra", user_id="dan", wait=True)
    block = AccordMemoryBlock(engine=aengine, user_id="dan", categories=["episodic"])
    chat = [
        ChatMessage(role=MessageRole.USER, content="Tell me about football"),
        ChatMessage(role=MessageRole.ASSISTANT, content="Sure."),
        ChatMessage(role=MessageRole.USER, content="Which cello strings should I buy?"),
        ChatMessage(role=MessageRole.ASSISTANT, content=""),
    ]
    assert "cello in an orchestra" in await block.aget(chat)
    assert await block.aget([]) == ""
    assert await block.aget(None) == ""


def test_messages_become_accord_turns() -> None:
    turns = to_accord_turns(
        [
            ChatMessage(role=MessageRole.SYSTEM, content="Be brief."),
            ChatMessage(role=MessageRole.USER, content="I live in Oslo"),
            ChatMessage(role=MessageRole.CHATBOT, content="Nice!"),
            ChatMessage(role=MessageRole.FUNCTION, content="{'weather': 'snow'}"),
            ChatMessage(role=MessageRole.ASSISTANT, content=None),  # a bare tool call
        ]
    )
    assert turns == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "I live in Oslo"},
        {"role": "assistant", "content": "Nice!"},
        {"role": "tool", "content": "{'weather': 'snow'}"},
    ]


async def test_errors_map_to_the_natural_python_types(aengine: AsyncAccord) -> None:
    with pytest.raises(ValueError, match="user_id") as caught:
        await AccordMemoryBlock(engine=aengine, user_id="bad user").aget(
            [ChatMessage(role="user", content="hi there")]
        )
    assert isinstance(caught.value, InvalidInputError)
    _, key = await aengine.create_agent("no-grants")
    outsider = AccordMemoryBlock(engine=await aengine.for_key(key.key), user_id="alice")
    with pytest.raises(PermissionError, match="may not write"):
        await outsider.awrite([ChatMessage(role="user", content="I like tea")])
    with pytest.raises(TypeError, match="engine must be"):
        AccordMemoryBlock(engine="not an engine", user_id="alice")  # type: ignore[arg-type]


async def test_blocked_writes_are_not_errors(aengine: AsyncAccord) -> None:
    block = AccordMemoryBlock(engine=aengine, user_id="erin")
    result = await block.awrite([ChatMessage(role="user", content="thanks!")])
    assert result is not None and result.blocked_reason == "low_quality"
    assert await block.awrite([ChatMessage(role="assistant", content=None)]) is None


async def test_reset_drops_an_unfinished_exchange(aengine: AsyncAccord) -> None:
    memory = AccordMemory.from_defaults(
        token_limit=4000, memory_blocks=[AccordMemoryBlock(engine=aengine, user_id="fay")]
    )
    await memory.aput(ChatMessage(role="user", content="I collect vintage stamps"))
    await memory.areset()
    await memory.aput(ChatMessage(role="user", content="I play chess on Sundays"))
    await memory.aput(ChatMessage(role="assistant", content="Nice hobby!"))
    turns = await aengine.list_memories("fay", categories=["episodic"])
    assert sorted(m.content for m in turns) == ["I play chess on Sundays", "Nice hobby!"]

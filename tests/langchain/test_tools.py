"""The agent tools: langchain-tests' standard tool suites, then what they do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accord import Accord, AsyncAccord
from langchain_accord import AccordAddMemoryTool, AccordGetContextTool, AccordToolkit
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool
from langchain_tests.integration_tests import ToolsIntegrationTests
from langchain_tests.unit_tests import ToolsUnitTests

from .conftest import settings


class _WithEngine:
    memory: Any

    @pytest.fixture(autouse=True)
    def _memory(self, tmp_path: Path) -> Iterator[None]:
        with Accord(settings(tmp_path / "data")) as memory:
            memory.add("I'm vegetarian and I love Thai food.", user_id="alice", wait=True)
            self.memory = memory
            yield


class _AddMemory(_WithEngine):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return AccordAddMemoryTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"engine": self.memory, "user_id": "alice"}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"content": "My sister Ana lives in Porto"}


class _GetContext(_WithEngine):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return AccordGetContextTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"engine": self.memory, "user_id": "alice"}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"query": "what should I cook tonight?"}


class TestAddMemoryToolUnit(_AddMemory, ToolsUnitTests):
    pass


class TestAddMemoryToolIntegration(_AddMemory, ToolsIntegrationTests):
    pass


class TestGetContextToolUnit(_GetContext, ToolsUnitTests):
    pass


class TestGetContextToolIntegration(_GetContext, ToolsIntegrationTests):
    pass


def _call(tool: BaseTool, **args: Any) -> ToolMessage:
    message = tool.invoke({"type": "tool_call", "id": "call-1", "name": tool.name, "args": args})
    assert isinstance(message, ToolMessage)
    return message


def test_toolkit_binds_both_tools_to_one_user(engine: Accord) -> None:
    add, get = AccordToolkit(engine=engine, user_id="alice", session_id="s1").get_tools()
    assert (add.name, get.name) == ("add_memory", "get_context")
    assert set(add.args) == {"content"}  # the user is bound, not an argument the model fills in
    added = _call(add, content="I'm allergic to peanuts")
    assert added.status == "success" and added.artifact["status"] in ("queued", "done")
    engine.process_pending()
    context = _call(get, query="peanuts")
    assert "peanuts" in context.content and context.artifact["memories"]
    assert engine.get_memory(added.artifact["episodic_memory_ids"][0]).source.session_id == "s1"


def test_blocked_writes_and_errors_reach_the_model(engine: Accord) -> None:
    add = AccordAddMemoryTool(engine=engine, user_id="alice")
    assert _call(add, content="thanks!").content == "Not stored: low_quality."
    failed = _call(AccordGetContextTool(engine=engine, user_id="alice"), query="   ")
    assert failed.status == "error" and "query" in str(failed.content)


def test_waiting_for_extraction(engine: Accord) -> None:
    add = AccordAddMemoryTool(engine=engine, user_id="bob", wait=True)
    message = _call(add, content="I work at Initech")
    assert message.content == "Remembered." and message.artifact["memories_created"]


async def test_tools_on_an_async_engine(aengine: AsyncAccord) -> None:
    add, get = AccordToolkit(engine=aengine, user_id="alice").get_tools()
    await add.ainvoke({"content": "I'm training for a marathon"})
    assert "marathon" in await get.ainvoke({"query": "marathon"})

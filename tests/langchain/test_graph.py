"""A compiled LangGraph graph whose nodes reach AccordStore through ``Runtime``."""

from __future__ import annotations

from typing import TypedDict

from accord import Accord, AsyncAccord
from langchain_accord import AccordStore
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime


class State(TypedDict):
    user_id: str
    message: str
    recalled: list[str]


def _build_async() -> StateGraph[State]:
    async def remember(state: State, runtime: Runtime) -> dict[str, object]:
        assert runtime.store is not None
        await runtime.store.aput(("users", state["user_id"]), "last-message", {"text": state["message"]})
        return {}

    async def recall(state: State, runtime: Runtime) -> dict[str, object]:
        assert runtime.store is not None
        hits = await runtime.store.asearch(("users", state["user_id"]), query=state["message"], limit=5)
        return {"recalled": [h.value["text"] for h in hits]}

    builder = StateGraph(State)
    builder.add_node("remember", remember)
    builder.add_node("recall", recall)
    builder.add_edge(START, "remember")
    builder.add_edge("remember", "recall")
    builder.add_edge("recall", END)
    return builder


def _build_sync() -> StateGraph[State]:
    def remember(state: State, runtime: Runtime) -> dict[str, object]:
        assert runtime.store is not None
        runtime.store.put(("users", state["user_id"], "notes"), "today", {"text": state["message"]})
        return {}

    def recall(state: State, runtime: Runtime) -> dict[str, object]:
        assert runtime.store is not None
        item = runtime.store.get(("users", state["user_id"], "notes"), "today")
        hits = runtime.store.search(("users", state["user_id"]), query="hiking", limit=5)
        return {"recalled": [item.value["text"] if item else ""] + [h.value["text"] for h in hits]}

    builder = StateGraph(State)
    builder.add_node("remember", remember)
    builder.add_node("recall", recall)
    builder.add_edge(START, "remember")
    builder.add_edge("remember", "recall")
    builder.add_edge("recall", END)
    return builder


async def test_async_graph_with_an_async_engine(aengine: AsyncAccord) -> None:
    await aengine.add("I'm training for the Lisbon marathon", user_id="alice", wait=True)
    graph = _build_async().compile(store=AccordStore(aengine))
    out = await graph.ainvoke({"user_id": "alice", "message": "Any tips for my marathon?", "recalled": []})
    assert "Any tips for my marathon?" in out["recalled"]
    assert any("Lisbon marathon" in text for text in out["recalled"])
    # What the graph stored is the engine's memory too: any other adapter reads it.
    ctx = await aengine.get("marathon tips", user_id="alice")
    assert "Any tips for my marathon?" in ctx.system_prompt_addition


def test_sync_graph_with_a_blocking_engine(engine: Accord) -> None:
    engine.add("I love hiking in the Alps", user_id="bob", wait=True)
    graph = _build_sync().compile(store=AccordStore(engine))
    out = graph.invoke({"user_id": "bob", "message": "Booked a hut for the weekend", "recalled": []})
    assert out["recalled"][0] == "Booked a hut for the weekend"
    assert any("hiking" in text.lower() for text in out["recalled"][1:])


async def test_async_graph_with_a_blocking_engine(engine: Accord) -> None:
    graph = _build_async().compile(store=AccordStore(engine))
    out = await graph.ainvoke({"user_id": "carol", "message": "I am learning Portuguese", "recalled": []})
    assert "I am learning Portuguese" in out["recalled"]

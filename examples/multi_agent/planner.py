"""The planner: a LangGraph graph whose long-term memory is Accord, through ``accord serve``.

Reads the user's memory with ``AccordStore``, makes a plan, writes what the client said with
the ``add_memory`` tool and the plan itself with ``store.put``. Environment: ACCORD_URL, ACCORD_API_KEY (the planner's own key),
EXAMPLE_USER, EXAMPLE_MESSAGE. Prints one JSON line: what it saw and what it wrote.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import TypedDict

from _model import answer
from langchain_accord import AccordStore, AccordToolkit
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

import accord

SYSTEM = "You are a running coach planning a client's training. Use what you know about them."


class State(TypedDict):
    message: str
    seen: list[str]
    reply: str


def scripted_reply(seen: list[str]) -> str:
    report = next((s for s in seen if "completed" in s.lower()), None)
    if report:
        return "Good week. Since the knee held up, next week adds a fourth easy morning run."
    return "Plan for week 1: three easy morning runs of 5 km, plus cycling instead of hill work to spare the knee."


async def main() -> None:
    user, message = os.environ["EXAMPLE_USER"], os.environ["EXAMPLE_MESSAGE"]
    memory = accord.connect(os.environ["ACCORD_URL"], api_key=os.environ["ACCORD_API_KEY"])
    store = AccordStore(engine=memory)
    add_memory = next(t for t in AccordToolkit(engine=memory, user_id=user).get_tools() if t.name == "add_memory")

    async def recall(state: State, runtime: Runtime) -> dict[str, list[str]]:
        items = await runtime.store.asearch(("users", user), query=state["message"], limit=10)
        return {"seen": [str(item.value.get("text", "")) for item in items]}

    async def plan(state: State) -> dict[str, str]:
        known = "\n".join(f"- {s}" for s in state["seen"])
        return {"reply": answer(SYSTEM, f"What you know:\n{known}\n\nClient: {state['message']}", scripted_reply(state["seen"]))}

    async def remember(state: State, runtime: Runtime) -> dict[str, str]:
        await add_memory.ainvoke({"content": state["message"]})  # what the client said
        # The plan is the planner's own note, kept in the user's memory for the other agents.
        await runtime.store.aput(("users", user, "plans"), f"plan-{abs(hash(state['reply'])) % 10**8}", {"text": state["reply"]})
        return {}

    graph = StateGraph(State)
    graph.add_node("recall", recall)
    graph.add_node("plan", plan)
    graph.add_node("remember", remember)
    graph.add_edge(START, "recall")
    graph.add_edge("recall", "plan")
    graph.add_edge("plan", "remember")
    graph.add_edge("remember", END)
    result = await graph.compile(store=store).ainvoke({"message": message, "seen": [], "reply": ""})
    print(json.dumps({"agent": "planner", "saw": result["seen"], "wrote": [message, result["reply"]]}))
    memory.close()


if __name__ == "__main__":
    asyncio.run(main())

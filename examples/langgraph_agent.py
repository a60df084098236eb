"""A LangGraph agent whose long-term memory is Accord, through the LangGraph store interface.

Run it:  python examples/langgraph_agent.py

The checkpointer keeps each thread's short-term history; ``AccordStore`` keeps what the user
said across threads. In thread 1 Alice mentions her allergy; in thread 2, a new conversation,
the agent finds it in the store. It runs offline as written: a scripted chat model stands in
for a real one (swap in e.g. ``ChatOpenAI(model="gpt-4o-mini")``).
"""

import tempfile
import uuid
from dataclasses import dataclass

from accord import Accord
from langchain_accord import AccordStore
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.runtime import Runtime

model = GenericFakeChatModel(
    messages=iter(
        [
            AIMessage("Noted, no peanuts. I'll keep that in mind."),
            AIMessage("How about a Thai green curry with tofu, and no peanuts in sight?"),
        ]
    )
)


@dataclass
class Context:
    user_id: str  # who the agent talks to: set by the application, never by the model


def agent(state: MessagesState, runtime: Runtime[Context]) -> dict[str, list[AIMessage]]:
    """Answer with what the store remembers about the user for the latest message."""
    assert runtime.store is not None
    question = str(state["messages"][-1].content)
    hits = runtime.store.search(("users", runtime.context.user_id), query=question, limit=5)
    memories = "\n".join(f"- {hit.value['text']}" for hit in hits) or "- nothing yet"
    system = SystemMessage(f"You are a cooking assistant. What you know about the user:\n{memories}")
    print(f"[model sees] {system.content}")
    reply = model.invoke([system, *state["messages"]])
    return {"messages": [AIMessage(str(reply.content))]}


def remember(state: MessagesState, runtime: Runtime[Context]) -> dict[str, list[AIMessage]]:
    """Keep what the user said, for later conversations (Accord extracts the facts in it)."""
    assert runtime.store is not None
    said = next(m for m in reversed(state["messages"]) if isinstance(m, HumanMessage))
    runtime.store.put(("users", runtime.context.user_id), str(uuid.uuid4()), {"text": str(said.content)})
    return {}


builder = StateGraph(MessagesState, context_schema=Context)
builder.add_node("agent", agent)
builder.add_node("remember", remember)
builder.add_edge(START, "agent")
builder.add_edge("agent", "remember")
builder.add_edge("remember", END)

# Accord() on its own keeps memory in ~/.accord; this example uses a throwaway directory.
with tempfile.TemporaryDirectory() as data_dir, Accord(data_dir=data_dir) as memory:
    graph = builder.compile(checkpointer=InMemorySaver(), store=AccordStore(memory))
    alice = Context(user_id="alice")

    for thread, text in (
        ("thread-1", "I'm allergic to peanuts."),
        ("thread-2", "What should I cook tonight?"),
    ):
        print(f"\n== {thread} ==\n[user] {text}")
        out = graph.invoke(
            {"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": thread}}, context=alice
        )
        print(f"[agent] {out['messages'][-1].content}")

    print("\nWhat Accord now knows about alice:")
    for item in AccordStore(memory).search(("users", "alice"), limit=10):
        print(f"- {item.namespace} {item.value['text']}")

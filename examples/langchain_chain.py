"""A LangChain chain that answers with what Accord remembers about the user.

Run it:  python examples/langchain_chain.py

It runs offline as written: a scripted chat model stands in for a real one. To use a real
model, replace ``model`` with e.g. ``ChatOpenAI(model="gpt-4o-mini")`` (pip install langchain-openai).
"""

import tempfile

from accord import Accord
from langchain_accord import AccordRetriever
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompt_values import PromptValue
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough


def format_memories(docs: list[Document]) -> str:
    """One line per memory; each Document also carries its id, scores, writer and time in metadata."""
    return "\n".join(f"- ({d.metadata['category']}) {d.page_content}" for d in docs) or "- nothing yet"


def show_prompt(prompt: PromptValue) -> PromptValue:
    print("--- what the model is given ---")
    for message in prompt.to_messages():
        print(f"[{message.type}] {message.content}")
    return prompt


# Accord() on its own keeps memory in ~/.accord; this example uses a throwaway directory.
with tempfile.TemporaryDirectory() as data_dir, Accord(data_dir=data_dir) as memory:
    # An earlier conversation, remembered (wait=True waits for extraction; normally it runs
    # in the background and add() returns at once).
    memory.add(
        [
            {"role": "user", "content": "I'm vegetarian and I'm allergic to peanuts."},
            {"role": "assistant", "content": "Noted! Any cuisine you love?"},
            {"role": "user", "content": "I love Thai food. I prefer short recipes."},
        ],
        user_id="alice",
        wait=True,
    )

    retriever = AccordRetriever(engine=memory, user_id="alice", k=5)
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "You are a cooking assistant. What you know about the user:\n{memories}"),
            ("human", "{question}"),
        ]
    )
    model = GenericFakeChatModel(
        messages=iter(
            [AIMessage("A peanut-free Thai green curry with tofu: vegetarian and ready in 20 minutes.")]
        )
    )
    chain = (
        {"memories": retriever | format_memories, "question": RunnablePassthrough()}
        | prompt
        | RunnableLambda(show_prompt)
        | model
        | StrOutputParser()
    )

    answer = chain.invoke("Suggest a Thai dinner recipe for tonight")
    print("--- answer ---")
    print(answer)

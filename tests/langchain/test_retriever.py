"""AccordRetriever: what the documents carry, real sync and async paths, engines, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from accord import Accord, AsyncAccord, InvalidInputError
from langchain_accord import AccordRetriever
from langchain_core import retrievers as lc_retrievers

from .conftest import aseed, seed


def test_documents_carry_id_category_scores_writer_and_time(engine: Accord) -> None:
    seed(engine)
    docs = AccordRetriever(engine=engine, user_id="alice", k=5).invoke("green tea")
    assert docs and "green tea" in docs[0].page_content.lower()
    top = docs[0]
    memory = engine.get_memory(top.metadata["memory_id"])
    assert top.id == memory.id and top.page_content == memory.content
    assert top.metadata["category"] == memory.category.value
    assert top.metadata["relevance_score"] > 0
    assert top.metadata["importance_score"] == memory.importance_score
    assert top.metadata["agent_id"] == "local"  # the writer
    assert top.metadata["user_id"] == "alice"
    assert dt.datetime.fromisoformat(top.metadata["created_at"]) == memory.created_at
    assert top.metadata["source"] in ("extracted", "episodic")


def test_k_categories_and_per_call_k(engine: Accord) -> None:
    seed(engine)
    retriever = AccordRetriever(engine=engine, user_id="alice", k=2, categories=["fact"])
    docs = retriever.invoke("where does the user work and live?")
    assert len(docs) == 2 and {d.metadata["category"] for d in docs} == {"fact"}
    assert len(retriever.invoke("where does the user work and live?", k=1)) == 1


def test_users_are_isolated(engine: Accord) -> None:
    seed(engine, "alice")
    engine.add("I collect vintage stamps", user_id="bob", wait=True)
    docs = AccordRetriever(engine=engine, user_id="bob", k=10).invoke("stamps")
    assert docs and all(d.metadata["user_id"] == "bob" for d in docs)
    assert not any(
        "stamps" in d.page_content for d in AccordRetriever(engine=engine, user_id="alice").invoke("stamps")
    )


async def test_async_path_does_not_fall_back_to_the_executor(
    engine: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_executor(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the executor fallback was used")

    monkeypatch.setattr(lc_retrievers, "run_in_executor", no_executor)
    seed(engine)
    retriever = AccordRetriever(engine=engine, user_id="alice", k=3)
    docs = await retriever.ainvoke("green tea")
    assert [d.id for d in docs] == [d.id for d in retriever.invoke("green tea")]
    assert len(await retriever.abatch(["tea", "Lisbon"])) == 2


async def test_async_engine_serves_the_async_methods_and_refuses_sync_ones(aengine: AsyncAccord) -> None:
    await aseed(aengine)
    retriever = AccordRetriever(engine=aengine, user_id="alice", k=3)
    docs = await retriever.ainvoke("green tea")
    assert len(docs) == 3 and "green tea" in docs[0].page_content.lower()
    with pytest.raises(RuntimeError, match=r"async engine.*accord\.Accord"):
        retriever.invoke("green tea")


def test_sync_engine_works_from_inside_a_running_loop(engine: Accord) -> None:
    """A blocking engine runs on its own thread, so sync calls work under another loop (Jupyter)."""
    import asyncio

    seed(engine)
    retriever = AccordRetriever(engine=engine, user_id="alice", k=2)

    async def inside() -> list[str]:
        return [d.page_content for d in retriever.invoke("green tea")]

    outside = [d.page_content for d in retriever.invoke("green tea")]
    assert "green tea" in outside[0]
    assert asyncio.run(inside()) == outside


def test_bad_input_is_a_value_error_naming_the_field(engine: Accord) -> None:
    retriever = AccordRetriever(engine=engine, user_id="not a valid id")
    with pytest.raises(ValueError, match="user_id") as caught:
        retriever.invoke("anything")
    assert isinstance(caught.value, InvalidInputError) and caught.value.field == "user_id"
    with pytest.raises(ValueError, match="query"):
        AccordRetriever(engine=engine, user_id="alice").invoke("   ")


def test_engine_must_be_an_accord_engine() -> None:
    with pytest.raises(TypeError, match="engine must be"):
        AccordRetriever(engine=object(), user_id="alice")  # type: ignore[arg-type]

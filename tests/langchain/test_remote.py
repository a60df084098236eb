"""The adapters over ``accord.connect()`` / ``connect_async()`` against a real ``accord serve``."""

from __future__ import annotations

import uuid

import pytest
from accord import connect, connect_async
from langchain_accord import AccordRetriever, AccordStore, AccordToolkit

from .conftest import OPERATOR_KEY


def _user() -> str:
    return f"user-{uuid.uuid4().hex[:8]}"


def test_blocking_client_serves_sync_and_async(server_url: str) -> None:
    import asyncio

    user = _user()
    with connect(server_url, OPERATOR_KEY) as memory:
        store = AccordStore(memory)
        store.put(("users", user), "drink", {"text": "I love green tea", "kind": "drink"})
        assert store.get(("users", user), "drink").value == {"text": "I love green tea", "kind": "drink"}  # type: ignore[union-attr]
        retriever = AccordRetriever(engine=memory, user_id=user, k=3)
        docs = retriever.invoke("green tea")
        assert docs and all(d.metadata["user_id"] == user for d in docs)
        assert [d.id for d in asyncio.run(retriever.ainvoke("green tea"))] == [d.id for d in docs]
        store.delete(("users", user), "drink")
        assert store.get(("users", user), "drink") is None


async def test_async_client_serves_async_methods(server_url: str) -> None:
    user = _user()
    async with connect_async(server_url, OPERATOR_KEY) as memory:
        store = AccordStore(memory)
        await store.aput(("users", user, "notes"), "n1", {"text": "I am learning the cello"})
        hits = await store.asearch(("users", user), query="cello")
        assert any(h.key == "n1" and h.namespace == ("users", user, "notes") for h in hits)
        add, get = AccordToolkit(engine=memory, user_id=user).get_tools()
        await add.ainvoke({"content": "I live in Oslo"})
        assert "Oslo" in await get.ainvoke({"query": "Oslo"})
        assert await AccordRetriever(engine=memory, user_id=user).ainvoke("cello")
        with pytest.raises(RuntimeError, match="async engine"):
            store.get(("users", user, "notes"), "n1")

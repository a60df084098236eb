"""``AccordRetriever``: a LangChain retriever over one user's Accord memory."""

from __future__ import annotations

from typing import Any

from accord import Memory
from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import Field, PrivateAttr, SkipValidation

from langchain_accord._engine import Engine, EngineRunner
from langchain_accord._errors import mapped_errors

__all__ = ["AccordRetriever", "memory_to_document"]

# Ask the engine for its whole context budget: the retriever returns `k` memories, not a prompt.
_UNBOUNDED_TOKENS = 32_000


def memory_to_document(memory: Memory) -> Document:
    """A memory as a ``Document``: its text, and where it came from in ``metadata``."""
    return Document(
        id=memory.id,
        page_content=memory.content,
        metadata={
            "memory_id": memory.id,
            "user_id": memory.user_id,
            "category": memory.category.value,
            "relevance_score": memory.relevance_score,
            "importance_score": memory.importance_score,
            "agent_id": memory.agent_id,
            "source": memory.source.kind.value,
            "session_id": memory.source.session_id,
            "created_at": memory.created_at.isoformat(),
            "valid_from": memory.valid_from.isoformat() if memory.valid_from else None,
        },
    )


class AccordRetriever(BaseRetriever):
    """The memories that matter for a query, as ``Document`` objects, best first.

    Each call is one ``engine.get(query, user_id, limit=k, ...)``: hybrid search, ranking by
    relevance, importance and recency, and the engine's access rules. Untrusted memories
    (tool output) never come back.

    Args:
        engine: an ``accord.Accord`` / ``AsyncAccord``, or a client from ``accord.connect()``.
            With an async engine only the async methods work (see ``langchain_accord``).
        user_id: whose memory to search. It never comes from the query.
        k: how many memories to return (``invoke(query, k=...)`` overrides it per call).
        categories: only these categories (e.g. ``["preference", "fact"]``).
        time_filter_days: only memories from the last so many days.

    Example:
        >>> retriever = AccordRetriever(engine=memory, user_id="alice", k=3)
        >>> docs = retriever.invoke("what should I cook tonight?")
        >>> docs[0].metadata["memory_id"], docs[0].metadata["category"], docs[0].metadata["relevance_score"]
    """

    engine: SkipValidation[Engine]
    user_id: str
    k: int = Field(default=4, ge=1, le=200)
    categories: list[str] | None = None
    time_filter_days: float | None = None

    _runner: EngineRunner = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        self._runner = EngineRunner(self.engine)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[Document]:
        return self._runner.run(self._search(query, k))

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[Document]:
        return await self._runner.arun(self._search(query, k))

    async def _search(self, query: str, k: int | None) -> list[Document]:
        with mapped_errors():
            context = await self._runner.aio.get(
                query,
                self.user_id,
                limit=self.k if k is None else k,
                categories=self.categories,
                # json keeps rank order (bullets group memories by category)
                format="json",
                context_max_tokens=_UNBOUNDED_TOKENS,
                time_filter_days=self.time_filter_days,
            )
        return [memory_to_document(m) for m in context.memories]

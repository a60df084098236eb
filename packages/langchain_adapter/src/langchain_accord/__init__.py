"""LangChain and LangGraph on Accord's memory.

* :class:`AccordRetriever`: a retriever over one user's memory (``Document`` per memory).
* :class:`AccordStore`: a LangGraph ``BaseStore``: ``builder.compile(store=AccordStore(memory))``.
* :class:`AccordToolkit`: the agent tools ``add_memory`` and ``get_context``, bound to a user.

Every adapter takes an engine: ``accord.Accord`` or ``accord.AsyncAccord`` (embedded), or a
client from ``accord.connect()`` / ``accord.connect_async()`` (``accord serve``). A blocking
engine serves both the sync and the async methods; an async engine only the async ones.

Example:
    >>> from accord import Accord
    >>> from langchain_accord import AccordRetriever
    >>> memory = Accord(data_dir="/tmp/accord-demo")
    >>> memory.add("I'm vegetarian", user_id="alice", wait=True).status
    'done'
    >>> [d.page_content for d in AccordRetriever(engine=memory, user_id="alice").invoke("vegetarian")]
    ['User is vegetarian', "I'm vegetarian"]
"""

from langchain_accord._engine import AsyncEngine, Engine, SyncEngine
from langchain_accord._errors import WriteBlockedError
from langchain_accord._retriever import AccordRetriever, memory_to_document
from langchain_accord._store import AccordStore
from langchain_accord._tools import AccordAddMemoryTool, AccordGetContextTool, AccordToolkit

__version__ = "0.1.0"

__all__ = [
    "AccordAddMemoryTool",
    "AccordGetContextTool",
    "AccordRetriever",
    "AccordStore",
    "AccordToolkit",
    "AsyncEngine",
    "Engine",
    "SyncEngine",
    "WriteBlockedError",
    "memory_to_document",
]

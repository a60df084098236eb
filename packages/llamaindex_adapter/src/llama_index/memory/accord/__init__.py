"""LlamaIndex on Accord's memory.

* :class:`AccordMemoryBlock`: a ``BaseMemoryBlock`` that puts what Accord knows about the user,
  for the latest message, into the agent's prompt, and writes flushed messages to Accord.
* :class:`AccordMemory`: a ``Memory`` that also writes every exchange to Accord as it ends.

The block takes an engine: ``accord.Accord`` or ``accord.AsyncAccord`` (embedded), or a client
from ``accord.connect()`` / ``accord.connect_async()`` (``accord serve``).

Example:
    >>> from llama_index.core.agent.workflow import FunctionAgent
    >>> from llama_index.memory.accord import AccordMemory, AccordMemoryBlock
    >>> block = AccordMemoryBlock(engine=memory, user_id="alice")
    >>> agent_memory = AccordMemory.from_defaults(session_id="alice-1", memory_blocks=[block])
    >>> await FunctionAgent(llm=llm, tools=[]).run(user_msg="What should I cook?", memory=agent_memory)
"""

from llama_index.memory.accord._block import AccordMemoryBlock, to_accord_turns
from llama_index.memory.accord._engine import AsyncEngine, Engine, SyncEngine
from llama_index.memory.accord._memory import AccordMemory

__version__ = "0.1.0"

__all__ = [
    "AccordMemory",
    "AccordMemoryBlock",
    "AsyncEngine",
    "Engine",
    "SyncEngine",
    "to_accord_turns",
]

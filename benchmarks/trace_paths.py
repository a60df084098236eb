"""How many of Accord's own files one call runs through: an MCP ``add_memory`` (with the job that
extracts, resolves and indexes it) and an MCP ``get_context``.

    python benchmarks/trace_paths.py [--list]

Two figures per call, from a profile hook (a module only imported is not counted):

* **the path**: the files on the call stack each time the call reaches the index (``upsert`` for
  ``add``, ``search`` for ``get``) — what a reader opens following the call from the MCP tool to
  the index, and nothing they can skip;
* **all**: every file of the ``accord`` and ``accord_mcp`` packages whose functions ran at all
  (helpers, models, validation, the extractor's rule modules), split into the pure domain helpers
  and the rest.

``--list`` names the files.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from mcp import Client

from accord import AccordSettings, AsyncAccord
from accord_mcp import McpSettings, build_server

PACKAGES = ("/accord/", "/accord_mcp/")


def ours(name: str) -> bool:
    return any(p in name for p in PACKAGES) and "site-packages" not in name


async def traced(call: Callable[[], Awaitable[Any]], target: str) -> tuple[set[str], set[str]]:
    """(files on the stack whenever ``target`` of the index adapter ran, every file that ran)."""
    seen: set[str] = set()
    path: set[str] = set()

    def hook(frame: Any, event: str, arg: Any) -> None:
        if event != "call":
            return
        name = frame.f_code.co_filename
        if not ours(name):
            return
        seen.add(name)
        if frame.f_code.co_name == target and "/adapters/index/" in name or "/stores/qdrant" in name and frame.f_code.co_name == target:
            f = frame
            while f is not None:
                if ours(f.f_code.co_filename):
                    path.add(f.f_code.co_filename)
                f = f.f_back

    sys.setprofile(hook)
    import threading

    threading.setprofile(hook)
    try:
        await call()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    return path, seen


def short(path: str) -> str:
    for marker in ("/src/accord_mcp/", "/src/accord/"):
        if marker in path:
            return ("accord_mcp/" if "mcp" in marker else "accord/") + path.split(marker, 1)[1]
    return path


def report(what: str, traced_files: tuple[set[str], set[str]], listing: bool) -> None:
    on_path, ran = traced_files
    names = sorted(short(f) for f in ran)
    pure = [n for n in names if n.startswith("accord/domain/")]
    print(f"{what}: {len(on_path)} files on the path to the index; {len(names)} ran in all ({len(pure)} pure domain)")
    if listing:
        print("    path: " + ", ".join(sorted(short(f) for f in on_path)))
        print("    ran:  " + ", ".join(names))


async def main(listing: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = AccordSettings(data_dir=Path(tmp), embedder="none", run_worker=False)
        async with AsyncAccord(settings) as engine:
            async with Client(build_server(engine, McpSettings(user_id="alice"))) as client:
                warm = {"messages": [{"role": "user", "content": "I like tea"}]}
                await client.call_tool("add_memory", {**warm, "wait": True})
                await client.call_tool("get_context", {"query": "tea"})

                async def add() -> None:
                    turns = [{"role": "user", "content": "I work at Initech and I'm vegetarian"}]
                    await client.call_tool("add_memory", {"messages": turns, "wait": True})

                async def get() -> None:
                    await client.call_tool("get_context", {"query": "where do I work?"})

                report("add_memory (MCP) -> job -> index", await traced(add, "upsert"), listing)
                report("get_context (MCP)", await traced(get, "search"), listing)


if __name__ == "__main__":
    asyncio.run(main("--list" in sys.argv))

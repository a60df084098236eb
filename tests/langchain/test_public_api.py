"""The public surface of langchain_accord is pinned; importing it never pulls in the server."""

from __future__ import annotations

import subprocess
import sys

import langchain_accord


def test_all_is_pinned() -> None:
    assert langchain_accord.__all__ == [
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
    for name in langchain_accord.__all__:
        assert getattr(langchain_accord, name) is not None


def test_importing_the_adapter_imports_no_server() -> None:
    """The adapter adds nothing of the server to what ``import accord`` loads (the client's wire
    format), and never FastAPI or uvicorn."""
    code = (
        "import sys, accord; before = set(sys.modules); import langchain_accord; "
        "added = [m for m in set(sys.modules) - before if m.startswith(('accord.server', 'accord.remote.sync'))]; "
        "web = [m for m in sys.modules if m.split('.')[0] in ('fastapi', 'uvicorn', 'starlette')]; "
        "print(added, web); sys.exit(1 if added or web else 0)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr

"""The public surface of llama_index.memory.accord is pinned; it is a PEP 420 namespace portion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import llama_index.memory.accord as adapter

SRC = Path(__file__).resolve().parents[2] / "packages" / "llamaindex_adapter" / "src"


def test_all_is_pinned() -> None:
    assert adapter.__all__ == [
        "AccordMemory",
        "AccordMemoryBlock",
        "AsyncEngine",
        "Engine",
        "SyncEngine",
        "to_accord_turns",
    ]
    for name in adapter.__all__:
        assert getattr(adapter, name) is not None


def test_namespace_packages_have_no_init() -> None:
    assert not (SRC / "llama_index" / "__init__.py").exists()
    assert not (SRC / "llama_index" / "memory" / "__init__.py").exists()
    assert (SRC / "llama_index" / "memory" / "accord" / "__init__.py").exists()
    import llama_index.core  # the core distribution shares the namespace

    assert llama_index.core.__file__ is not None


def test_importing_the_adapter_imports_no_server() -> None:
    """The adapter adds nothing of the server to what ``import accord`` loads (the client's wire
    format), and never FastAPI or uvicorn."""
    code = (
        "import sys, accord; before = set(sys.modules); import llama_index.memory.accord; "
        "added = [m for m in set(sys.modules) - before if m.startswith(('accord.server', 'accord.remote.sync'))]; "
        "web = [m for m in sys.modules if m.split('.')[0] in ('fastapi', 'uvicorn', 'starlette')]; "
        "print(added, web); sys.exit(1 if added or web else 0)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr

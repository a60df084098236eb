"""The multi-agent example end to end: three processes, three frameworks, one `accord serve`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_three_agents_share_one_memory_through_accord_serve() -> None:
    for module in ("fastapi", "langchain_accord", "llama_index.memory.accord", "accord_mcp"):
        pytest.importorskip(module)
    env = {**os.environ, "ACCORD_EMBEDDER": "none"}
    env.pop("ACCORD_EXAMPLE_MODEL", None)  # the scripted models: offline and deterministic
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "multi_agent" / "run.py")],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["checks"] == {
        "the executor's model saw the planner's plan": True,
        "the planner then saw the executor's report": True,
        "the reviewer saw both agents' writes": True,
        "every memory names its writer": True,
        "both writers are recorded": True,
        "the reviewer's write was refused": True,
        "the reviewer wrote nothing": True,
    }
    assert set(summary["agents"]) == {"planner", "executor", "reviewer"}
    assert "permission denied" in proc.stdout

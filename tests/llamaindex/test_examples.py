"""The LlamaIndex example runs offline as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_llamaindex_agent_example() -> None:
    env = {**os.environ, "ACCORD_EMBEDDER": "none", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "llamaindex_agent.py")],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
        env=env,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.split("== session alice-2 ==")
    assert "<accord_memory>" not in first
    assert "<accord_memory>" in second and "- User is allergic to peanuts" in second
    assert "[agent] How about a Thai green curry with tofu, without peanuts?" in second

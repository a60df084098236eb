"""The LangChain and LangGraph examples run offline as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ACCORD_EMBEDDER": "none", "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / script)],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
        env=env,
        cwd=ROOT,
    )


def test_langchain_chain_example() -> None:
    proc = _run("langchain_chain.py")
    assert proc.returncode == 0, proc.stderr
    given, answer = proc.stdout.split("--- answer ---")
    assert "- (fact) User is allergic to peanuts" in given
    # The Thai preference once, in whichever wording ranks higher: the turn or the fact drawn from it.
    assert ("User loves Thai food" in given) != ("I love Thai food" in given)
    assert "[human] Suggest a Thai dinner recipe for tonight" in given
    assert "peanut-free Thai green curry" in answer


def test_langgraph_agent_example() -> None:
    proc = _run("langgraph_agent.py")
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.split("== thread-2 ==")
    assert "- nothing yet" in first
    assert (
        "[model sees] You are a cooking assistant. What you know about the user:\n- User is allergic to peanuts"
        in second
    )
    assert "('users', 'alice', 'fact') User is allergic to peanuts" in second

"""examples/domains.py runs as written (its own process, as a new user runs it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_domains_example_runs_as_written() -> None:
    env = {**os.environ, "ACCORD_EMBEDDER": "none"}
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "domains.py")], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Domain profile: Exam: JEE Main on 15 March") and "Strong: integration by parts" in lines[0]
    assert lines[2].startswith("Domain profile: Open billing issue") and "Plan: Growth." in lines[2]
    assert lines[3] == "Domain profile: Department: Finance. Manager: Dana Reyes. Leave balance: 12 days."

"""The commands a new user runs first: the quickstart, the demo, ``accord add`` / ``accord get``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], env_extra: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ACCORD_EMBEDDER": "none", **(env_extra or {})}
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)


def test_quickstart_runs_as_written() -> None:
    proc = _run([sys.executable, str(ROOT / "examples" / "quickstart.py")])
    assert proc.returncode == 0, proc.stderr
    assert "What you know about this user:" in proc.stdout
    assert "vegetarian" in proc.stdout and "peanut" in proc.stdout.lower()


def test_demo_plays_three_scenarios() -> None:
    proc = _run([sys.executable, "-m", "accord.cli.main", "demo"])
    assert proc.returncode == 0, proc.stderr
    for title in ("Support bot", "Tutor", "Career coach"):
        assert title in proc.stdout
    assert proc.stdout.count("What you know about this user:") == 3
    assert "AP Calculus exam on May 12" in proc.stdout


def test_add_then_get_from_the_shell(tmp_path: Path) -> None:
    env = {"ACCORD_DATA_DIR": str(tmp_path)}
    added = _run([sys.executable, "-m", "accord.cli.main", "add", "I work at Acme", "I love hiking", "--user", "alice"], env)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["status"] == "done"
    got = _run([sys.executable, "-m", "accord.cli.main", "get", "where do I work?", "--user", "alice", "--json"], env)
    assert got.returncode == 0, got.stderr
    result = json.loads(got.stdout)
    assert any("Acme" in m["content"] for m in result["memories"])
    listed = _run([sys.executable, "-m", "accord.cli.main", "list", "--user", "alice", "--json"], env)
    assert len(json.loads(listed.stdout)) >= 3
    bad = _run([sys.executable, "-m", "accord.cli.main", "get", "x", "--user", "bad user"], env)
    assert bad.returncode == 1 and "user_id" in bad.stderr
    forgot = _run([sys.executable, "-m", "accord.cli.main", "forget", "--user", "alice"], env)
    assert json.loads(forgot.stdout)["memories"] >= 3


def test_history_conflicts_and_maintain_from_the_shell(tmp_path: Path) -> None:
    env = {"ACCORD_DATA_DIR": str(tmp_path)}
    _run([sys.executable, "-m", "accord.cli.main", "add", "I work at Acme", "--user", "alice"], env)
    _run([sys.executable, "-m", "accord.cli.main", "add", "I left Acme and joined Northstar", "--user", "alice"], env)
    listed = json.loads(_run([sys.executable, "-m", "accord.cli.main", "list", "--user", "alice", "--json"], env).stdout)
    head = next(m for m in listed if m.get("attribute_key") == "employer")
    history = json.loads(_run([sys.executable, "-m", "accord.cli.main", "history", head["id"]], env).stdout)
    assert [v["change_type"] for v in history] == ["created", "conflict_update"]
    assert json.loads(_run([sys.executable, "-m", "accord.cli.main", "conflicts"], env).stdout) == []
    report = json.loads(_run([sys.executable, "-m", "accord.cli.main", "maintain"], env).stdout)
    assert set(report) == {"decayed", "archived_stale", "expired_episodic"}

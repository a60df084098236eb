"""Schemathesis against the served OpenAPI document of a real server process: no 5xx, whoever asks.

Runs as the operator (every route reachable) and as a read-only agent (the permission paths),
each with a bounded number of examples per operation and a fixed seed, so a failure reproduces.
Set ``ACCORD_FUZZ_EXAMPLES`` / ``ACCORD_FUZZ_SEED`` for a longer or different run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi", reason="the server needs pip install 'accord[server]'")
pytest.importorskip("uvicorn", reason="the server needs pip install 'accord[server]'")


OPERATOR_KEY = "aco_test-operator-key-for-the-suite"  # as in conftest.py
EXAMPLES = os.environ.get("ACCORD_FUZZ_EXAMPLES", "12")
SEED = os.environ.get("ACCORD_FUZZ_SEED", "20261121")



def _schemathesis() -> str:
    found = Path(sys.executable).with_name("schemathesis")
    if found.exists():
        return str(found)
    path = shutil.which("schemathesis")
    if path is None:
        pytest.skip("schemathesis is not installed (requirements-dev.txt)")
    return path


def _agent_key(url: str) -> str:
    owner = {"Authorization": f"ApiKey {OPERATOR_KEY}"}
    created = httpx.post(f"{url}/v1/admin/agents", json={"name": "fuzzer"}, headers=owner).json()
    grant = {"agent_id": created["agent"]["id"], "access": "read_only", "categories": ["fact", "preference"]}
    httpx.post(f"{url}/v1/admin/grants", json=grant, headers=owner).raise_for_status()
    key: str = created["key"]["key"]
    return key


@pytest.mark.parametrize("who", ["operator", "read_only_agent"])
def test_no_input_makes_the_server_fail(real_server, tmp_path: Path, who: str) -> None:
    key = OPERATOR_KEY if who == "operator" else _agent_key(real_server.url)
    command = [
        _schemathesis(),
        "run",
        f"{real_server.url}/openapi.json",
        "--header",
        f"Authorization: ApiKey {key}",
        "--checks",
        "not_a_server_error",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    report = done.stdout[-6000:] + done.stderr[-2000:]
    assert done.returncode == 0, f"schemathesis found failures:\n{report}\n--- server log ---\n{real_server.log.read_text()[-4000:]}"
    assert " passed" in done.stdout and "generated" in done.stdout, report
    assert "Traceback" not in real_server.log.read_text()

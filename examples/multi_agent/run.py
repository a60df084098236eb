"""Three agents, three frameworks, three processes, one user's memory.

    python examples/multi_agent/run.py

1. Starts ``accord serve`` on a fresh temporary data dir (the one process that owns the stores).
2. As the operator, creates three agents with their own keys: the planner and the executor
   may read and write; the reviewer may only read.
3. Runs, each as its own process with its own key:
   the planner (LangGraph + ``AccordStore``) makes a plan for the user;
   the executor (LlamaIndex + ``AccordMemoryBlock``) sees the plan in its prompt and reports;
   the planner again, which now sees the executor's report;
   the reviewer (MCP, through ``accord-mcp --remote-url``) reads everything and tries to write.
4. Prints who saw what, who wrote each memory, and checks the reviewer's write was refused.

Offline as written (scripted models); set ``ACCORD_EXAMPLE_MODEL`` (a litellm model id) to use
a real model. Exits non-zero if a check fails.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import accord

HERE = Path(__file__).resolve().parent
USER = "dana"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, operator_key: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "ACCORD_SERVER_ADMIN_KEY": operator_key, "ACCORD_EMBEDDER": os.environ.get("ACCORD_EMBEDDER", "auto")}
    server = subprocess.Popen(
        [sys.executable, "-m", "accord.cli.main", "--data-dir", str(data_dir), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/v1/health", timeout=1):
                return server, url
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"accord serve exited: {server.stderr.read().decode() if server.stderr else ''}")
            time.sleep(0.1)
    server.kill()
    raise SystemExit("accord serve did not start")


def run_agent(script: str, url: str, key: str, message: str = "") -> dict[str, Any]:
    env = {**os.environ, "ACCORD_URL": url, "ACCORD_API_KEY": key, "EXAMPLE_USER": USER, "EXAMPLE_MESSAGE": message}
    done = subprocess.run([sys.executable, str(HERE / script)], env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"{script} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    operator_key = "aco_" + secrets.token_hex(20)
    with tempfile.TemporaryDirectory(prefix="accord-multi-agent-") as tmp:
        server, url = start_server(Path(tmp), operator_key)
        try:
            return play(url, operator_key)
        finally:
            server.terminate()
            server.wait(timeout=30)


def play(url: str, operator_key: str) -> int:
    operator = accord.connect(url, api_key=operator_key)
    keys, agent_ids = {}, {}
    for name, access in (("planner", "read_write"), ("executor", "read_write"), ("reviewer", "read_only")):
        agent, key = operator.create_agent(name)
        operator.grant(agent.id, access)
        keys[name], agent_ids[name] = key.key, agent.id

    steps = [
        ("planner.py", "planner", "I'm training for a half marathon in April. I have a bad left knee and I prefer morning runs."),
        ("executor.py", "executor", "Run this week's training plan and report back."),
        ("planner.py", "planner", "How did last week go, and what's next?"),
        ("reviewer.py", "reviewer", ""),
    ]
    results = []
    for script, name, message in steps:
        result = run_agent(script, url, keys[name], message)
        results.append(result)
        print(f"\n== {name} ==")
        for line in result["saw"][:8]:
            print(f"  saw:   {line[:110]}")
        for line in result.get("wrote", []):
            print(f"  wrote: {line[:110]}")
        if name == "reviewer":
            print(f"  write refused: {result['write_refused']} ({result['write_error'][:90]})")

    memories = operator.list_memories(USER, limit=200)
    writers = {agent_ids[n]: n for n in agent_ids}
    print("\n== who wrote what ==")
    for m in memories:
        print(f"  {writers.get(m.agent_id or '', m.agent_id)!s:<9} {m.category.value:<11} {m.content[:80]}")

    planner_1, executor, planner_2, reviewer = results
    checks = {
        "the executor's model saw the planner's plan": any("three easy morning runs" in s for s in executor["saw"])
        or bool(os.environ.get("ACCORD_EXAMPLE_MODEL")),
        "the planner then saw the executor's report": any("Completed week 1" in s or "completed" in s.lower() for s in planner_2["saw"]),
        "the reviewer saw both agents' writes": any("knee" in s for s in reviewer["saw"])
        and any("week 1" in s.lower() for s in reviewer["saw"]),
        "every memory names its writer": all(m.agent_id in writers for m in memories) and bool(memories),
        "both writers are recorded": {writers[m.agent_id] for m in memories if m.agent_id in writers} >= {"planner", "executor"},
        "the reviewer's write was refused": reviewer["write_refused"] and "permission" in reviewer["write_error"].lower(),
        "the reviewer wrote nothing": all(m.agent_id != agent_ids["reviewer"] for m in memories),
    }
    print("\n== checks ==")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    print(json.dumps({"checks": checks, "agents": agent_ids}))
    operator.close()
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

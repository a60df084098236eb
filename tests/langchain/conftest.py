"""Engines for the adapter tests (the LlamaIndex tests reuse these): embedded on tmp_path
(lexical search), and a real ``accord serve`` process for the remote clients."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from accord import Accord, AccordSettings, AsyncAccord

OPERATOR_KEY = "aco_adapter-tests-operator-key"

FACTS = [
    "I'm vegetarian and I love Thai food.",
    "My favourite drink is green tea.",
    "I work at Acme as a data engineer.",
    "I live in Lisbon.",
    "I prefer short recipes.",
]


def settings(path: Path) -> AccordSettings:
    return AccordSettings(data_dir=path, embedder="none")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Accord]:
    """A blocking embedded engine (serves the adapters' sync and async methods)."""
    with Accord(settings(tmp_path / "data")) as memory:
        yield memory


@pytest.fixture
async def aengine(tmp_path: Path) -> AsyncIterator[AsyncAccord]:
    """An async embedded engine, started on the test's loop (serves the async methods)."""
    async with AsyncAccord(settings(tmp_path / "data")) as memory:
        yield memory


def seed(memory: Accord, user_id: str = "alice") -> None:
    for fact in FACTS:
        assert memory.add(fact, user_id=user_id, wait=True).status == "done"


async def aseed(memory: AsyncAccord, user_id: str = "alice") -> None:
    for fact in FACTS:
        assert (await memory.add(fact, user_id=user_id, wait=True)).status == "done"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``python -m accord.server`` on loopback for this module; the operator key is OPERATOR_KEY."""
    pytest.importorskip("fastapi", reason="the server needs pip install 'accord[server]'")
    data_dir = tmp_path_factory.mktemp("served") / "data"
    port = _free_port()
    log = data_dir.parent / "server.log"
    env = {
        **os.environ,
        "ACCORD_DATA_DIR": str(data_dir),
        "ACCORD_EMBEDDER": "none",
        "ACCORD_SERVER_ADMIN_KEY": OPERATOR_KEY,
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "accord.server", "--port", str(port), "--log-level", "warning"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text(errors='replace')}")
            try:
                if httpx.get(f"{url}/v1/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

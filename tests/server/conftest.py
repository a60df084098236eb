"""The REST server two ways: in-process over ``httpx.ASGITransport`` (breadth), and as a real
``python -m accord.server`` process on loopback (the remote client and the fuzz run)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from accord import AccordSettings, AsyncAccord
from accord.server import ServerSettings

OPERATOR_KEY = "aco_test-operator-key-for-the-suite"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey {key}"}


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncAccord]:
    async with AsyncAccord(AccordSettings(data_dir=tmp_path / "data", embedder="none")) as e:
        yield e


@pytest.fixture
def server_settings() -> ServerSettings:
    return ServerSettings(admin_key=OPERATOR_KEY)


@pytest.fixture
async def client(engine: AsyncAccord, server_settings: ServerSettings) -> AsyncIterator[httpx.AsyncClient]:
    from accord.server import create_app

    app = create_app(engine, server_settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1") as c:
        yield c


@dataclass
class Tenant:
    """A tenant with an admin, a planner (read_write on facts, preferences, episodic turns) and a
    reviewer (read_only on everything); keys as strings."""

    name: str
    admin: str
    planner: str
    reviewer: str
    planner_id: str
    reviewer_id: str


class Api:
    """Terse calls against the app: ``await api.ok("GET", path, key)`` returns the JSON body."""

    owner = OPERATOR_KEY

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def call(self, method: str, path: str, key: str | None = OPERATOR_KEY, **kw: Any) -> httpx.Response:
        headers = {**(auth(key) if key is not None else {}), **kw.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kw)

    async def ok(self, method: str, path: str, key: str | None = OPERATOR_KEY, status: int = 200, **kw: Any) -> Any:
        response = await self.call(method, path, key, **kw)
        assert response.status_code == status, response.text
        return response.json()

    async def fail(self, method: str, path: str, key: str | None, status: int, code: str, **kw: Any) -> dict[str, Any]:
        response = await self.call(method, path, key, **kw)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/json"
        error: dict[str, Any] = response.json()["error"]
        assert error["code"] == code and set(error) == {"code", "message", "field"}, error
        return error

    async def tenant(self, name: str) -> Tenant:
        await self.ok("POST", "/v1/admin/tenants", json={"tenant_id": name}, status=201)
        created = await self.ok(
            "POST", "/v1/admin/agents", json={"name": "admin", "role": "admin"}, headers={"X-Accord-Tenant": name}, status=201
        )
        admin = created["key"]["key"]
        planner = await self.ok("POST", "/v1/admin/agents", admin, json={"name": "planner"}, status=201)
        reviewer = await self.ok("POST", "/v1/admin/agents", admin, json={"name": "reviewer"}, status=201)
        rw = {"agent_id": planner["agent"]["id"], "access": "read_write", "categories": ["fact", "preference", "episodic"]}
        await self.ok("POST", "/v1/admin/grants", admin, json=rw, status=201)
        ro = {"agent_id": reviewer["agent"]["id"], "access": "read_only"}
        await self.ok("POST", "/v1/admin/grants", admin, json=ro, status=201)
        return Tenant(
            name=name,
            admin=admin,
            planner=planner["key"]["key"],
            reviewer=reviewer["key"]["key"],
            planner_id=planner["agent"]["id"],
            reviewer_id=reviewer["agent"]["id"],
        )


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)


@pytest.fixture
async def acme(api: Api) -> Tenant:
    return await api.tenant("acme")


# -- a real server process ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def run_server(data_dir: Path, log_level: str = "warning", **env: str) -> Iterator[RunningServer]:
    """``python -m accord.server`` on a free loopback port; stopped (SIGTERM, then SIGKILL) afterwards."""
    port = free_port()
    log = data_dir.parent / f"server-{port}.log"
    environ = {
        **os.environ,
        "ACCORD_DATA_DIR": str(data_dir),
        "ACCORD_EMBEDDER": "none",
        "ACCORD_SERVER_ADMIN_KEY": OPERATOR_KEY,
        **env,
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "accord.server", "--port", str(port), "--log-level", log_level],
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield RunningServer(url=url, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/v1/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not become healthy in {timeout} s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A real server process for this test module, with its own data dir."""
    with run_server(tmp_path_factory.mktemp("served") / "data") as server:
        yield server


@pytest.fixture
def operator_key() -> str:
    return OPERATOR_KEY


@pytest.fixture
def spawn_server() -> Any:
    """``run_server`` itself, for tests that manage a server of their own."""
    return run_server


@pytest.fixture
def unused_port() -> int:
    return free_port()

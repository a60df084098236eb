"""A real ``accord serve`` process with data in it, and one headless Chromium for the session.

The browser is Debian's Chromium (``apt-get install chromium``) driven by Playwright; no browser
is downloaded. Screenshots of every page go to ``artifacts/dashboard/`` (git-ignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from ..server.conftest import OPERATOR_KEY, RunningServer, auth, run_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "dashboard"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


@dataclass
class Seeded:
    server: RunningServer
    planner_id: str
    planner_key: str
    alice_token: str

    def call(self, method: str, path: str, key: str, **kw: Any) -> httpx.Response:
        return httpx.request(method, self.server.url + path, headers=auth(key), timeout=60, **kw)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """The server, an agent with read-write access, alice's memories, token and open question, a review item."""
    data = tmp_path_factory.mktemp("dashboard") / "data"
    with run_server(data, ACCORD_SHARED_FACT_POLICY="review", ACCORD_WEBHOOK_POLL_SECONDS="3600") as server:
        def ok(method: str, path: str, key: str = OPERATOR_KEY, **kw: Any) -> Any:
            response = httpx.request(method, server.url + path, headers=auth(key), timeout=60, **kw)
            assert response.status_code < 300, response.text
            return response.json()

        planner = ok("POST", "/v1/admin/agents", json={"name": "planner"})
        ok("POST", "/v1/admin/grants", json={"agent_id": planner["agent"]["id"], "access": "read_write"})
        key = planner["key"]["key"]
        for user, text in [
            ("alice", "I love green tea and I live in Lisbon"),
            ("alice", "My favourite hiking trail is the Rota Vicentina"),
            ("alice", "I think I live in Porto"),  # uncertain: a question for alice
            ("alice", "Our VPN server is vpn1.acme.com"),
            ("bob", "Our VPN server is vpn2.acme.com"),
        ]:
            ok("POST", "/v1/memories/add", key, json={"messages": text, "user_id": user, "wait": True})
        token = ok("POST", "/v1/admin/users/alice/token")["key"]
        yield Seeded(server, planner["agent"]["id"], key, token)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for all the browser tests (they live in one module). Module scope, not
    session: sync Playwright runs an event loop on this thread while it is open, and the
    suite's async tests that follow need the thread without one."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright: pip install -r requirements-dev.txt")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh context (no cookies) at 1280 x 800; confirmation dialogs are accepted."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.on("dialog", lambda dialog: dialog.accept())
    yield tab
    context.close()


def shot(page: Any, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

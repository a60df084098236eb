"""Who gets in and what they reach: keys, the operator key, Host and Origin, tenants, grants, consent."""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi", reason="the server needs pip install 'accord[server]'")
pytest.importorskip("uvicorn", reason="the server needs pip install 'accord[server]'")

from accord import AccordSettings, AsyncAccord, InvalidInputError, ManualClock  # noqa: E402
from accord.server import ServerSettings, create_app  # noqa: E402
from accord.server.auth import ADMIN_KEY_FILE  # noqa: E402


@pytest.mark.parametrize(
    "header",
    [None, "", "ApiKey", "ApiKey garbage", "Bearer acc_x", "Basic dXNlcjpwYXNz", "ApiKey aco_not-the-operator-key"],
)
async def test_missing_or_garbage_keys_get_401(api, header) -> None:
    headers = {} if header is None else {"Authorization": header}
    r = await api.call("GET", "/v1/memories", None, params={"user_id": "alice"}, headers=headers)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "ApiKey"
    assert r.json()["error"]["code"] == "unauthorized"


async def test_a_tampered_key_is_refused_and_never_echoed(api, acme) -> None:
    tampered = acme.planner[:-1] + ("0" if acme.planner[-1] != "0" else "1")
    for bad in (tampered, "Bearer " + acme.planner):
        r = await api.call("GET", "/v1/whoami", None, headers={"Authorization": f"ApiKey {bad}"})
        assert r.status_code == 401
        assert acme.planner.split("_")[2] not in r.text and bad not in r.text


async def test_revocation_is_effective_at_once(api, acme) -> None:
    key_id = acme.reviewer.split("_")[1]
    assert (await api.ok("GET", "/v1/whoami", acme.reviewer))["agent_id"] == acme.reviewer_id
    await api.ok("POST", f"/v1/admin/keys/{key_id}/revoke", acme.admin)
    await api.fail("GET", "/v1/whoami", acme.reviewer, 401, "unauthorized")


@pytest.fixture
async def clocked(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, ManualClock]]:
    clock = ManualClock()
    settings = AccordSettings(data_dir=tmp_path / "c", embedder="none", run_worker=False)
    async with AsyncAccord(settings, clock=clock) as engine:
        app = create_app(engine, ServerSettings(admin_key="o" * 20))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1") as c:
            yield c, clock


async def test_a_rotated_key_works_for_the_overlap_then_only_the_new_one(clocked) -> None:
    c, clock = clocked
    owner = {"Authorization": "ApiKey " + "o" * 20}
    old = (await c.post("/v1/admin/agents", json={"name": "bot"}, headers=owner)).json()["key"]
    r = await c.post(f"/v1/admin/keys/{old['info']['key_id']}/rotate", json={"overlap_seconds": 600}, headers=owner)
    new = r.json()
    for key in (old["key"], new["key"]):
        assert (await c.get("/v1/whoami", headers={"Authorization": f"ApiKey {key}"})).status_code == 200
    clock.advance(seconds=601)
    assert (await c.get("/v1/whoami", headers={"Authorization": f"ApiKey {old['key']}"})).status_code == 401
    assert (await c.get("/v1/whoami", headers={"Authorization": f"ApiKey {new['key']}"})).status_code == 200


async def test_tenants_never_see_each_other(api, acme) -> None:
    globex = await api.tenant("globex")
    added = await api.ok("POST", "/v1/memories/add", acme.planner, json={"messages": "My locker code is 4711", "user_id": "alice", "wait": True})
    memory_id = added["episodic_memory_ids"][0]
    assert await api.ok("GET", "/v1/memories", globex.admin, params={"user_id": "alice"}) == []
    ctx = await api.ok("POST", "/v1/memories/retrieve", globex.reviewer, json={"query": "locker code", "user_id": "alice"})
    assert ctx["memories"] == [] and "4711" not in ctx["system_prompt_addition"]
    for key in (globex.admin, globex.reviewer):
        await api.fail("GET", f"/v1/memories/{memory_id}", key, 404, "not_found")
        await api.fail("DELETE", f"/v1/memories/{memory_id}", key, 404, "not_found")
    await api.fail("GET", "/v1/memories", globex.admin, 403, "permission_denied", params={"user_id": "alice"}, headers={"X-Accord-Tenant": "acme"})
    assert await api.ok("GET", "/v1/memories", acme.reviewer, params={"user_id": "alice"})


async def test_a_read_only_agent_cannot_write_and_nothing_is_stored(api, acme) -> None:
    await api.fail("POST", "/v1/memories/add", acme.reviewer, 403, "permission_denied", json={"messages": "I'm vegetarian", "user_id": "alice"})
    assert (await api.ok("GET", "/v1/users/alice/stats", acme.admin))["messages"] == 0
    await api.ok("POST", "/v1/memories/add", acme.planner, json={"messages": ["I'm vegetarian", "My goal is to run a marathon"], "user_id": "alice", "wait": True})
    kinds = {m["category"] for m in await api.ok("GET", "/v1/memories", acme.admin, params={"user_id": "alice"})}
    assert kinds == {"fact", "episodic"}  # the goal is outside the planner's write grant
    fact = (await api.ok("GET", "/v1/memories", acme.reviewer, params={"user_id": "alice", "categories": ["fact"]}))[0]
    await api.fail("DELETE", f"/v1/memories/{fact['id']}", acme.reviewer, 403, "permission_denied")
    await api.fail("PATCH", f"/v1/memories/{fact['id']}", acme.reviewer, 403, "permission_denied", json={"importance": 0.1})
    await api.fail("PATCH", f"/v1/memories/{fact['id']}", acme.planner, 403, "permission_denied", json={"category": "goal"})
    assert (await api.ok("GET", f"/v1/memories/{fact['id']}", acme.planner))["category"] == "fact"


async def test_admin_routes_need_an_admin_and_tenants_the_operator(api, acme) -> None:
    for method, path, body in (
        ("POST", "/v1/admin/agents", {"name": "sneaky"}),
        ("GET", "/v1/admin/keys", None),
        ("POST", "/v1/admin/grants", {"agent_id": acme.planner_id, "access": "read_write"}),
        ("POST", "/v1/admin/users/alice/token", None),
        ("DELETE", "/v1/users/alice", None),
        ("GET", "/v1/stats", None),
    ):
        await api.fail(method, path, acme.planner, 403, "permission_denied", json=body)
    await api.fail("POST", "/v1/admin/tenants", acme.admin, 403, "permission_denied", json={"tenant_id": "evil"})
    await api.fail("GET", "/v1/admin/tenants", acme.admin, 403, "permission_denied")
    await api.fail("POST", "/v1/admin/reindex", acme.admin, 403, "permission_denied")


async def test_a_user_withdraws_consent_with_their_token(api, acme) -> None:
    added = await api.ok("POST", "/v1/memories/add", acme.planner, json={"messages": "I work at Acme", "user_id": "alice", "wait": True})
    stored = len(added["episodic_memory_ids"]) + len(added["memories_created"])  # the turn and the fact
    token = (await api.ok("POST", "/v1/admin/users/alice/token", acme.admin, status=201))["key"]
    query = {"query": "where do I work?", "user_id": "alice"}
    assert (await api.ok("POST", "/v1/memories/retrieve", acme.planner, json=query))["memories"]
    await api.ok("POST", f"/v1/consent/{acme.planner_id}", token, json={"granted": False})
    assert (await api.ok("POST", "/v1/memories/retrieve", acme.planner, json=query))["memories"] == []
    assert await api.ok("GET", "/v1/memories", acme.planner, params={"user_id": "alice"}) == []
    await api.fail("POST", "/v1/memories/add", acme.planner, 403, "permission_denied", json={"messages": "I live in Rome", "user_id": "alice"})
    # The token speaks only for alice, and is no admin.
    await api.fail("POST", f"/v1/consent/{acme.planner_id}", token, 403, "permission_denied", json={"granted": True, "user_id": "bob"})
    await api.fail("GET", "/v1/admin/agents", token, 403, "permission_denied")
    assert (await api.ok("GET", "/v1/users/alice/export", token))["user_id"] == "alice"
    await api.ok("POST", f"/v1/consent/{acme.planner_id}", token, json={"granted": True})
    assert (await api.ok("POST", "/v1/memories/retrieve", acme.planner, json=query))["memories"]
    assert (await api.ok("DELETE", "/v1/users/alice", token))["memories"] == stored == 2


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example:8765", "localhost.:80", ""])
async def test_another_host_gets_421(api, host) -> None:
    await api.fail("GET", "/v1/health", None, 421, "invalid_host", headers={"Host": host})


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8765", "[::1]:8765", "LOCALHOST:1"])
async def test_loopback_hosts_are_served(api, host) -> None:
    assert (await api.call("GET", "/v1/health", None, headers={"Host": host})).status_code == 200


async def test_a_foreign_browser_origin_gets_403(api) -> None:
    await api.fail("GET", "/v1/whoami", api.owner, 403, "origin_not_allowed", headers={"Origin": "https://evil.example"})
    assert (await api.call("GET", "/v1/whoami", headers={"Origin": "http://127.0.0.1:8765"})).status_code == 200


async def test_configured_hosts_and_origins_are_allowed_with_cors(engine) -> None:
    settings = ServerSettings(admin_key="a" * 20, allowed_hosts=["memory.internal"], allowed_origins=["https://app.example"])
    app = create_app(engine, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://memory.internal") as c:
        r = await c.options(
            "/v1/whoami",
            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"},
        )
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://app.example"
        r = await c.get("/v1/whoami", headers={"Origin": "https://app.example", "Authorization": "ApiKey " + "a" * 20})
        assert r.status_code == 200 and "X-RateLimit-Remaining" in r.headers["access-control-expose-headers"]


def test_env_settings_split_commas(monkeypatch) -> None:
    monkeypatch.setenv("ACCORD_SERVER_ALLOWED_HOSTS", "a.example, b.example")
    monkeypatch.setenv("ACCORD_SERVER_PORT", "9000")
    settings = ServerSettings()
    assert settings.allowed_hosts == ["a.example", "b.example"] and settings.port == 9000
    assert "http://a.example:9000" in settings.origins()


async def test_a_body_over_the_limit_gets_413(engine) -> None:
    app = create_app(engine, ServerSettings(admin_key="a" * 20, max_body_bytes=1024))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1") as c:
        r = await c.post("/v1/memories/add", json={"messages": "x" * 2000, "user_id": "a"}, headers={"Authorization": "ApiKey " + "a" * 20})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.com"])
async def test_binding_beyond_loopback_without_auth_is_refused(engine, host) -> None:
    with pytest.raises(InvalidInputError, match="without authentication") as info:
        create_app(engine, ServerSettings(host=host, require_auth=False, admin_key="a" * 20))
    assert info.value.field == "require_auth"
    create_app(engine, ServerSettings(host=host, admin_key="a" * 20))  # with auth: fine


def test_the_command_refuses_too(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "accord.server", "--host", "0.0.0.0", "--no-auth", "--port", "1"],
        env={"ACCORD_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "refusing to serve on '0.0.0.0' without authentication" in done.stderr
    assert not (tmp_path / "accord.db").exists()


async def test_no_auth_on_loopback_acts_as_the_operator(engine) -> None:
    app = create_app(engine, ServerSettings(require_auth=False, admin_key="a" * 20))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1") as c:
        assert (await c.get("/v1/whoami")).json()["role"] == "owner"
        assert (await c.get("/v1/whoami", headers={"Authorization": "ApiKey nope"})).status_code == 401


async def test_a_generated_operator_key_is_printed_once_and_stored_as_a_hash(engine, capsys) -> None:
    create_app(engine, ServerSettings())
    printed = capsys.readouterr().err
    key = next(word for word in printed.split() if word.startswith("aco_"))
    path = engine.settings.data_dir / ADMIN_KEY_FILE
    assert key not in path.read_text() and stat.S_IMODE(path.stat().st_mode) == 0o600
    app = create_app(engine, ServerSettings())
    assert "aco_" not in capsys.readouterr().err
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1") as c:
        assert (await c.get("/v1/whoami", headers={"Authorization": f"ApiKey {key}"})).json()["role"] == "owner"

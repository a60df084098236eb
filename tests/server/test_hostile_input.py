"""Hostile input over REST answers the same on SQLite and PostgreSQL: a 4xx naming the field,
never a 5xx, and nothing stored; the user's memory stays readable afterwards."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from accord import AccordSettings, AsyncAccord
from accord.server import ServerSettings, create_app

from ..conftest import fresh_postgres_database
from .conftest import OPERATOR_KEY, auth

# One engine per backend for the whole table (a fresh PostgreSQL database per case costs ~2 s);
# each case writes as a user of its own, so the cases stay independent.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    data = tmp_path_factory.mktemp("hostile")
    async with contextlib.AsyncExitStack() as stack:
        url = None
        if request.param == "postgres":
            url = await stack.enter_async_context(fresh_postgres_database())
        engine = await stack.enter_async_context(AsyncAccord(AccordSettings(data_dir=data, database_url=url, embedder="none")))
        app = create_app(engine, ServerSettings(admin_key=OPERATOR_KEY))
        transport = httpx.ASGITransport(app, raise_app_exceptions=False)
        yield await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", headers=auth(OPERATOR_KEY))
        )


@pytest.fixture
def client(backend: httpx.AsyncClient) -> httpx.AsyncClient:
    return backend


@pytest.fixture
def user() -> str:
    return f"u-{uuid.uuid4().hex[:10]}"


def deep(levels: int) -> object:
    value: object = "v"
    for _ in range(levels):
        value = {"k": value}
    return value


async def post_raw(client: httpx.AsyncClient, path: str, body: str) -> httpx.Response:
    return await client.post(path, content=body.encode("utf-8", "surrogatepass"), headers={"content-type": "application/json"})


ADD = "/v1/memories/add"
# (raw JSON body, status, field): written as JSON text, since NaN, Infinity and lone surrogates
# are what a hostile client sends, not what json.dumps makes by default.
HOSTILE_ADDS: list[tuple[str, int, str]] = [
    (json.dumps({"messages": ["I like tea"], "user_id": "u1", "metadata": deep(300)}), 400, "metadata.k.k.k.k.k.k.k.k"),
    (json.dumps({"messages": [{"role": "user", "content": "I like tea", "metadata": deep(300)}], "user_id": "u1"}), 400,
     "messages[0].metadata.k.k.k.k.k.k.k.k"),
    ('{"messages": ["I like tea"], "user_id": "u1", "metadata": {"score": NaN}}', 400, "metadata.score"),
    ('{"messages": ["I like tea"], "user_id": "u1", "metadata": {"s": [Infinity]}}', 400, "metadata.s[0]"),
    (json.dumps({"messages": ["I like tea"], "user_id": "u1", "metadata": {"note": "a\x00b"}}), 400, "metadata.note"),
    ('{"messages": ["I like tea \\ud800"], "user_id": "u1"}', 422, "messages[0].content"),
    ('{"messages": ["I like tea"], "user_id": "u1", "metadata": {"\\udc00": 1}}', 400, "metadata"),
    (json.dumps({"messages": ["I like tea"], "user_id": "u1", "wait": "yes"}), 422, "wait"),
    (json.dumps({"messages": ["I like tea"], "user_id": "u1", "wait": 1}), 422, "wait"),
    (json.dumps({"messages": ["I like tea"], "user_id": "u1", "timeout": "5"}), 422, "timeout"),
    (json.dumps({"messages": ["I like tea"], "user_id": "u1", "colour": "red"}), 422, "colour"),
]


@pytest.mark.parametrize(("body", "status", "field"), HOSTILE_ADDS)
async def test_a_hostile_add_is_refused_alike_and_stores_nothing(
    client: httpx.AsyncClient, user: str, body: str, status: int, field: str
) -> None:
    response = await post_raw(client, ADD, body.replace('"u1"', f'"{user}"'))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["field"] == field, error
    assert "asyncpg" not in error["message"] and "sqlite" not in error["message"].lower()
    listed = await client.get("/v1/memories", params={"user_id": user})
    assert listed.status_code == 200 and listed.json() == []


async def test_nul_in_content_is_dropped_alike_on_every_backend(client: httpx.AsyncClient, user: str) -> None:
    response = await client.post(ADD, json={"messages": ["I like green\x00 tea"], "user_id": user, "wait": True})
    assert response.status_code == 200, response.text
    contents = [m["content"] for m in (await client.get("/v1/memories", params={"user_id": user})).json()]
    assert "I like green tea" in contents and not any("\x00" in c for c in contents)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"query": "tea", "user_id": "u1", "limit": True}, "limit"),
        ({"query": "tea", "user_id": "u1", "limit": "5"}, "limit"),
        ({"query": "tea", "user_id": "u1", "limit": 5.0}, "limit"),
        ({"query": "tea", "user_id": "u1", "context_max_tokens": "100"}, "context_max_tokens"),
        ({"query": "tea", "user_id": "u1", "time_filter_days": True}, "time_filter_days"),
    ],
)
async def test_retrieve_takes_numbers_only_as_json_numbers(client: httpx.AsyncClient, body: dict[str, Any], field: str) -> None:
    response = await client.post("/v1/memories/retrieve", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


async def test_the_user_stays_readable_after_hostile_writes(client: httpx.AsyncClient, user: str) -> None:
    for body, _, _ in HOSTILE_ADDS:
        assert (await post_raw(client, ADD, body.replace('"u1"', f'"{user}"'))).status_code < 500
    assert (await client.post(ADD, json={"messages": ["I like tea"], "user_id": user, "wait": True})).status_code == 200
    for method, path, kw in (
        ("GET", "/v1/memories", {"params": {"user_id": user}}),
        ("POST", "/v1/memories/retrieve", {"json": {"query": "tea", "user_id": user}}),
        ("GET", f"/v1/users/{user}/export", {}),
    ):
        response = await client.request(method, path, **kw)
        assert response.status_code == 200, (path, response.text)
        assert "tea" in response.text


async def test_a_full_backlog_is_429_with_retry_after(tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = AccordSettings(
        data_dir=tmp_path_factory.mktemp("backlog"), embedder="none", run_worker=False, max_pending_jobs_per_tenant=1
    )
    async with AsyncAccord(settings) as engine:
        app = create_app(engine, ServerSettings(admin_key=OPERATOR_KEY))
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", headers=auth(OPERATOR_KEY)) as c:
            assert (await c.post(ADD, json={"messages": ["I like tea"], "user_id": "u1"})).status_code == 200
            response = await c.post(ADD, json={"messages": ["I like coffee"], "user_id": "u1"})
            assert response.status_code == 429, response.text
            body = response.json()
            assert (body["status"], body["blocked_reason"]) == ("blocked", "backlog")
            assert int(response.headers["Retry-After"]) >= 1


async def test_the_remote_client_returns_a_backlog_block_as_a_result(tmp_path_factory: pytest.TempPathFactory) -> None:
    from accord.remote import AsyncRemoteAccord

    settings = AccordSettings(
        data_dir=tmp_path_factory.mktemp("backlog-remote"), embedder="none", run_worker=False, max_pending_jobs_per_tenant=1
    )
    async with AsyncAccord(settings) as engine:
        app = create_app(engine, ServerSettings(admin_key=OPERATOR_KEY))
        remote = AsyncRemoteAccord("http://127.0.0.1", OPERATOR_KEY, transport=httpx.ASGITransport(app))
        try:
            assert (await remote.add("I like tea", user_id="u1")).status == "queued"
            blocked = await remote.add("I like coffee", user_id="u1")
            assert (blocked.status, blocked.blocked_reason) == ("blocked", "backlog") and blocked.retry_after_seconds
        finally:
            await remote.close()

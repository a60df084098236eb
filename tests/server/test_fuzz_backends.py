"""Hypothesis against every REST route, on SQLite and PostgreSQL side by side.

Each example is one request built from the served OpenAPI document: a route, its path and
query parameters, and for a route with a body a valid body with one hostile change (a field
set to a hostile value from ``hostile_values``, an unknown field, a field dropped, or the whole
body replaced). The same request goes to both backends, which have seen the same requests
before it. It must answer the same status on both, never a 5xx; an error names the same field
on both and never a driver's words; and a refused request stores nothing (the tenant's
counts are unchanged). A test pins that the table covers every route, so a new route without
a base request fails here.

``ACCORD_FUZZ_EXAMPLES`` sets the number of requests (60 by default: about 5 s) and
``ACCORD_FUZZ_SEED`` another fixed set of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from accord import AccordSettings, AsyncAccord
from accord.server import ServerSettings, create_app

from ..conftest import fresh_postgres_database
from .conftest import OPERATOR_KEY, auth
from .hostile_values import Raw, hostile_text, hostile_value, to_json

EXAMPLES = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "60"))
SEED = os.environ.get("ACCORD_FUZZ_SEED")  # unset: the same examples on every run
USER = "fuzz-u"
UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"
EXISTING = object()  # a path parameter resolved per backend to an id it holds

# A valid body for each route that takes one; the fuzz changes one thing in it.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/v1/memories/add"): {"messages": ["I like green tea"], "user_id": USER, "metadata": {"src": "fuzz"}},
    ("post", "/v1/memories/retrieve"): {"query": "tea", "user_id": USER, "limit": 5},
    ("patch", "/v1/memories/{memory_id}"): {"content": "I like black tea", "importance": 0.5},
    ("post", "/v1/conflicts/{conflict_id}/resolve"): {"answer": 1},
    ("post", "/v1/consent/{agent_id}"): {"granted": True, "user_id": USER},
    ("post", "/v1/admin/tenants"): {"tenant_id": "fuzz-t2", "name": "Fuzz"},
    ("post", "/v1/admin/agents"): {"name": "fuzz-agent", "role": "agent"},
    ("post", "/v1/admin/keys/{key_id}/rotate"): {"overlap_seconds": 60.0},
    ("post", "/v1/admin/grants"): {"agent_id": "AGENT", "access": "read_only", "categories": ["fact"]},
    ("post", "/v1/memories/{memory_id}/feedback"): {"kind": "helpful", "note": "it helped"},
    ("put", "/v1/domain"): {"domain_schema": "support"},
    ("post", "/v1/domain/schemas"): {"schema": {"name": "fuzz", "fields": [
        {"name": "team", "category": "fact", "routing": "user", "patterns": [r"\bmy team is (?P<value>\w+)"]},
    ]}},
    ("post", "/v1/admin/webhooks"): {"url": "https://hooks.example.com/accord", "events": ["user.erased"]},
}
# A valid value for each query parameter the routes take.
QUERY_VALUES: dict[str, str] = {
    "user_id": USER, "categories": "fact", "include_archived": "true", "limit": "5", "offset": "0",
    "metadata": '{"src": "fuzz"}', "job_id": UNKNOWN_UUID, "status": "open", "kind": "review",
    "agent_id": "AGENT", "repair": "false", "decision": "low_quality", "hours": "24", "as_of": "2026-01-01T00:00:00Z",
    "depth": "2",
}
# Slow or state-wide routes the fuzz leaves to their own tests (they take no input to fuzz).
SKIPPED = {("post", "/v1/admin/reindex"), ("post", "/v1/admin/maintain"), ("post", "/v1/admin/check")}


@dataclass
class Backend:
    client: httpx.AsyncClient
    ids: dict[str, str] = field(default_factory=dict)

    async def counts(self) -> dict[str, int]:
        stats = (await self.client.get("/v1/stats")).json()
        return {k: stats[k] for k in ("users", "active_memories", "archived_memories", "messages")}


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    path_params: dict[str, Any]
    query: dict[str, Any]
    body: Any  # None: no body
    change: str

    def __repr__(self) -> str:
        return f"Case({self.method} {self.path} {self.change}: {str(self.path_params)[:200]} {str(self.query)[:200]} {to_json(self.body)[:300]})"

    def url(self, ids: dict[str, str]) -> str:
        path = self.path
        for name, value in self.path_params.items():
            value = ids[name] if value is EXISTING else value
            path = path.replace("{" + name + "}", _quote(value))
        if self.query:
            path += "?" + "&".join(f"{k}={_quote(ids.get(k, '') if v == 'AGENT' else v)}" for k, v in self.query.items())
        return path

    def content(self, ids: dict[str, str]) -> bytes | None:
        if self.body is None:
            return None
        text = to_json(self.body).replace('"AGENT"', f'"{ids["agent_id"]}"')
        return text.encode("utf-8", "surrogatepass")


def _quote(value: Any) -> str:
    return urllib.parse.quote(str(value).encode("utf-8", "surrogatepass"), safe="")


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, list[str], list[str]]]:
    out = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if (method, path) in SKIPPED:
                continue
            params = op.get("parameters", [])
            out.append((
                method, path,
                [p["name"] for p in params if p["in"] == "path"],
                [p["name"] for p in params if p["in"] == "query"],
            ))
    return out


@st.composite
def _body(draw: st.DrawFn, base: dict[str, Any]) -> tuple[Any, str]:
    body = dict(base)
    change = draw(st.sampled_from(["set", "set", "set", "unknown", "drop", "replace", "message"]))
    if change == "set":
        name = draw(st.sampled_from(sorted(body) + ["wait", "timeout", "as_of", "categories", "agent_ids", "idempotency_key", "session_id"]))
        body[name] = draw(hostile_value)
        return body, f"set {name}"
    if change == "unknown":
        body[draw(hostile_text.filter(lambda s: s not in body))] = draw(hostile_value)
        return body, "unknown field"
    if change == "drop":
        name = draw(st.sampled_from(sorted(body)))
        del body[name]
        return body, f"drop {name}"
    if change == "message" and "messages" in body:
        turn: dict[str, Any] = {"role": "user", "content": "I like tea"}
        turn[draw(st.sampled_from(["role", "content", "name", "created_at", "metadata", "extra"]))] = draw(hostile_value)
        body["messages"] = [turn]
        return body, "set a message field"
    return draw(st.one_of(hostile_value, st.just(Raw("{")), st.just(Raw("[]")))), "replace body"


@st.composite
def cases(draw: st.DrawFn, operations: list[tuple[str, str, list[str], list[str]]]) -> Case:
    method, path, path_names, query_names = draw(st.sampled_from(operations))
    in_url = hostile_text.map(lambda s: s[:2000])  # httpx refuses a URL over 64 kB
    path_params = {n: draw(st.one_of(st.just(EXISTING), st.just(UNKNOWN_UUID), in_url.filter(bool))) for n in path_names}
    query: dict[str, Any] = {}
    for name in query_names:
        choice = draw(st.sampled_from(["omit", "valid", "valid", "hostile"]))
        if choice == "valid":
            query[name] = QUERY_VALUES[name]
        elif choice == "hostile":
            query[name] = draw(st.one_of(in_url, hostile_value.map(lambda v: to_json(v)[:2000])))
    body, change = (None, "parameters")
    if (method, path) in BODIES:
        body, change = draw(_body(BODIES[(method, path)]))
    return Case(method, path, path_params, query, body, change)


async def _seed(backend: Backend) -> None:
    client = backend.client
    added = (await client.post("/v1/memories/add", json={"messages": ["I'm vegetarian"], "user_id": USER, "wait": True})).json()
    listed = (await client.get("/v1/memories", params={"user_id": USER})).json()
    agent = (await client.post("/v1/admin/agents", json={"name": "fuzz-seed"})).json()
    grant = (await client.post("/v1/admin/grants", json={"agent_id": agent["agent"]["id"], "access": "read_only"})).json()
    await client.post("/v1/memories/add", json={"messages": ["My wife Anna works at Acme"], "user_id": USER, "wait": True})
    entities = (await client.get(f"/v1/users/{USER}/entities")).json()
    hook = (await client.post("/v1/admin/webhooks", json={"url": "https://hooks.example.com/seed", "events": ["job.failed"]})).json()
    backend.ids.update(entity_id=entities[0]["id"], webhook_id=hook["webhook"]["id"])
    backend.ids.update(
        memory_id=listed[0]["id"], job_id=added["job_id"], agent_id=agent["agent"]["id"],
        key_id=agent["key"]["info"]["key_id"], grant_id=grant["id"], conflict_id=UNKNOWN_UUID, user_id=USER,
    )


async def _send(backend: Backend, case: Case) -> httpx.Response:
    headers = {"content-type": "application/json"} if case.body is not None else {}
    return await backend.client.request(case.method.upper(), case.url(backend.ids), content=case.content(backend.ids), headers=headers)


async def _check(backends: list[Backend], case: Case) -> None:
    before = [await b.counts() for b in backends]
    answers = [await _send(b, case) for b in backends]
    statuses = [r.status_code for r in answers]
    assert all(s < 500 for s in statuses), (case, [r.text[:500] for r in answers])
    assert statuses[0] == statuses[1], (case, [r.text[:500] for r in answers])
    if statuses[0] < 400:
        return
    errors = [r.json().get("error", r.json()) for r in answers]
    assert errors[0].get("field") == errors[1].get("field"), (case, errors)
    assert errors[0].get("code") == errors[1].get("code"), (case, errors)
    if statuses[0] in (400, 422):
        assert errors[0].get("field"), (case, errors)
    for e in errors:
        text = str(e.get("message", "")).lower()
        assert "asyncpg" not in text and "sqlite" not in text and "traceback" not in text, (case, e)
    assert [await b.counts() for b in backends] == before, (case, "a refused request stored something")


@contextlib.asynccontextmanager
async def _backends(data: Path) -> Any:
    async with contextlib.AsyncExitStack() as stack:
        out = []
        for name in ("sqlite", "postgres"):
            url = await stack.enter_async_context(fresh_postgres_database()) if name == "postgres" else None
            config = AccordSettings(
                data_dir=data / name, database_url=url, embedder="none", run_worker=False, rate_limit_burst=10**6
            )
            engine = await stack.enter_async_context(AsyncAccord(config))
            app = create_app(engine, ServerSettings(admin_key=OPERATOR_KEY))
            transport = httpx.ASGITransport(app, raise_app_exceptions=False)
            client = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", headers=auth(OPERATOR_KEY))
            )
            out.append(Backend(client))
        yield out


def test_every_route_has_a_base_request(tmp_path: Path) -> None:
    async def spec() -> dict[str, Any]:
        async with AsyncAccord(AccordSettings(data_dir=tmp_path, embedder="none", run_worker=False)) as engine:
            return create_app(engine, ServerSettings(admin_key=OPERATOR_KEY)).openapi()

    doc = asyncio.run(spec())
    operations = _operations(doc)
    assert len(operations) >= 30
    for method, path, _, query_names in operations:
        body = doc["paths"][path][method].get("requestBody")
        assert body is None or (method, path) in BODIES, f"{method} {path} takes a body the fuzz has no base for"
        assert set(query_names) <= set(QUERY_VALUES), (method, path, query_names)


def test_hostile_requests_answer_alike_on_sqlite_and_postgres(tmp_path: Path) -> None:
    with asyncio.Runner() as runner:
        stack = contextlib.AsyncExitStack()
        backends = runner.run(stack.enter_async_context(_backends(tmp_path)))
        try:
            for b in backends:
                runner.run(_seed(b))
            operations = _operations(runner.run(backends[0].client.get("/openapi.json")).json())

            @settings(max_examples=EXAMPLES, deadline=None, derandomize=SEED is None, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
            @seed(int(SEED or 0))
            @given(cases(operations))
            def fuzz(case: Case) -> None:
                runner.run(_check(backends, case))

            fuzz()
        finally:
            runner.run(stack.aclose())

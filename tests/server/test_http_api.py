"""Every route's happy path, the JSON error shape and the rate and quota headers (in-process)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server needs pip install 'accord[server]'")
pytest.importorskip("uvicorn", reason="the server needs pip install 'accord[server]'")

from accord import AddResult, Conflict, ContextResult, ForgetReport, Job, Memory, MemoryVersion, StoreStats, UserStats  # noqa: E402
from accord.domain.passport import ApiKeyInfo, Consent, Grant, IssuedKey, IssuedToken, Tenant, UserExport  # noqa: E402


async def _add(api: Any, text: str | list[dict[str, str]], user: str = "alice", key: str | None = None, **kw: Any) -> Any:
    body = {"messages": text, "user_id": user, "wait": True, **kw}
    return await api.ok("POST", "/v1/memories/add", key or api.owner, json=body)


async def test_health_openapi_and_docs_need_no_key(api) -> None:
    health = await api.ok("GET", "/v1/health", None)
    assert health["status"] == "ok" and health["mode"]["search"] == "lexical" and health["version"]
    schema = await api.ok("GET", "/openapi.json", None)
    paths = set(schema["paths"])
    assert {"/v1/memories/add", "/v1/memories/retrieve", "/v1/memories/{memory_id}", "/v1/admin/grants"} <= paths
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["ApiKey"]["description"],
    }
    assert (await api.call("GET", "/docs", None)).status_code == 200
    report = await api.ok("GET", "/v1/health/report")  # engine.health(): needs a key
    assert report["status"] in ("ok", "degraded") and report["jobs_failed"] == 0
    await api.fail("GET", "/v1/health/report", None, 401, "unauthorized")


async def test_add_and_retrieve_take_the_python_api_fields(api) -> None:
    turns = [
        {"role": "user", "content": "I'm vegetarian and I work at Acme", "name": "Alice"},
        {"role": "assistant", "content": "Noted!"},
    ]
    added = AddResult.model_validate(await _add(api, turns, session_id="s1", metadata={"app": "t"}, idempotency_key="k1"))
    assert added.status == "done" and len(added.episodic_memory_ids) == 2 and added.memories_created
    again = AddResult.model_validate(await _add(api, turns, session_id="s1", idempotency_key="k1"))
    assert again.status == "blocked" and again.blocked_reason == "duplicate"
    body = {"query": "what should I cook?", "user_id": "alice", "limit": 5, "categories": ["fact"], "format": "json"}
    ctx = ContextResult.model_validate(await api.ok("POST", "/v1/memories/retrieve", json=body))
    assert ctx.memories and {m.category.value for m in ctx.memories} == {"fact"} and ctx.system_prompt_addition.startswith("{")
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
    body = {"query": "food", "user_id": "alice", "as_of": past, "agent_ids": ["local"], "time_filter_days": 3}
    assert ContextResult.model_validate(await api.ok("POST", "/v1/memories/retrieve", json=body)).memories == []


async def test_a_blocked_add_is_a_200_result_not_an_error(api) -> None:
    result = AddResult.model_validate(await _add(api, "ok thanks"))
    assert result.status == "blocked" and result.blocked_reason == "low_quality" and result.job_id is None


async def test_list_get_edit_history_archive_restore_delete(api) -> None:
    await _add(api, "I work at Acme")
    listed = [Memory.model_validate(m) for m in await api.ok("GET", "/v1/memories", params={"user_id": "alice"})]
    fact = next(m for m in listed if m.category.value == "fact")
    facts = await api.ok("GET", "/v1/memories", params={"user_id": "alice", "categories": ["fact"], "limit": 1})
    assert [m["id"] for m in facts] == [fact.id]
    assert Memory.model_validate(await api.ok("GET", f"/v1/memories/{fact.id}")) == fact
    edited = Memory.model_validate(
        await api.ok("PATCH", f"/v1/memories/{fact.id}", json={"content": "User works at Initech", "importance": 0.9})
    )
    assert edited.content == "User works at Initech" and edited.importance_score == 0.9
    versions = [MemoryVersion.model_validate(v) for v in await api.ok("GET", f"/v1/memories/{fact.id}/history")]
    assert [v.change_type.value for v in versions] == ["created", "manual_edit"]
    archived = Memory.model_validate(await api.ok("POST", f"/v1/memories/{fact.id}/archive"))
    assert archived.status.value == "archived"
    assert fact.id not in [m["id"] for m in await api.ok("GET", "/v1/memories", params={"user_id": "alice"})]
    with_archived = await api.ok("GET", "/v1/memories", params={"user_id": "alice", "include_archived": True})
    assert fact.id in [m["id"] for m in with_archived]
    assert (await api.ok("POST", f"/v1/memories/{fact.id}/restore"))["status"] == "active"
    assert Memory.model_validate(await api.ok("DELETE", f"/v1/memories/{fact.id}")).id == fact.id
    await api.fail("GET", f"/v1/memories/{fact.id}", api.owner, 404, "not_found")


async def test_jobs(api) -> None:
    added = await api.ok("POST", "/v1/memories/add", json={"messages": "I live in Oslo", "user_id": "alice"})
    job = Job.model_validate(await api.ok("GET", f"/v1/jobs/{added['job_id']}"))
    assert job.id == added["job_id"] and job.user_id == "alice"
    # The server's own worker may have run the job already: then there is nothing left to process.
    assert (await api.ok("POST", "/v1/admin/jobs/process"))["count"] in (0, 1)
    assert Job.model_validate(await api.ok("GET", f"/v1/jobs/{added['job_id']}")).status.value == "done"
    await api.fail("GET", f"/v1/jobs/{uuid.uuid4()}", api.owner, 404, "not_found")


async def test_conflicts_and_resolve(api) -> None:
    await _add(api, "I live in Berlin")
    await _add(api, "I think I live in Porto")
    ctx = await api.ok("POST", "/v1/memories/retrieve", json={"query": "where do I live?", "user_id": "alice"})
    question = ctx["clarification_question"]
    assert question is not None
    (open_,) = [Conflict.model_validate(c) for c in await api.ok("GET", "/v1/conflicts", params={"kind": "clarification"})]
    assert open_.id == question["id"]
    settled = Conflict.model_validate(await api.ok("POST", f"/v1/conflicts/{open_.id}/resolve", json={"answer": 2}))
    assert settled.status == "resolved" and settled.resolution == "candidate"
    assert await api.ok("GET", "/v1/conflicts") == []
    assert len(await api.ok("GET", "/v1/conflicts", params={"status": "any"})) == 1
    await api.fail("POST", f"/v1/conflicts/{open_.id}/resolve", api.owner, 422, "validation_error", json={"answer": True})


async def test_user_export_stats_and_erasure(api) -> None:
    added = AddResult.model_validate(await _add(api, "I'm allergic to peanuts", user="bob"))
    stored = len(added.episodic_memory_ids) + len(added.memories_created)  # the turn and what was drawn from it
    assert stored >= 2
    stats = UserStats.model_validate(await api.ok("GET", "/v1/users/bob/stats"))
    assert (stats.active_memories, stats.messages) == (stored, 1)
    tenant = StoreStats.model_validate(await api.ok("GET", "/v1/stats"))
    assert tenant.users == 1 and tenant.mode.search == "lexical"
    export = UserExport.model_validate(await api.ok("GET", "/v1/users/bob/export"))
    assert (export.user_id, len(export.messages), len(export.memories)) == ("bob", 1, stored)
    report = ForgetReport.model_validate(await api.ok("DELETE", "/v1/users/bob"))
    assert (report.memories, report.messages) == (stored, 1)
    assert await api.ok("GET", "/v1/memories", params={"user_id": "bob"}) == []


async def test_admin_routes(api) -> None:
    tenant = Tenant.model_validate(await api.ok("POST", "/v1/admin/tenants", json={"tenant_id": "globex", "name": "Globex", "memory_quota": 50}, status=201))
    assert tenant.memory_quota == 50 and "globex" in [t["id"] for t in await api.ok("GET", "/v1/admin/tenants")]
    in_globex = {"X-Accord-Tenant": "globex"}
    created = await api.ok("POST", "/v1/admin/agents", json={"name": "bot"}, headers=in_globex, status=201)
    agent_id, first = created["agent"]["id"], IssuedKey.model_validate(created["key"])
    assert created["agent"]["tenant_id"] == "globex" and first.key.startswith("acc_")
    assert [a["id"] for a in await api.ok("GET", "/v1/admin/agents", headers=in_globex)] == [agent_id]
    second = IssuedKey.model_validate(await api.ok("POST", f"/v1/admin/agents/{agent_id}/keys", headers=in_globex, status=201))
    keys = [ApiKeyInfo.model_validate(k) for k in await api.ok("GET", "/v1/admin/keys", headers=in_globex, params={"agent_id": agent_id})]
    assert {k.key_id for k in keys} == {first.info.key_id, second.info.key_id}
    rotated = IssuedKey.model_validate(
        await api.ok("POST", f"/v1/admin/keys/{first.info.key_id}/rotate", headers=in_globex, json={"overlap_seconds": 0}, status=201)
    )
    assert rotated.info.agent_id == agent_id
    revoked = ApiKeyInfo.model_validate(await api.ok("POST", f"/v1/admin/keys/{second.info.key_id}/revoke", headers=in_globex))
    assert revoked.revoked_at is not None
    body = {"agent_id": agent_id, "access": "read_only", "categories": ["fact"], "user_id": "alice", "expires_at": "2099-01-01T00:00:00Z"}
    grant = Grant.model_validate(await api.ok("POST", "/v1/admin/grants", json=body, headers=in_globex, status=201))
    assert grant.user_id == "alice" and grant.expires_at is not None
    assert [g["id"] for g in await api.ok("GET", "/v1/admin/grants", headers=in_globex, params={"agent_id": agent_id})] == [grant.id]
    assert Grant.model_validate(await api.ok("POST", f"/v1/admin/grants/{grant.id}/revoke", headers=in_globex)).revoked_at
    token = IssuedToken.model_validate(await api.ok("POST", "/v1/admin/users/alice/token", headers=in_globex, status=201))
    assert token.key.startswith("acu_") and token.user_id == "alice"
    assert set(await api.ok("POST", "/v1/admin/maintain")) == {"decayed", "archived_stale", "expired_episodic"}
    # The rebuild indexes every stored memory: here one turn and the fact drawn from it.
    added = AddResult.model_validate(await _add(api, "I work at Acme", user="carol"))
    assert (len(added.episodic_memory_ids), len(added.memories_created)) == (1, 1)
    assert await api.ok("POST", "/v1/admin/reindex") == {"count": 2}
    await api.fail("POST", "/v1/admin/tenants", api.owner, 409, "conflict", json={"tenant_id": "globex"})
    await api.fail("GET", "/v1/admin/agents", api.owner, 404, "not_found", headers={"X-Accord-Tenant": "nowhere"})


async def test_consent_and_whoami_for_a_user_token(api, acme) -> None:
    issued = await api.ok("POST", "/v1/admin/users/alice/token", acme.admin, status=201)
    # "key" like every credential; "token", the name before, still carries the same value.
    token = issued["key"]
    assert issued["token"] == token and token.startswith("acu_") and issued["user_id"] == "alice"
    me = await api.ok("GET", "/v1/whoami", token)
    assert me == {"tenant_id": "acme", "agent_id": None, "role": "user", "user_id": "alice", "key_id": me["key_id"]}
    consent = Consent.model_validate(
        await api.ok("POST", f"/v1/consent/{acme.planner_id}", token, json={"granted": True, "categories": ["fact"]})
    )
    assert consent.granted and consent.categories == ["fact"] and consent.user_id == "alice"
    assert [c["agent_id"] for c in await api.ok("GET", "/v1/consent", token)] == [acme.planner_id]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    [
        ("POST", "/v1/memories/add", {"messages": [], "user_id": "alice"}, 400, "invalid_input", "messages"),
        ("POST", "/v1/memories/add", {"messages": [{"role": "robot", "content": "x"}], "user_id": "a"}, 422, "validation_error", "messages[0].role"),
        ("POST", "/v1/memories/add", {"messages": "hi there", "user_id": "bad id!"}, 422, "validation_error", "user_id"),
        ("POST", "/v1/memories/add", {"messages": "   ", "user_id": "alice"}, 400, "invalid_input", "messages[0].content"),
        ("POST", "/v1/memories/add", {"messages": "hi", "user_id": "a", "tenant_id": "evil"}, 422, "validation_error", "tenant_id"),
        ("POST", "/v1/memories/retrieve", {"query": "   ", "user_id": "alice"}, 400, "invalid_input", "query"),
        ("POST", "/v1/memories/retrieve", {"query": "x", "user_id": "alice", "limit": 0}, 422, "validation_error", "limit"),
        ("POST", "/v1/memories/retrieve", {"query": "x", "user_id": "a", "as_of": "0001-01-01T00:00:00Z"}, 422, "validation_error", "as_of"),
        ("PATCH", f"/v1/memories/{uuid.uuid4()}", {}, 404, "not_found", None),
        ("GET", "/v1/memories/not-a-uuid", None, 422, "validation_error", "memory_id"),
        ("POST", "/v1/admin/keys/zz/revoke", None, 422, "validation_error", "key_id"),
        ("GET", "/v1/whoami", None, 422, "validation_error", "X-Accord-Tenant"),
        ("GET", "/v1/memories", None, 422, "validation_error", "user_id"),
        ("POST", "/v1/memories/add", "not json", 422, "validation_error", "request"),
        ("GET", "/v1/nowhere", None, 404, "not_found", None),
        ("PUT", "/v1/memories/add", None, 405, "method_not_allowed", None),
    ],
)
async def test_errors_are_json_with_stable_codes(api, method, path, body, status, code, field) -> None:
    kw: dict[str, Any] = {"content": body, "headers": {"content-type": "application/json"}} if isinstance(body, str) else {"json": body}
    if field == "X-Accord-Tenant":
        kw["headers"] = {"X-Accord-Tenant": "not a tenant!"}
    error = await api.fail(method, path, api.owner, status, code, **kw)
    assert error["field"] == field and error["message"]


async def test_rate_limit_headers_count_down_and_a_blocked_add_says_when_to_retry(tmp_path) -> None:
    import httpx

    from accord import AccordSettings, AsyncAccord, ManualClock
    from accord.server import ServerSettings, create_app

    # No worker (each add stores only its turn until extraction runs) and a clock that stands
    # still, so the quota used and the wait before the next token are exact.
    settings = AccordSettings(data_dir=tmp_path / "d", embedder="none", rate_limit_burst=2, rate_limit_per_minute=1,
                              tenant_memory_quota=1000, run_worker=False)
    async with AsyncAccord(settings, clock=ManualClock()) as engine:
        app = create_app(engine, ServerSettings(admin_key="k" * 20))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://localhost") as c:
            headers = {"Authorization": "ApiKey " + "k" * 20}
            seen = []
            for text in ("I live in Oslo", "I work at Acme", "I like tea"):
                r = await c.post("/v1/memories/add", json={"messages": text, "user_id": "alice"}, headers=headers)
                assert r.status_code == 200
                seen.append((r.json()["status"], r.headers["X-RateLimit-Limit"], r.headers["X-RateLimit-Remaining"],
                             r.headers["X-Quota-Limit"], r.headers["X-Quota-Used"]))
            # The blocked add stores nothing: two turns are used.
            assert seen == [("queued", "2", "1", "1000", "1"), ("queued", "2", "0", "1000", "2"),
                            ("blocked", "2", "0", "1000", "2")]
            # One token a minute, and none left: the next comes in exactly 60 s.
            assert r.json()["blocked_reason"] == "rate_limit_exceeded" and r.headers["Retry-After"] == "60"
            r = await c.get("/v1/whoami", headers=headers)
            assert r.headers["X-RateLimit-Remaining"] == "0" and "X-Quota-Limit" not in r.headers
            r = await c.get("/v1/stats", headers=headers)
            assert r.headers["X-Quota-Limit"] == "1000"


async def test_feedback_route_is_the_engines_feedback(api) -> None:
    from accord import FeedbackResult

    await _add(api, "I live in Oslo")
    (city,) = [m for m in await api.ok("GET", "/v1/memories", params={"user_id": "alice"}) if m["attribute_key"] == "city"]
    done = FeedbackResult.model_validate(
        await api.ok("POST", f"/v1/memories/{city['id']}/feedback", json={"kind": "wrong", "note": "not Oslo"})
    )
    assert done.action == "archived" and done.memory.status.value == "archived"
    versions = [MemoryVersion.model_validate(v) for v in await api.ok("GET", f"/v1/memories/{city['id']}/history")]
    assert versions[-1].change_type.value == "feedback" and versions[-1].metadata["note"] == "not Oslo"
    error = await api.fail("POST", f"/v1/memories/{city['id']}/feedback", api.owner, 400, "invalid_input", json={"kind": "meh"})
    assert error["field"] == "kind"
    await api.fail("POST", f"/v1/memories/{uuid.uuid4()}/feedback", api.owner, 404, "not_found", json={"kind": "helpful"})

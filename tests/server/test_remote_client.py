"""``accord.remote.sync`` against a real ``accord serve`` process on loopback: the same interface, return
types and exceptions as the engine."""

from __future__ import annotations

import inspect
import signal
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server needs pip install 'accord[server]'")
pytest.importorskip("uvicorn", reason="the server needs pip install 'accord[server]'")

from accord import (  # noqa: E402
    Accord,
    AccordError,
    AccordSettings,
    AddResult,
    AsyncAccord,
    Conflict,
    ConflictError,
    ContextResult,
    ForgetReport,
    InvalidInputError,
    Job,
    Memory,
    MemoryVersion,
    NotFoundError,
    PermissionDeniedError,
    StorageError,
    StoreStats,
    UserStats,
)
from accord.domain.passport import Agent, ApiKeyInfo, Consent, Grant, IssuedKey, IssuedToken, Tenant, UserExport  # noqa: E402
from accord.remote.sync import AsyncRemoteAccord, RemoteAccord, connect, connect_async  # noqa: E402


OPERATOR_KEY = "aco_test-operator-key-for-the-suite"  # as in conftest.py


def test_the_sync_client_runs_the_whole_flow(real_server) -> None:
    url = real_server.url
    with connect(url, OPERATOR_KEY) as owner:
        assert owner.principal.role == "owner"
        assert isinstance(owner.create_tenant("initech", "Initech", memory_quota=10_000), Tenant)
        agent, admin_key = owner.for_tenant("initech").create_agent("admin", role="admin")
        assert isinstance(agent, Agent) and isinstance(admin_key, IssuedKey) and agent.tenant_id == "initech"
    with connect(url, admin_key.key) as admin:
        planner, planner_key = admin.create_agent("planner")
        grant = admin.grant(planner.id, "read_write", categories=["fact", "preference", "episodic"])
        assert isinstance(grant, Grant) and admin.list_grants(agent_id=planner.id) == [grant]
        with admin.for_key(planner_key.key) as memory:
            assert memory.principal.agent_id == planner.id and memory.principal.tenant_id == "initech"
            added = memory.add("I live in Berlin and I work at Acme", user_id="alice", wait=True)
            assert isinstance(added, AddResult) and added.status == "done" and added.memories_created
            ctx = memory.get("where do I work?", user_id="alice", agent_ids=[planner.id])
            assert isinstance(ctx, ContextResult) and "Acme" in ctx.system_prompt_addition
            facts = memory.list_memories("alice", categories=["fact"])
            assert facts and all(isinstance(m, Memory) for m in facts)
            job = memory.get_job(added.job_id)  # type: ignore[arg-type]
            assert isinstance(job, Job) and job.status.value == "done"
            employer = next(m for m in facts if m.attribute_key == "employer")
            edited = memory.update_memory(employer.id, content="User works at Initech")
            assert edited.content == "User works at Initech" and memory.get_memory(employer.id) == edited
            assert memory.archive_memory(employer.id).status.value == "archived"
            assert memory.restore_memory(employer.id).status.value == "active"
            versions = memory.history(employer.id)
            assert [v.change_type.value for v in versions] == ["created", "manual_edit", "archived", "restored"]
            assert all(isinstance(v, MemoryVersion) for v in versions)
            memory.add("I think I live in Porto", user_id="alice", wait=True)
            question = memory.get("where do I live?", user_id="alice").clarification_question
            assert question is not None and [c.id for c in memory.list_conflicts()] == [question.id]
            settled = memory.resolve(question.id, "Porto, I moved")
            assert isinstance(settled, Conflict) and settled.resolution == "candidate"
            assert isinstance(memory.stats("alice"), UserStats)
            with pytest.raises(PermissionDeniedError):
                memory.export_user("alice")
        token = admin.issue_user_token("alice")
        assert isinstance(token, IssuedToken)
        with connect(url, token.key) as alice:
            consent = alice.set_consent(planner.id, False)
            assert isinstance(consent, Consent) and alice.list_consents() == [consent]
            export = alice.export_user("alice")
            assert isinstance(export, UserExport) and export.memories and export.consents == [consent]
        with admin.for_key(planner_key.key) as memory:
            assert memory.get("where do I live?", user_id="alice").memories == []
        assert isinstance(admin.stats(), StoreStats)
        report = admin.forget_user("alice")
        assert isinstance(report, ForgetReport) and report.memories >= 2
        keys = admin.list_keys(planner.id)
        assert [k.key_id for k in keys] == [planner_key.info.key_id] and isinstance(keys[0], ApiKeyInfo)
        rotated = admin.rotate_key(planner_key.info.key_id, overlap_seconds=0)
        assert admin.revoke_key(rotated.info.key_id).revoked_at is not None
        with pytest.raises(PermissionDeniedError):
            connect(url, rotated.key)
        assert admin.revoke_grant(grant.id).revoked_at is not None
        assert [a.name for a in admin.list_agents()] == ["admin", "planner"]
        assert isinstance(admin.issue_key(planner.id), IssuedKey)
        # Every add above waited for its job, and nothing is old enough to decay.
        assert admin.process_pending() == 0 and admin.maintain().decayed == 0
        assert admin.health().mode.search == "lexical"


async def test_the_async_client_runs_add_get_resolve_export_forget(real_server) -> None:
    async with connect_async(real_server.url, OPERATOR_KEY) as owner:
        assert isinstance(owner, AsyncRemoteAccord)
        await owner.create_tenant("umbrella")
        _, admin_key = await owner.for_tenant("umbrella").create_agent("admin", role="admin")
        admin = await owner.for_key(admin_key.key)
        assert admin.principal.role == "admin"
        added = await admin.add(
            [{"role": "user", "content": "I live in Oslo"}, {"role": "assistant", "content": "Nice!"}],
            user_id="bob",
            session_id="s1",
            metadata={"source": "test"},
            wait=True,
        )
        assert added.status == "done" and len(added.episodic_memory_ids) == 2
        ctx = await admin.get("where do I live?", user_id="bob", format="xml", context_max_tokens=200)
        assert "Oslo" in ctx.system_prompt_addition and ctx.system_prompt_addition.startswith("<")
        (city,) = [m for m in await admin.list_memories("bob") if m.attribute_key == "city"]
        assert [v.change_type.value for v in await admin.history(city.id)] == ["created"]
        assert len((await admin.export_user("bob")).messages) == 2
        assert (await admin.forget_user("bob")).messages == 2
        assert await admin.list_memories("bob") == []
        assert owner.principal.tenant_id == "default" and len(await owner.list_tenants()) >= 2
        await admin.close()  # a view: the shared connection pool stays open
        assert await owner.list_tenants()


def _outcome(error: BaseException | None) -> tuple[Any, ...]:
    if error is None:
        return ("ok",)
    return (type(error), getattr(error, "field", None))


async def _scenario(m: Any) -> list[tuple[Any, ...]]:
    """The same calls on the engine and on the remote client; each outcome is (class, field)."""
    ghost = str(uuid.uuid4())
    calls: list[Callable[[], Awaitable[Any]]] = [
        lambda: m.add([], "alice"),
        lambda: m.add("hello there", "not valid!"),
        lambda: m.add([{"role": "robot", "content": "x"}], "alice"),
        lambda: m.add("x", "alice", metadata={"a": object()}),
        lambda: m.get("", "alice"),
        lambda: m.get("x", "alice", format="yaml"),
        lambda: m.get("x", "alice", limit=0),
        lambda: m.get_memory("nope"),
        lambda: m.get_memory(ghost),
        lambda: m.delete_memory(ghost),
        lambda: m.history(ghost),
        lambda: m.update_memory(ghost, content="x"),
        lambda: m.resolve(ghost, 1),
        lambda: m.get_job(ghost),
        lambda: m.list_conflicts(status="closed"),
        lambda: m.rotate_key("zz"),
        lambda: m.revoke_key("0123456789ab"),
        lambda: m.revoke_grant("nope"),
        lambda: m.grant("agt_nobody", "read_write"),
        lambda: m.create_tenant("parity"),
        lambda: m.create_tenant("parity"),
        lambda: m.for_key("acc_garbage"),
        lambda: m.set_consent("agt_nobody", True, user_id="alice"),
        lambda: m.list_consents(),
    ]
    outcomes = []
    for call in calls:
        try:
            await call()
            outcomes.append(_outcome(None))
        except AccordError as e:
            outcomes.append(_outcome(e))
    return outcomes


async def test_errors_are_the_engines_errors(real_server, tmp_path: Path) -> None:
    async with AsyncAccord(AccordSettings(data_dir=tmp_path / "local", embedder="none")) as local:
        expected = await _scenario(local)
    async with connect_async(real_server.url, OPERATOR_KEY) as remote:
        assert await _scenario(remote) == expected
    kinds = {o[0] for o in expected}
    assert {InvalidInputError, NotFoundError, ConflictError, PermissionDeniedError} <= kinds


async def test_a_bad_key_or_no_server_fails_like_the_engine(real_server, unused_port: int) -> None:
    with pytest.raises(PermissionDeniedError, match="invalid, expired or revoked key"):
        connect(real_server.url, "acc_0123456789ab_" + "0" * 40 + "_00000000")
    with pytest.raises(PermissionDeniedError):
        await connect_async(real_server.url, "garbage").start()
    with pytest.raises(StorageError, match="cannot reach"):
        connect(f"http://127.0.0.1:{unused_port}", OPERATOR_KEY, timeout=2)
    with pytest.raises(InvalidInputError) as info:
        connect("ftp://x", OPERATOR_KEY)
    assert info.value.field == "url"
    memory = connect(real_server.url, OPERATOR_KEY)
    with pytest.raises(PermissionDeniedError):
        memory.for_key(memory.create_agent(f"bot-{uuid.uuid4().hex[:6]}")[1].key).for_tenant("other")
    assert isinstance(memory.aio, AsyncRemoteAccord)
    memory.close()


_LIFECYCLE = {"start", "close", "parts", "settings", "for_key", "for_tenant", "aio", "principal"}


def _public(cls: type) -> dict[str, Any]:
    return {n: f for n, f in inspect.getmembers(cls) if not n.startswith("_") and callable(f)}


def _params(fn: Any) -> list[tuple[str, Any, Any]]:
    sig = inspect.signature(fn)
    return [(p.name, p.kind, p.default) for p in sig.parameters.values() if p.name != "self"]


def test_the_remote_interface_is_the_engines() -> None:
    engine, remote = _public(AsyncAccord), _public(AsyncRemoteAccord)
    missing = set(engine) - set(remote) - {"parts", "settings"}
    assert not missing, missing
    for name, fn in engine.items():
        if name in remote and name not in _LIFECYCLE:
            assert _params(remote[name]) == _params(fn), name
            assert inspect.signature(remote[name]).return_annotation == inspect.signature(fn).return_annotation, name
    sync_engine, sync_remote = _public(Accord), _public(RemoteAccord)
    assert set(sync_engine) <= set(sync_remote)
    for name, fn in sync_remote.items():
        if name in remote and name not in _LIFECYCLE:
            assert _params(fn) == _params(remote[name]), name
    for name, fn in sync_engine.items():  # Accord.get has no agent_ids yet: the remote's may be a superset
        assert [p for p in _params(fn) if p in _params(sync_remote[name])] == _params(fn), name


def test_the_public_names_are_pinned() -> None:
    import accord.remote.sync
    import accord.server

    assert sorted(accord.remote.sync.__all__) == ["AsyncRemoteAccord", "RemoteAccord", "connect", "connect_async"]
    assert sorted(accord.server.__all__) == ["ServerSettings", "create_app"]
    assert all(hasattr(m, n) for m in (accord.remote.sync, accord.server) for n in m.__all__)
    assert RemoteAccord.add.__doc__ == AsyncAccord.add.__doc__  # help() reads as the engine's


async def test_the_sync_client_works_inside_a_running_event_loop(real_server) -> None:
    with connect(real_server.url, OPERATOR_KEY) as memory:
        assert memory.list_memories("nobody") == []


def test_sigterm_stops_the_server_gracefully_and_releases_the_data_dir(tmp_path: Path, spawn_server) -> None:
    data = tmp_path / "data"
    with spawn_server(data) as server:
        with connect(server.url, OPERATOR_KEY) as memory:
            memory.add("I live in Lisbon", user_id="carol", wait=True)
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=20) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal
    assert "accord serve: stopped; the engine is closed" in server.log.read_text()
    accord = Accord(AccordSettings(data_dir=data, embedder="none"))  # the lock was released
    try:
        assert any("Lisbon" in m.content for m in accord.list_memories("carol"))
    finally:
        accord.close()

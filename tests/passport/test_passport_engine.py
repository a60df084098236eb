"""The Memory Passport through the engine: keys, grants, consent, attribution, export, erasure."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from accord import AccordSettings, AsyncAccord, ManualClock, PermissionDeniedError
from accord.errors import NotFoundError
from sqlalchemy import text


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def engine(tmp_path: Path, clock: ManualClock) -> AsyncIterator[AsyncAccord]:
    async with AsyncAccord(AccordSettings(data_dir=tmp_path, embedder="none", run_worker=False), clock=clock) as e:
        yield e


@pytest.fixture
async def acme(engine: AsyncAccord):
    """A tenant with an admin, a planner (read_write on facts and preferences) and a reviewer (read_only)."""
    await engine.create_tenant("acme", "Acme Corp")
    _, admin_key = await engine.for_tenant("acme").create_agent("admin", role="admin")
    admin = await engine.for_key(admin_key.key)
    planner, planner_key = await admin.create_agent("planner")
    reviewer, reviewer_key = await admin.create_agent("reviewer")
    await admin.grant(planner.id, "read_write", categories=["fact", "preference", "episodic"])
    await admin.grant(reviewer.id, "read_only")
    return {
        "admin": admin,
        "planner": await engine.for_key(planner_key.key),
        "reviewer": await engine.for_key(reviewer_key.key),
        "planner_id": planner.id,
        "reviewer_id": reviewer.id,
        "keys": (admin_key, planner_key, reviewer_key),
    }


async def test_identity_comes_from_the_key(engine: AsyncAccord, acme) -> None:
    planner = acme["planner"]
    assert planner.principal.tenant_id == "acme" and planner.principal.agent_id == acme["planner_id"]
    assert planner.principal.role == "agent" and acme["admin"].principal.role == "admin"
    for bad in ("", "acc_nothing", acme["keys"][1].key[:-1] + "x", "Bearer " + acme["keys"][1].key):
        with pytest.raises(PermissionDeniedError, match="invalid, expired or revoked key"):
            await engine.for_key(bad)


async def test_only_hashes_are_stored_and_keys_never_reach_logs(engine: AsyncAccord, acme, caplog) -> None:
    key = acme["keys"][1].key
    rows = await engine.parts.store._sql.read(lambda c: c.execute(text("SELECT * FROM api_keys")).all())  # noqa: SLF001
    secret = key.split("_")[2]
    assert rows and not any(secret in str(r) or key in str(r) for r in rows)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(PermissionDeniedError):
            await engine.for_key(key[:-1] + ("0" if key[-1] != "0" else "1"))
        await engine.for_key(key)
    assert secret not in caplog.text and key not in caplog.text


async def test_rotation_keeps_both_keys_for_the_overlap_then_only_the_new(engine: AsyncAccord, acme, clock: ManualClock) -> None:
    admin, old = acme["admin"], acme["keys"][1]
    new = await admin.rotate_key(old.info.key_id, overlap_seconds=600)
    assert new.info.agent_id == old.info.agent_id and new.key != old.key
    assert (await engine.for_key(old.key)).principal.agent_id == (await engine.for_key(new.key)).principal.agent_id
    clock.advance(seconds=601)
    with pytest.raises(PermissionDeniedError):
        await engine.for_key(old.key)
    assert (await engine.for_key(new.key)).principal.agent_id == acme["planner_id"]
    listed = {k.key_id: k for k in await admin.list_keys(acme["planner_id"])}
    assert listed[old.info.key_id].replaced_by == new.info.key_id


async def test_revocation_is_effective_at_once(engine: AsyncAccord, acme) -> None:
    key = acme["keys"][2]
    await engine.for_key(key.key)
    await acme["admin"].revoke_key(key.info.key_id)
    with pytest.raises(PermissionDeniedError):
        await engine.for_key(key.key)


async def test_admin_operations_need_an_admin(acme) -> None:
    planner = acme["planner"]
    for call in (
        lambda: planner.create_agent("sneaky"),
        lambda: planner.grant(acme["planner_id"], "read_write"),
        lambda: planner.list_keys(),
        lambda: planner.issue_user_token("alice"),
        lambda: planner.create_tenant("evil"),
        lambda: planner.forget_user("alice"),
        lambda: planner.maintain(),
    ):
        with pytest.raises(PermissionDeniedError):
            await call()
    with pytest.raises(PermissionDeniedError):
        planner.for_tenant("default")


async def test_writes_outside_the_grant_are_refused_and_store_nothing(engine: AsyncAccord, acme) -> None:
    reviewer, planner = acme["reviewer"], acme["planner"]
    with pytest.raises(PermissionDeniedError, match="may not write"):
        await reviewer.add("I'm vegetarian", user_id="alice")
    assert (await acme["admin"].stats("alice")).messages == 0
    await planner.add(["I'm vegetarian", "My goal is to run a marathon in May"], user_id="alice", wait=True)
    kinds = {m.category.value for m in await acme["admin"].list_memories("alice")}
    assert kinds == {"fact", "episodic"}  # the goal is outside the planner's write grant
    (fact,) = await planner.list_memories("alice", categories=["fact"])
    with pytest.raises(PermissionDeniedError):
        await planner.update_memory(fact.id, category="goal")
    with pytest.raises(PermissionDeniedError):
        await reviewer.delete_memory(fact.id)
    assert (await planner.get_memory(fact.id)).category.value == "fact"


async def test_reads_outside_the_grant_return_nothing(engine: AsyncAccord, acme) -> None:
    admin = acme["admin"]
    narrow, key = await admin.create_agent("recommender")
    await admin.grant(narrow.id, "read_only", categories=["preference"])
    recommender = await engine.for_key(key.key)
    await acme["planner"].add(["I love Thai food", "I work at Acme"], user_id="alice", wait=True)
    ctx = await recommender.get("food and work", user_id="alice", limit=20)
    assert ctx.memories and {m.category.value for m in ctx.memories} == {"preference"}
    assert (await recommender.get("work", user_id="alice", categories=["fact"])).memories == []
    assert {m.category.value for m in await recommender.list_memories("alice")} == {"preference"}
    fact = next(m for m in await admin.list_memories("alice") if m.category.value == "fact")
    with pytest.raises(NotFoundError, match="no memory"):
        await recommender.get_memory(fact.id)
    with pytest.raises(NotFoundError, match="no memory"):
        await recommender.history(fact.id)


async def test_tenants_never_see_each_other(engine: AsyncAccord, acme) -> None:
    await engine.add("My locker code is 4711", user_id="alice", wait=True)  # default tenant
    ctx = await acme["reviewer"].get("locker code", user_id="alice")
    assert ctx.memories == []
    other = (await engine.list_memories("alice"))[0]
    with pytest.raises(NotFoundError, match="no memory"):
        await acme["admin"].get_memory(other.id)


async def test_a_user_revokes_consent_and_the_agent_reads_and_writes_nothing(engine: AsyncAccord, acme) -> None:
    admin, planner = acme["admin"], acme["planner"]
    await planner.add("I love Thai food", user_id="alice", wait=True)
    assert (await planner.get("thai food", user_id="alice")).memories  # also warms the hot tier
    queued = await planner.add("I work at Globex", user_id="alice")  # not processed yet
    token = await admin.issue_user_token("alice")
    alice = await engine.for_key(token.key)
    assert alice.principal.role == "user" and alice.principal.user_id == "alice"
    consent = await alice.set_consent(acme["planner_id"], False)
    assert consent.granted is False
    assert (await planner.get("thai food", user_id="alice")).memories == []
    assert await planner.list_memories("alice") == []
    with pytest.raises(PermissionDeniedError):
        await planner.add("I moved to Oslo", user_id="alice")
    await engine.for_tenant("acme").process_pending()  # the queued job runs after the revocation
    job = await admin.get_job(queued.job_id)
    assert job.status.value == "done" and job.created_memory_ids == []
    assert not any("Globex" in m.content for m in await admin.list_memories("alice") if m.category.value == "fact")
    # The reviewer is unaffected, and the user can give consent back, narrowed.
    assert (await acme["reviewer"].get("thai food", user_id="alice")).memories
    await alice.set_consent(acme["planner_id"], True, categories=["preference"])
    assert {m.category.value for m in await planner.list_memories("alice")} == {"preference"}
    with pytest.raises(PermissionDeniedError):
        await alice.set_consent(acme["planner_id"], True, user_id="bob")  # only their own


async def test_every_memory_and_version_records_its_writer(engine: AsyncAccord, acme) -> None:
    admin, planner = acme["admin"], acme["planner"]
    writer2, key2 = await admin.create_agent("onboarding")
    await admin.grant(writer2.id, "read_write")
    onboarding = await engine.for_key(key2.key)
    await planner.add("I love Thai food", user_id="alice", wait=True)
    await onboarding.add("I love hiking", user_id="alice", wait=True)
    everything = await admin.get("food hiking", user_id="alice", limit=20)
    assert {m.agent_id for m in everything.memories} == {acme["planner_id"], writer2.id}
    only_planner = await admin.get("food hiking", user_id="alice", limit=20, agent_ids=[acme["planner_id"]])
    assert only_planner.memories and {m.agent_id for m in only_planner.memories} == {acme["planner_id"]}
    thai = next(m for m in await admin.list_memories("alice", categories=["preference"]) if "Thai" in m.content)
    await onboarding.update_memory(thai.id, content="User loves Thai and Lao food")
    history = await admin.history(thai.id)
    assert [v.agent_id for v in history] == [acme["planner_id"], writer2.id]


async def test_export_has_everything_about_the_user(engine: AsyncAccord, acme) -> None:
    admin = acme["admin"]
    await acme["planner"].add(["I'm vegetarian", "I love Thai food"], user_id="alice", session_id="s1", wait=True)
    token = await admin.issue_user_token("alice")
    alice = await engine.for_key(token.key)
    await alice.set_consent(acme["reviewer_id"], False)
    export = await alice.export_user("alice")
    assert export.user_id == "alice" and export.tenant_id == "acme"
    assert {m["category"] for m in export.memories} >= {"fact", "preference", "episodic"}
    assert len(export.messages) == 2 and export.versions
    assert [c.agent_id for c in export.consents] == [acme["reviewer_id"]]
    assert all("embedding" not in m for m in export.memories)
    export.model_dump_json()  # serialisable as JSON
    with pytest.raises(PermissionDeniedError):
        await alice.export_user("bob")
    with pytest.raises(PermissionDeniedError):
        await acme["planner"].export_user("alice")


async def test_forget_user_erases_every_trace_and_leaves_others(engine: AsyncAccord, acme) -> None:
    admin, planner = acme["admin"], acme["planner"]
    canary = "zebracanary77"
    await planner.add([f"My code word is {canary}", "I'm vegetarian"], user_id="alice", wait=True)
    bob = await planner.add("I love rowing", user_id="bob", wait=True)
    await planner.get(canary, user_id="alice")
    token = await admin.issue_user_token("alice")
    await (await engine.for_key(token.key)).set_consent(acme["reviewer_id"], False)
    report = await admin.forget_user("alice")
    assert report.memories >= 3
    for table in ("messages", "memories", "memory_versions", "jobs", "users", "consents", "api_keys", "conflicts"):
        rows = await engine.parts.store._sql.read(lambda c, t=table: c.execute(text(f"SELECT * FROM {t}")).all())  # noqa: SLF001
        assert not any(canary in str(r) for r in rows), table
        if table == "consents":  # the user's "no" outlives their data: it holds nothing they said
            assert [(r.user_id, r.agent_id, r.granted) for r in rows] == [("alice", acme["reviewer_id"], 0)]
        else:
            assert not any("'alice'" in str(r) for r in rows), table
    assert await engine.parts.index.count("acme", "alice") == 0
    assert await engine.parts.index.count("acme", "bob") == len(bob.episodic_memory_ids) + len(bob.memories_created)
    assert (await planner.get(canary, user_id="alice")).memories == []
    with pytest.raises(PermissionDeniedError):
        await engine.for_key(token.key)  # the user's token went with them
    assert (await planner.get("rowing", user_id="bob")).memories


async def test_erasure_keeps_a_revoked_consent(engine: AsyncAccord, acme) -> None:
    """Erasing a user removes what they said, not what they refused: a blocked agent stays blocked."""
    admin, planner = acme["admin"], acme["planner"]
    await planner.add("I love Thai food", user_id="alice", wait=True)
    token = await admin.issue_user_token("alice")
    alice = await engine.for_key(token.token)
    await alice.set_consent(acme["planner_id"], False)
    await alice.set_consent(acme["reviewer_id"], True, categories=["preference"])
    await admin.forget_user("alice")
    with pytest.raises(PermissionDeniedError):
        await planner.add("I moved to Oslo", user_id="alice")
    assert await planner.list_memories("alice") == []
    assert sorted((c.agent_id, c.granted, c.categories or []) for c in await admin.list_consents("alice")) == sorted(
        [(acme["planner_id"], False, []), (acme["reviewer_id"], True, ["preference"])]
    )
    await acme["admin"].add("I love hiking and rowing", user_id="alice", wait=True)
    assert {m.category.value for m in await acme["reviewer"].list_memories("alice")} <= {"preference"}


def test_the_sync_api_has_the_passport(tmp_path: Path) -> None:
    from accord import Accord

    with Accord(AccordSettings(data_dir=tmp_path, embedder="none")) as owner:
        owner.create_tenant("acme")
        _, admin_key = owner.for_tenant("acme").create_agent("admin", role="admin")
        admin = owner.for_key(admin_key.key)
        agent, key = admin.create_agent("planner")
        admin.grant(agent.id, "read_write", categories=["preference", "episodic"])
        planner = owner.for_key(key.key)
        assert planner.principal.agent_id == agent.id
        planner.add("I love Thai food", user_id="alice", wait=True)
        # One wording of it, by this agent: the turn and the fact drawn from it say the same thing.
        shown = planner.get("thai", user_id="alice", agent_ids=[agent.id]).memories
        assert len(shown) == 1 and shown[0].agent_id == agent.id
        assert shown[0].content in ("User loves Thai food", "I love Thai food")
        token = admin.issue_user_token("alice")
        owner.for_key(token.key).set_consent(agent.id, False)
        assert planner.get("thai", user_id="alice").memories == []
        planner.close()  # a view: closing it leaves the engine open
        assert admin.list_consents("alice")[0].granted is False
        with pytest.raises(NotFoundError, match="no tenant"):
            owner.for_tenant("nope").create_agent("x")


async def test_erased_text_is_in_no_file_of_the_data_dir(tmp_path: Path) -> None:
    """Not in the SQLite database, not in its WAL, not in the index files, while the engine still runs."""
    canary = "quokkacanary93"
    async with AsyncAccord(AccordSettings(data_dir=tmp_path, embedder="none")) as engine:
        for i in range(30):
            await engine.add(f"My code word number {i} is {canary}{i}", user_id="alice", wait=True)
        await engine.add("I love rowing on the lake", user_id="bob", wait=True)
        await engine.forget_user("alice")
        holding = [
            str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file() and canary.encode() in p.read_bytes()
        ]
        assert holding == []
        assert (await engine.get("rowing", user_id="bob")).memories
        report = await engine.check()  # no point, row or version of alice's is left anywhere
        assert report.ok, report.findings

"""Conflicts end to end: conversations through add() to the stored state and to what get() returns."""

from __future__ import annotations

import pytest
from accord import AsyncAccord, ChangeType, ManualClock, MemoryStatus
from accord.errors import ConflictError, InvalidInputError


async def say(engine: AsyncAccord, user: str, *turns: str, session: str | None = None) -> None:
    for text in turns:
        result = await engine.add(text, user_id=user, session_id=session, wait=True)
        assert result.status == "done", result


async def durable(engine: AsyncAccord, user: str, *, archived: bool = False) -> list:
    return [m for m in await engine.list_memories(user, include_archived=archived) if m.category.value != "episodic"]


PAIRS = [
    ("I'm vegetarian", "I eat chicken now", "diet", "vegetarian", "chicken"),
    ("I'm vegetarian", "I'm not vegetarian any more", "diet", "is vegetarian", "not vegetarian"),
    ("I work at Acme", "I left Acme and joined Northstar", "employer", "Acme", "Northstar"),
    ("I prefer JavaScript examples", "I now prefer Python examples", "preference:examples", "JavaScript", "Python"),
]


@pytest.mark.parametrize(("first", "second", "key", "old_word", "new_word"), PAIRS, ids=[p[2] + ":" + p[4] for p in PAIRS])
async def test_a_newer_fact_supersedes_the_older_one(
    memory: AsyncAccord, first: str, second: str, key: str, old_word: str, new_word: str
) -> None:
    await say(memory, "alice", first)
    await say(memory, "alice", second)
    active = [m for m in await durable(memory, "alice") if m.attribute_key == key]
    assert len(active) == 1 and new_word in active[0].content
    everything = [m for m in await durable(memory, "alice", archived=True) if m.attribute_key == key]
    old = next(m for m in everything if m.status is MemoryStatus.ARCHIVED)
    assert old_word in old.content and old.archived_at is not None and old.valid_to is not None
    assert active[0].previous_version_id == old.id and active[0].lineage_id == old.lineage_id
    # get() shows only the current fact, in every format.
    query = {"diet": "what do I eat, am I vegetarian?", "employer": "where do I work, Acme or Northstar?", "preference:examples": "which language for code examples, JavaScript or Python?"}[key]
    ctx = await memory.get(query, user_id="alice")
    # The current value is shown: as its fact, or as the turn it was drawn from when that turn says
    # more than the fact (then the fact, which it repeats, gives way to it).
    own_turn = [
        m for m in ctx.memories
        if m.category.value == "episodic" and m.source.message_id == active[0].source.message_id
    ]
    assert active[0].id in {m.id for m in ctx.memories} or (own_turn and new_word in own_turn[0].content)
    assert all(m.rendered for m in ctx.memories if m.id == active[0].id or m in own_turn)
    assert old.id not in {m.id for m in ctx.memories}
    # history() shows the whole chain, from either end.
    for memory_id in (active[0].id, old.id):
        chain = await memory.history(memory_id)
        assert [v.change_type for v in chain] == [ChangeType.CREATED, ChangeType.CONFLICT_UPDATE]
        assert chain[1].previous_content == old.content and chain[1].content == active[0].content
        assert [v.version for v in chain] == [1, 2] and all(v.agent_id == "local" for v in chain)


async def test_a_duplicate_or_weaker_restatement_is_rejected_and_reinforces(memory: AsyncAccord) -> None:
    await say(memory, "alice", "I'm vegetarian")
    (veg,) = await durable(memory, "alice")
    await say(memory, "alice", "I am vegetarian.", "Actually I'm vegetarian")
    (still,) = await durable(memory, "alice")
    assert still.id == veg.id and still.importance_score > veg.importance_score
    assert [v.change_type for v in await memory.history(veg.id)][-1] is ChangeType.IMPORTANCE_BOOST
    await say(memory, "alice", "I want to run a marathon in October", "I want to run a marathon")
    goals = [m for m in await durable(memory, "alice") if m.category.value == "goal"]
    assert [g.content for g in goals] == ["User wants to run a marathon in October"]


async def test_compatible_partial_memories_merge_and_the_parts_are_archived(memory: AsyncAccord) -> None:
    await say(memory, "alice", "I want to run a marathon")
    await say(memory, "alice", "I want to run a marathon in October")
    (goal,) = [m for m in await durable(memory, "alice") if m.category.value == "goal"]
    assert goal.content == "User wants to run a marathon in October"
    archived = [m for m in await durable(memory, "alice", archived=True) if m.status is MemoryStatus.ARCHIVED]
    assert len(archived) == 2 and all(m.category.value == "goal" for m in archived)
    assert set(goal.metadata["merged_from"]) == {m.id for m in archived}
    assert [v.change_type for v in await memory.history(goal.id)] == [ChangeType.CREATED, ChangeType.MERGED]
    await say(memory, "bob", "My sister is Maya", "My sister Maya is a nurse")
    (sister,) = [m for m in await durable(memory, "bob") if m.category.value == "relationship"]
    assert "Maya" in sister.content and "nurse" in sister.content


async def test_keep_both_when_the_contexts_differ(memory: AsyncAccord) -> None:
    await say(memory, "alice", "I live in Berlin")
    await say(memory, "alice", "I live in Hamburg on weekends")
    cities = {m.attribute_key: m for m in await durable(memory, "alice") if (m.attribute_key or "").startswith("city")}
    assert set(cities) == {"city", "city@on weekends"}
    ctx = await memory.get("where do I live?", user_id="alice")
    assert "Berlin" in ctx.system_prompt_addition and "Hamburg on weekends" in ctx.system_prompt_addition


async def test_an_uncertain_contradiction_becomes_a_question_and_resolve_settles_it(memory: AsyncAccord) -> None:
    await say(memory, "alice", "I live in Berlin")
    await say(memory, "alice", "I think I live in Porto")
    (city,) = [m for m in await durable(memory, "alice") if m.attribute_key == "city"]
    assert "Berlin" in city.content  # the pending claim is not believed yet
    ctx = await memory.get("where do I live?", user_id="alice")
    question = ctx.clarification_question
    assert question is not None and "Berlin" in question.question and "Porto" in question.question
    assert "Porto" not in "".join(m.content for m in ctx.memories if m.category.value != "episodic")
    (open_,) = await memory.list_conflicts(kind="clarification")
    assert open_.id == question.id and open_.user_id == "alice"
    settled = await memory.resolve(question.id, "Porto, I moved")
    assert settled.status == "resolved" and settled.resolution == "candidate"
    (city,) = [m for m in await durable(memory, "alice") if m.attribute_key == "city"]
    assert "Porto" in city.content
    assert (await memory.get("where do I live?", user_id="alice")).clarification_question is None
    assert [v.change_type for v in await memory.history(city.id)] == [ChangeType.CREATED, ChangeType.CONFLICT_UPDATE]


async def test_a_question_answered_for_the_stored_fact_drops_the_new_claim(memory: AsyncAccord) -> None:
    await say(memory, "alice", "I live in Berlin")
    await say(memory, "alice", "I think I live in Porto")
    question = (await memory.get("where do I live?", user_id="alice")).clarification_question
    with pytest.raises(InvalidInputError, match="say which is right"):
        await memory.resolve(question.id, "hmm, not sure")
    await memory.resolve(question.id, 1)
    (city,) = [m for m in await durable(memory, "alice") if m.attribute_key == "city"]
    assert "Berlin" in city.content
    with pytest.raises(ConflictError, match="already resolved"):
        await memory.resolve(question.id, 2)


async def test_manual_edit_archive_and_restore_are_versioned(memory: AsyncAccord) -> None:
    await say(memory, "alice", "I love Thai food")
    (m,) = await durable(memory, "alice")
    edited = await memory.update_memory(m.id, content="User loves Thai and Lao food", importance=0.9)
    assert edited.content == "User loves Thai and Lao food" and edited.importance_score == 0.9
    assert "Lao" in (await memory.get("lao food", user_id="alice")).system_prompt_addition
    archived = await memory.archive_memory(m.id)
    assert archived.status is MemoryStatus.ARCHIVED
    assert "Lao" not in (await memory.get("lao food", user_id="alice")).system_prompt_addition.split("From past")[0]
    restored = await memory.restore_memory(m.id)
    assert restored.status is MemoryStatus.ACTIVE
    chain = await memory.history(m.id)
    assert [v.change_type for v in chain] == [ChangeType.CREATED, ChangeType.MANUAL_EDIT, ChangeType.ARCHIVED, ChangeType.RESTORED]
    assert chain[1].previous_content == "User loves Thai food" and chain[1].content == "User loves Thai and Lao food"
    assert all(v.created_at is not None and v.agent_id == "local" for v in chain)


async def test_restore_is_refused_when_another_memory_holds_the_attribute(memory: AsyncAccord) -> None:
    await say(memory, "alice", "I work at Acme")
    await say(memory, "alice", "I left Acme and joined Northstar")
    old = next(m for m in await durable(memory, "alice", archived=True) if m.status is MemoryStatus.ARCHIVED)
    with pytest.raises(ConflictError, match="cannot be restored"):
        await memory.restore_memory(old.id)


async def test_as_of_answers_what_was_believed_then(make_settings) -> None:
    clock = ManualClock()
    async with AsyncAccord(make_settings(), clock=clock) as engine:
        await say(engine, "alice", "I work at Acme")
        before_change = clock.advance(days=30)
        clock.advance(days=1)
        await say(engine, "alice", "I left Acme and joined Northstar")
        clock.advance(days=1)
        now_ctx = await engine.get("where do I work?", user_id="alice")
        then_ctx = await engine.get("where do I work?", user_id="alice", as_of=before_change)
        now_text = " ".join(m.content for m in now_ctx.memories if m.category.value == "fact")
        then_text = " ".join(m.content for m in then_ctx.memories if m.category.value == "fact")
        # Now: no current fact says Acme; Northstar is said by its fact, or by the turn it was drawn
        # from ("I left Acme and joined Northstar"), which says all the fact says and more.
        said_now = " ".join(m.content for m in now_ctx.memories if m.rendered)
        assert "Northstar" in said_now and "Acme" not in now_text
        assert "Acme" in then_text and "Northstar" not in then_text


async def test_retrieval_boosts_and_maintenance_decays_archives_and_expires(make_settings) -> None:
    clock = ManualClock()
    settings = make_settings(
        half_life_days={"preference": 10.0, "fact": 1000.0}, archive_below_importance=0.2, stale_after_days=30, episodic_ttl_days=60
    )
    async with AsyncAccord(settings, clock=clock) as engine:
        await say(engine, "alice", "I love Thai food", "I'm vegetarian")
        thai = next(m for m in await durable(engine, "alice") if "Thai" in m.content)
        await engine.get("thai food", user_id="alice")
        await engine._reader.flush_access()  # noqa: SLF001 - normally once a second
        boosted = await engine.get_memory(thai.id)
        assert boosted.importance_score > thai.importance_score and boosted.access_count == 1
        assert boosted.original_importance_score == thai.original_importance_score
        clock.advance(days=20)
        report = await engine.maintain()
        # both durable memories decay (the fact too, by its long half-life); raw turns do not
        assert report.decayed == 2 and report.archived_stale == 0
        decayed = await engine.get_memory(thai.id)
        assert decayed.importance_score == pytest.approx(boosted.importance_score / 4, rel=1e-3)
        clock.advance(days=50)
        report = await engine.maintain()
        assert report.archived_stale == 1 and report.expired_episodic == 2
        assert (await engine.get_memory(thai.id)).status is MemoryStatus.ARCHIVED
        veg = next(m for m in await durable(engine, "alice") if "vegetarian" in m.content)
        assert veg.status is MemoryStatus.ACTIVE  # a slow-decaying fact survives
        kinds = [v.change_type for v in await engine.history(thai.id)]
        # The read raised the live importance but is no version: history records changes, not reads.
        assert kinds == [ChangeType.CREATED, ChangeType.IMPORTANCE_DECAY, ChangeType.IMPORTANCE_DECAY, ChangeType.ARCHIVED]
        assert "Thai" not in (await engine.get("thai food", user_id="alice")).system_prompt_addition


async def test_maintenance_can_run_on_a_schedule_in_process(make_settings, monkeypatch) -> None:
    import asyncio

    clock = ManualClock()
    settings = make_settings(maintenance_interval_seconds=0.05, episodic_ttl_days=1)
    async with AsyncAccord(settings, clock=clock) as engine:
        await say(engine, "alice", "I love Thai food")
        clock.advance(days=2)
        # Told when the scheduled run has happened, rather than polled against a deadline.
        reports: asyncio.Queue = asyncio.Queue()
        maintain = engine.maintain

        async def maintain_and_tell():  # type: ignore[no-untyped-def]
            report = await maintain()
            reports.put_nowait(report)
            return report

        monkeypatch.setattr(engine, "maintain", maintain_and_tell)
        async with asyncio.timeout(120):  # guards against a hang only; a run comes every 0.05 s
            await reports.get()
        assert await engine.list_memories("alice", categories=["episodic"]) == []


def test_the_sync_api_has_the_lifecycle_methods(tmp_path) -> None:
    from accord import Accord, AccordSettings

    with Accord(AccordSettings(data_dir=tmp_path, embedder="none")) as memory:
        memory.add("I live in Berlin", user_id="alice", wait=True)
        memory.add("I think I live in Porto", user_id="alice", wait=True)
        question = memory.get("where do I live?", user_id="alice").clarification_question
        assert question is not None and memory.list_conflicts()[0].id == question.id
        assert memory.resolve(question.id, "Berlin").resolution == "existing"
        (city,) = [m for m in memory.list_memories("alice") if m.attribute_key == "city"]
        assert [v.change_type for v in memory.history(city.id)] == [ChangeType.CREATED]
        assert memory.update_memory(city.id, importance=0.5).importance_score == 0.5
        assert memory.archive_memory(city.id).status is MemoryStatus.ARCHIVED
        assert memory.restore_memory(city.id).status is MemoryStatus.ACTIVE
        assert memory.maintain().archived_stale == 0


async def test_two_exam_dates_become_a_question_for_the_user(memory: AsyncAccord) -> None:
    await say(memory, "alice", "My exam is on May 12")
    await say(memory, "alice", "My exam is on May 19")
    ctx = await memory.get("when is my exam?", user_id="alice")
    question = ctx.clarification_question
    assert question is not None and "May 12" in question.question and "May 19" in question.question
    assert [o.content for o in question.options] == ["User's exam is on May 12", "User's exam is on May 19"]
    (exam,) = [m for m in await durable(memory, "alice") if m.attribute_key == "date:exam"]
    assert "May 12" in exam.content  # nothing contradictory is believed while the question is open
    await memory.resolve(question.id, "it's the 19th of May, they moved it")
    (exam,) = [m for m in await durable(memory, "alice") if m.attribute_key == "date:exam"]
    assert "May 19" in exam.content
    # A change announced as a change is applied without asking.
    await say(memory, "alice", "My exam was rescheduled to May 26")
    (exam,) = [m for m in await durable(memory, "alice") if m.attribute_key == "date:exam"]
    assert "May 26" in exam.content and (await memory.get("exam", user_id="alice")).clarification_question is None
    assert [v.change_type for v in await memory.history(exam.id)] == [ChangeType.CREATED, ChangeType.CONFLICT_UPDATE, ChangeType.CONFLICT_UPDATE]


@pytest.mark.parametrize("order", ["past_first", "current_first"])
async def test_keep_both_for_a_past_period_with_its_validity_interval(memory: AsyncAccord, order: str) -> None:
    import datetime as dt

    turns = ["I lived in Paris from 2015 to 2018", "I live in Berlin"]
    await say(memory, "alice", *(turns if order == "past_first" else reversed(turns)))
    cities = {m.attribute_key: m for m in await durable(memory, "alice")}
    assert set(cities) == {"city", "city@until 2019-01-01"}
    past = cities["city@until 2019-01-01"]
    assert past.valid_from == dt.datetime(2015, 1, 1, tzinfo=dt.UTC) and past.valid_to == dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    assert cities["city"].valid_to is None and "Berlin" in cities["city"].content
    then = await memory.get("where did I live?", user_id="alice", as_of=dt.datetime(2016, 6, 1, tzinfo=dt.UTC))
    assert then.memories == []  # recorded only now: in 2016 nothing was believed yet


async def test_cross_user_recency_weights_the_older_shared_claim_down(memory: AsyncAccord) -> None:
    await say(memory, "alice", "Our VPN server is vpn1.acme.com")
    await say(memory, "bob", "Our VPN server is vpn2.acme.com")
    ctx = await memory.get("what is the VPN server?", user_id="carol")  # shared facts reach every user
    shared = [m for m in ctx.memories if m.scope.value == "tenant"]
    assert [m.content for m in shared][:2] == ["The VPN server is vpn2.acme.com", "The VPN server is vpn1.acme.com"]
    old, new = shared[1], shared[0]
    assert old.importance_score == pytest.approx(new.importance_score / 2)  # weighted down, not deleted
    assert old.status is MemoryStatus.ACTIVE and old.metadata["stated_by"] == "alice"
    assert [v.change_type for v in await memory.history(old.id)] == [ChangeType.CREATED, ChangeType.IMPORTANCE_DECAY]


async def test_cross_user_confidence_weights_the_weaker_claim_down_even_if_newer(memory: AsyncAccord) -> None:
    await say(memory, "alice", "Our VPN server is vpn1.acme.com")
    await say(memory, "bob", "I think our VPN server is vpn2.acme.com")
    ctx = await memory.get("what is the VPN server?", user_id="carol")
    shared = [m for m in ctx.memories if m.scope.value == "tenant"]
    assert "vpn1" in shared[0].content and "vpn2" in shared[1].content
    assert shared[1].importance_score < shared[0].importance_score and shared[1].confidence < shared[0].confidence


async def test_tenant_review_queue_for_shared_truth(make_settings) -> None:
    async with AsyncAccord(make_settings(shared_fact_policy="review")) as engine:
        await say(engine, "alice", "Our VPN server is vpn1.acme.com")
        await say(engine, "bob", "Our VPN server is vpn2.acme.com")
        (item,) = await engine.list_conflicts(kind="review")
        assert item.status == "open" and [o.content for o in item.options] == [
            "The VPN server is vpn1.acme.com",
            "The VPN server is vpn2.acme.com",
        ]
        ctx = await engine.get("VPN server", user_id="carol")
        assert [m.content for m in ctx.memories if m.scope.value == "tenant"] == ["The VPN server is vpn1.acme.com"]
        assert ctx.clarification_question is None  # review items are for admins, not users
        done = await engine.resolve(item.id, "accept_new")
        assert done.status == "resolved" and done.resolution == "candidate"
        ctx = await engine.get("VPN server", user_id="carol")
        assert [m.content for m in ctx.memories if m.scope.value == "tenant"] == ["The VPN server is vpn2.acme.com"]
        assert await engine.list_conflicts(kind="review") == []
        assert len(await engine.list_conflicts(status="resolved")) == 1

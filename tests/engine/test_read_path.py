"""The read path end to end: search, filters, formats, budget, hot tier and degraded modes."""

from __future__ import annotations

import json

from accord import AsyncAccord, ManualClock

CONVERSATION = [
    {"role": "user", "content": "I'm vegetarian and I love Thai food."},
    {"role": "user", "content": "I work at Acme as a data engineer."},
    {"role": "user", "content": "My goal is to run a marathon in October."},
    {"role": "assistant", "content": "Great goal! Do you have a training plan?"},
    {"role": "user", "content": "Not yet, I usually run on Sunday mornings."},
]


async def test_get_returns_relevant_memories_with_scores_and_provenance(memory: AsyncAccord) -> None:
    await memory.add(CONVERSATION, user_id="alice", session_id="s1", wait=True)
    ctx = await memory.get("what should I cook for dinner?", user_id="alice")
    assert ctx.memories, ctx
    top = ctx.memories[0]
    assert "vegetarian" in top.content.lower() or "thai" in top.content.lower()
    for m in ctx.memories:
        assert m.relevance_score is not None and 0 <= m.relevance_score <= 1
        assert m.created_at.tzinfo is not None and m.source.kind.value in ("extracted", "episodic")
    assert ctx.clarification_question is None
    assert ctx.mode.search == "lexical" and ctx.mode.embedder == "none"
    assert any("lexical" in n for n in ctx.mode.notes)  # says that no dense model served it


async def test_categories_filter_and_formats(memory: AsyncAccord) -> None:
    await memory.add(CONVERSATION, user_id="alice", session_id="s1", wait=True)
    goals = await memory.get("marathon training", user_id="alice", categories=["goal"])
    assert goals.memories and {m.category.value for m in goals.memories} == {"goal"}
    as_json = await memory.get("marathon", user_id="alice", format="json")
    data = json.loads(as_json.system_prompt_addition)
    assert [i["id"] for i in data["user_memories"]] == [m.id for m in as_json.memories]
    as_xml = await memory.get("marathon", user_id="alice", format="xml")
    assert as_xml.system_prompt_addition.startswith("<user_memories>")
    bullets = await memory.get("marathon", user_id="alice")
    assert bullets.system_prompt_addition.startswith("What you know about this user:")
    assert "Goals:" in bullets.system_prompt_addition


async def test_context_respects_the_token_budget(memory: AsyncAccord) -> None:
    await memory.add([f"I visited the museum of {w} art" for w in "modern ancient naive folk pop op street digital".split()], user_id="alice", wait=True)
    for budget in (10, 25, 60):
        ctx = await memory.get("which art museums did I visit?", user_id="alice", limit=50, context_max_tokens=budget)
        assert ctx.context_token_count <= budget
    roomy = await memory.get("which art museums did I visit?", user_id="alice", limit=50, context_max_tokens=2000)
    tight = await memory.get("which art museums did I visit?", user_id="alice", limit=50, context_max_tokens=60)
    # The budget decides what is rendered, not what is returned; each memory says which it was.
    assert [m.id for m in roomy.memories] == [m.id for m in tight.memories]
    rendered = [m for m in tight.memories if m.rendered]
    assert 0 < len(rendered) < sum(1 for m in roomy.memories if m.rendered) == len(roomy.memories)
    assert all(m.rendered is False for m in tight.memories if m not in rendered)
    assert all(m.content in tight.system_prompt_addition or m.category.value == "episodic" for m in rendered)


async def test_users_never_see_each_other(memory: AsyncAccord) -> None:
    await memory.add("My locker code is 4711", user_id="alice", wait=True)
    await memory.add("I like rowing", user_id="bob", wait=True)
    ctx = await memory.get("locker code", user_id="bob")
    assert all(m.user_id == "bob" for m in ctx.memories) and "4711" not in ctx.system_prompt_addition


async def test_time_filter_uses_record_time(make_settings) -> None:
    clock = ManualClock()
    async with AsyncAccord(make_settings(), clock=clock) as engine:
        await engine.add("I bought a red bicycle", user_id="alice", wait=True)
        clock.advance(days=10)
        await engine.add("I bought a blue bicycle", user_id="alice", wait=True)
        recent = await engine.get("which bicycle did I buy?", user_id="alice", time_filter_days=5)
        assert recent.memories and all("blue" in m.content for m in recent.memories)
        everything = await engine.get("which bicycle did I buy?", user_id="alice")
        assert any("red" in m.content for m in everything.memories)


async def test_repeated_reads_are_served_from_the_hot_tier_and_access_is_counted(memory: AsyncAccord) -> None:
    await memory.add("I love Thai food", user_id="alice", wait=True)
    first = await memory.get("thai food", user_id="alice")
    second = await memory.get("thai food", user_id="alice")
    assert first.memories and second.memories_from_hot_tier == len(second.memories)
    await memory._reader.flush_access()  # noqa: SLF001 - the batch normally runs every second
    stored = await memory.get_memory(first.memories[0].id)
    assert stored.access_count == 2 and stored.last_accessed_at is not None


async def test_index_failure_falls_back_to_sql_keyword_search_and_says_so(memory: AsyncAccord) -> None:
    await memory.add("I keep bees on my balcony", user_id="alice", wait=True)
    await memory.parts.index.close()  # the index is gone; SQL still has everything
    ctx = await memory.get("bees balcony", user_id="alice")
    assert ctx.memories and "bees" in ctx.system_prompt_addition
    assert ctx.mode.search == "sql_keyword" and ctx.mode.degraded
    memory.parts.index = None  # so close() does not close it twice


async def test_redis_hot_tier_and_fallback_when_redis_is_down(
    make_settings, redis_url: str, redis_prefix: str, tmp_path
) -> None:
    async with AsyncAccord(make_settings(redis_url=redis_url, redis_prefix=redis_prefix)) as engine:
        await engine.add("I love Thai food", user_id="alice", wait=True)
        await engine.get("thai food", user_id="alice")
        warm = await engine.get("thai food", user_id="alice")
        # the second read is served whole from Redis
        assert warm.mode.hot_tier == "redis" and warm.memories and warm.memories_from_hot_tier == len(warm.memories)
    async with AsyncAccord(make_settings(redis_url="redis://127.0.0.1:1/0", data_dir=tmp_path / "other")) as engine:
        await engine.add("I love Thai food", user_id="alice", wait=True)
        ctx = await engine.get("thai food", user_id="alice")
        assert ctx.memories and ctx.mode.hot_tier == "memory" and ctx.mode.degraded


async def test_reindex_rebuilds_the_index_from_sql(memory: AsyncAccord) -> None:
    await memory.add(CONVERSATION, user_id="alice", wait=True)
    before = await memory.stats()
    await memory.parts.index.clear()
    # An empty index matches nothing: what still comes back is the profile, read from SQL, unmatched.
    cleared = await memory.get("sunday mornings", user_id="alice")
    assert all(m.relevance_score == 0.0 for m in cleared.memories)
    assert await memory.reindex() == before.active_memories
    rebuilt = await memory.get("sunday mornings", user_id="alice")
    assert any("Sunday" in m.content and (m.relevance_score or 0) > 0 for m in rebuilt.memories)
    assert (await memory.stats()).index_points == before.index_points


async def test_core_profile_facts_reach_the_context_without_shared_words(memory: AsyncAccord) -> None:
    await memory.add(["I'm vegetarian", "I bought a red bicycle yesterday"], user_id="alice", wait=True)
    ctx = await memory.get("what should I cook for dinner?", user_id="alice")
    # Neither shares a word with the query; both are profile candidates, the more important first.
    assert [m.content for m in ctx.memories][:1] == ["User is vegetarian"]
    assert all(m.relevance_score == 0.0 for m in ctx.memories)
    assert ctx.memories[0].importance_score > ctx.memories[-1].importance_score


async def test_settings_without_index_use_sql_keyword_search(make_settings) -> None:
    async with AsyncAccord(make_settings(index="none")) as engine:
        await engine.add("I keep bees on my balcony", user_id="alice", wait=True)
        ctx = await engine.get("bees", user_id="alice")
        assert ctx.memories and ctx.mode.search == "sql_keyword" and ctx.mode.index == "none"


async def test_dense_search_with_a_real_model(make_settings, model2vec_dir) -> None:
    async with AsyncAccord(make_settings(embedder=f"model2vec:{model2vec_dir}")) as engine:
        await engine.add(["I adore sushi and ramen", "My car is a Volvo"], user_id="alice", wait=True)
        ctx = await engine.get("Japanese cuisine", user_id="alice")  # no shared word: dense finds it
        assert ctx.mode.search == "hybrid" and ctx.mode.embedder.startswith("model2vec")
        # No word is shared, so only the dense side can have found it (this static model ranks it
        # below the car, but it is a candidate and rendered).
        assert any("sushi" in m.content and m.rendered for m in ctx.memories)


"""Retrieval techniques, each proven on a small hand-made conversation through the public API.

Every test ranks the same memories twice, with the technique on (the defaults) and off, and
checks that the turn that answers the question comes first only with it on. Other techniques
are switched off in both runs where they would hide the effect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from accord import AccordSettings, AsyncAccord

Turn = tuple[str, str]  # (speaker, text)
Session = tuple[dt.datetime, Sequence[Turn]]
DAY = dt.datetime(2023, 5, 8, 14, 0, tzinfo=dt.UTC)


async def ranked(
    make_settings: Callable[..., AccordSettings],
    run: str,
    sessions: Sequence[Session],
    query: str,
    **overrides: Any,
) -> list[str]:
    """The texts ``get`` returns for ``query``, best first, on a fresh lexical store."""
    settings = make_settings(data_dir=make_settings().data_dir.parent / run, profile_memories=0, **overrides)
    async with AsyncAccord(settings) as memory:
        for n, (when, turns) in enumerate(sessions):
            messages = [{"role": "user", "name": who, "content": text, "created_at": when} for who, text in turns]
            await memory.add(messages, user_id="ann", session_id=f"s{n}", wait=True)
        ctx = await memory.get(query, user_id="ann", limit=20, format="json", context_max_tokens=32_000)
    return [m.content for m in ctx.memories if m.category.value == "episodic"]


async def test_turns_of_the_speaker_the_query_names_come_first(make_settings: Callable[..., AccordSettings]) -> None:
    sessions = [
        (DAY, [
            ("Ann", "I painted the old harbour at sunset."),
            ("Bob", "Ann, your painting is amazing! Ann, you paint so well, I wish I could paint like Ann."),
        ]),
    ]  # fmt: skip
    query = "What did Ann paint?"
    evidence = "I painted the old harbour at sunset."
    off = await ranked(make_settings, "off", sessions, query, speaker_boost=0.0, expansion_terms=0)
    on = await ranked(make_settings, "on", sessions, query, expansion_terms=0)
    assert off[0] != evidence and on[0] == evidence


async def test_a_reply_echoing_a_turn_no_longer_outranks_it(make_settings: Callable[..., AccordSettings]) -> None:
    sessions = [
        (DAY, [
            ("Bob", "How was your weekend?"),
            ("Ann", "We adopted a rescue puppy from the shelter, we named him Rex."),
            ("Bob", "Rex is the perfect name! Such a lucky puppy."),
            ("Ann", "Yes, we love him."),
        ]),
    ]  # fmt: skip
    query = "What name did they give the rescue puppy?"
    evidence = "We adopted a rescue puppy from the shelter, we named him Rex."
    quiet = {"speaker_boost": 0.0, "session_boost": 0.0, "expansion_terms": 0, "reranker": "none"}  # the first stage alone
    echo = await ranked(make_settings, "echo", sessions, query, index_previous_turn_weight=1.0, **quiet)
    weighted = await ranked(make_settings, "weighted", sessions, query, **quiet)
    assert echo[0] != evidence and weighted[0] == evidence


async def test_query_expansion_finds_turns_in_other_words(make_settings: Callable[..., AccordSettings]) -> None:
    thoughts = "pizza downtown is great|it will rain all weekend|my bike needs brakes|tea beats coffee|the bus is late|" \
        "jazz is relaxing|the gym is crowded|my plants need water|the movie was long|chess is hard"
    sessions = [
        (DAY, [("Ann", "I started violin lessons with a teacher called Clara, she trained in Vienna.")]),
        *((DAY + dt.timedelta(days=i + 1), [("Ann", f"I think {t}.")]) for i, t in enumerate(thoughts.split("|"))),
        (DAY + dt.timedelta(days=30), [("Ann", "Clara from Vienna is so patient, I think she is wonderful.")]),
    ]  # expansion needs enough candidates to tell distinctive terms (Clara, Vienna) from common ones
    query = "What does Ann think about her violin teacher?"
    evidence = "Clara from Vienna is so patient, I think she is wonderful."
    quiet = {"speaker_boost": 0.0, "session_boost": 0.0, "index_date_weight": 0.0}
    plain = await ranked(make_settings, "plain", sessions, query, expansion_terms=0, **quiet)
    expanded = await ranked(make_settings, "expanded", sessions, query, **quiet)
    assert plain.index(evidence) > 1 and expanded.index(evidence) == 1  # right after the violin turn


async def test_a_date_in_the_query_matches_the_day_a_turn_was_said(make_settings: Callable[..., AccordSettings]) -> None:
    sessions = [
        (DAY - dt.timedelta(days=30), [("Ann", "I went to a jazz concert downtown.")]),
        (DAY, [("Ann", "I went hiking in the hills with my sister.")]),
        (DAY + dt.timedelta(days=30), [("Ann", "I went to the museum of modern art.")]),
    ]
    query = "Where did Ann go on 8 May 2023?"
    evidence = "I went hiking in the hills with my sister."
    undated = await ranked(make_settings, "undated", sessions, query, index_date_weight=0.0, reranker="none")
    dated = await ranked(make_settings, "dated", sessions, query, reranker="none")
    assert undated[0] != evidence and dated[0] == evidence
    # The built-in reranker reads the query's date range itself, so it finds the day without the index's help.
    reranked = await ranked(make_settings, "reranked", sessions, query, index_date_weight=0.0)
    assert reranked[0] == evidence


async def test_a_failing_expanded_search_keeps_the_first_pass(make_settings: Callable[..., AccordSettings]) -> None:
    from accord import StorageError
    from accord.ports import IndexQuery

    async with AsyncAccord(make_settings()) as memory:
        await memory.add([f"I play the violin with friend number {i}" for i in range(12)], user_id="ann", wait=True)
        index = memory.parts.index
        assert index is not None
        search = index.search
        seen: list[IndexQuery] = []

        async def failing_second_search(query: IndexQuery) -> Any:
            seen.append(query)
            if query.extra_terms:
                raise StorageError("the index went away")
            return await search(query)

        index.search = failing_second_search  # type: ignore[method-assign]
        ctx = await memory.get("violin", user_id="ann")
    assert any(q.extra_terms for q in seen)  # the expansion was tried
    assert ctx.memories and "violin" in ctx.memories[0].content and ctx.mode.search == "lexical"


async def test_the_first_k_memories_do_not_depend_on_limit(
    make_settings: Callable[..., AccordSettings],
) -> None:
    async with AsyncAccord(make_settings(access_boost=0.0)) as memory:  # reading changes nothing
        await memory.add(["I'm vegetarian", "I work at Acme as a data engineer"], user_id="ann", wait=True)
        await memory.add([f"I cooked a vegetable curry with rice, batch {i}" for i in range(30)], user_id="ann", wait=True)
        for q in ["what curry did I cook?", "what should I cook for dinner?", "any plans for the weekend?"]:
            by_limit = {k: [m.id for m in (await memory.get(q, user_id="ann", limit=k)).memories] for k in (1, 3, 10, 25)}
            if "curry" in q:
                assert len(by_limit[25]) == 25, q  # limit is how many come back, when that many match
            for k, ids in by_limit.items():
                assert ids == by_limit[25][:k], (q, k)

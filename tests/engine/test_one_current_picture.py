"""The prompt shows one current picture: a superseded value's raw turn is not rendered beside the new
fact, a turn the facts already say is not rendered twice, and no two active memories contradict on
one attribute, whatever the history."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord import AccordSettings, AsyncAccord, Accord


async def test_the_old_employers_turn_is_not_rendered_beside_the_new_fact(sql_url: str, tmp_path: Path) -> None:
    cfg = AccordSettings(data_dir=tmp_path / "d", embedder="none", database_url=sql_url)
    async with AsyncAccord(cfg) as memory:
        await memory.add("I work at Initech", user_id="alice", wait=True)
        await memory.add("I left Initech and joined Umbrella Corp", user_id="alice", wait=True)
        ctx = await memory.get("where do I work?", user_id="alice")
        text = ctx.system_prompt_addition
        assert "Umbrella" in text
        # The old turn is what was said then, never shown as current.
        assert not any(line.endswith("user: I work at Initech") and "since changed" not in line for line in text.splitlines())
        active = [m for m in await memory.list_memories("alice") if m.attribute_key == "employer"]
        assert len(active) == 1 and "Umbrella" in active[0].content


async def test_a_turn_is_not_rendered_twice_when_its_fact_is_shown(tmp_path: Path) -> None:
    async with AsyncAccord(AccordSettings(data_dir=tmp_path / "d", embedder="none")) as memory:
        await memory.add("I'm allergic to peanuts", user_id="alice", wait=True)
        ctx = await memory.get("am I allergic to anything?", user_id="alice")
        shown = [m.content for m in ctx.memories]
        # One of the two wordings, whichever ranks higher; never both.
        assert len({"User is allergic to peanuts", "I'm allergic to peanuts"} & set(shown)) == 1


CITIES = ["Denver", "Austin", "Lisbon", "Oslo"]
EMPLOYERS = ["Initech", "Acme", "Globex", "Hooli"]
SAY = st.one_of(
    st.sampled_from(CITIES).map(lambda c: f"I live in {c}"),
    st.sampled_from(CITIES).map(lambda c: f"We moved, I live in {c} now"),
    st.sampled_from(EMPLOYERS).map(lambda e: f"I work at {e}"),
    st.sampled_from(EMPLOYERS).map(lambda e: f"I left my job and joined {e}"),
    st.sampled_from(["I'm vegetarian", "I'm vegan", "I eat meat now", "I'm pescatarian now"]),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(SAY, min_size=2, max_size=6))
def test_no_two_active_memories_contradict_on_one_attribute(tmp_path_factory, history: list[str]) -> None:
    with Accord(AccordSettings(data_dir=tmp_path_factory.mktemp("d"), embedder="none")) as memory:
        for said in history:
            memory.add(said, user_id="u", wait=True)
        keys = [m.attribute_key for m in memory.list_memories("u") if m.attribute_key and "@" not in m.attribute_key]
        assert len(keys) == len(set(keys)), (history, keys)
        shown = memory.get("where do I live and work, what do I eat?", user_id="u").memories
        shown_keys = [m.attribute_key for m in shown if m.attribute_key and "@" not in m.attribute_key]
        assert len(shown_keys) == len(set(shown_keys))


async def test_reads_raise_importance_but_write_no_version(tmp_path: Path) -> None:
    async with AsyncAccord(AccordSettings(data_dir=tmp_path / "d", embedder="none")) as memory:
        await memory.add("I love Thai food", user_id="alice", wait=True)
        (thai,) = await memory.list_memories("alice", categories=["preference"])
        for _ in range(3):
            await memory.get("thai food", user_id="alice")
        await memory._reader.flush_access()  # noqa: SLF001 - normally once a second, off the hot path
        read = await memory.get_memory(thai.id)
        assert read.access_count == 3 and read.importance_score == pytest.approx(thai.importance_score + 0.06)
        assert [v.change_type.value for v in await memory.history(thai.id)] == ["created"]

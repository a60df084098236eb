"""Which raw turns give way to the facts drawn from them (pure rule)."""

from __future__ import annotations

import pytest

import datetime as dt

from accord.domain.coherence import Derived, coherent, without_repeats
from accord.domain.models import Category, Memory, MemorySource, MemoryStatus, SourceKind

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def memory(mid: str, category: Category, message_id: str | None = None) -> Memory:
    kind = SourceKind.EPISODIC if category is Category.EPISODIC else SourceKind.EXTRACTED
    return Memory(
        id=mid, user_id="alice", content=mid, category=category, importance_score=0.5,
        original_importance_score=0.5, lineage_id=mid, created_at=NOW, updated_at=NOW,
        source=MemorySource(kind=kind, message_id=message_id),
    )


TURN_OLD = memory("turn: I work at Initech", Category.EPISODIC, "m1")
TURN_NEW = memory("turn: I joined Umbrella", Category.EPISODIC, "m2")
TURN_CHAT = memory("turn: how are you", Category.EPISODIC, "m3")
FACT_NEW = memory("User joined Umbrella", Category.FACT, "m2")
DERIVED = {
    "m1": [Derived("old-fact", MemoryStatus.ARCHIVED)],
    "m2": [Derived(FACT_NEW.id, MemoryStatus.ACTIVE)],
}


def test_a_turn_that_stated_a_superseded_value_is_kept_but_marked_as_earlier() -> None:
    old, chat = coherent([TURN_OLD, TURN_CHAT], DERIVED)
    assert (old.id, old.metadata) == (TURN_OLD.id, {"superseded": True})
    assert chat == TURN_CHAT


def test_a_turn_whose_facts_are_all_candidates_gives_way_to_them_in_its_place() -> None:
    assert coherent([FACT_NEW, TURN_NEW, TURN_CHAT], DERIVED) == [FACT_NEW, TURN_CHAT]
    # The fact ranked below its turn takes the turn's place: the concise wording, where the turn was.
    assert coherent([TURN_NEW, TURN_CHAT, FACT_NEW], DERIVED) == [FACT_NEW, TURN_CHAT]


def test_a_turn_stays_when_its_fact_is_not_a_candidate() -> None:
    ranked = [TURN_NEW, TURN_CHAT]
    assert coherent(ranked, DERIVED) == ranked  # nothing repeats it


def test_a_fact_far_below_its_turn_still_takes_the_turns_place() -> None:
    ranked = [TURN_NEW, TURN_CHAT, TURN_OLD, FACT_NEW]
    assert [m.id for m in coherent(ranked, DERIVED)] == [FACT_NEW.id, TURN_CHAT.id, TURN_OLD.id]


def test_a_turn_with_one_fact_shown_and_one_not_stays() -> None:
    derived = {"m2": [Derived(FACT_NEW.id, MemoryStatus.ACTIVE), Derived("other", MemoryStatus.ACTIVE)]}
    assert coherent([FACT_NEW, TURN_NEW], derived) == [FACT_NEW, TURN_NEW]


def test_a_turn_that_says_more_than_its_facts_stays() -> None:
    # "User plans for week 1" keeps two of the plan's words: the turn still says what the plan is.
    turn = memory("Plan for week 1: three easy morning runs of 5 km, plus cycling", Category.EPISODIC, "m9")
    fact = memory("User plans for week 1", Category.FACT, "m9")
    derived = {"m9": [Derived(fact.id, MemoryStatus.ACTIVE)]}
    assert coherent([fact, turn], derived) == [fact, turn]


def test_a_pending_claim_does_not_hide_its_turn() -> None:
    derived = {"m1": [Derived("waiting", MemoryStatus.PENDING)]}
    assert coherent([TURN_OLD], derived) == [TURN_OLD]


def test_durable_memories_are_never_dropped() -> None:
    fact_from_old = memory("User likes tea", Category.PREFERENCE, "m1")
    assert coherent([fact_from_old], DERIVED) == [fact_from_old]


def test_a_turn_gives_way_when_its_facts_repeat_exactly_three_fifths_of_its_words() -> None:
    # five words, three repeated: 0.6 is enough; two repeated (0.4) is not
    turn = memory("joined the umbrella team remotely today", Category.EPISODIC, "m7")
    three = memory("User joined the umbrella team", Category.FACT, "m7")
    two = memory("User joined the umbrella", Category.FACT, "m7")
    assert coherent([three, turn], {"m7": [Derived(three.id, MemoryStatus.ACTIVE)]}) == [three]
    assert coherent([two, turn], {"m7": [Derived(two.id, MemoryStatus.ACTIVE)]}) == [two, turn]


@pytest.mark.parametrize(
    "said", ["We adopted a rescue puppy from the shelter, we named him Rex.", "We adopted a rescue puppy from the shelter 3 weeks ago."]
)
def test_a_turn_keeps_its_place_when_its_facts_leave_out_a_name_or_a_number(said: str) -> None:
    turn = memory(said, Category.EPISODIC, "m9")
    fact = memory("User and others adopted a rescue puppy from the shelter", Category.FACT, "m9")
    assert coherent([fact, turn], {"m9": [Derived(fact.id, MemoryStatus.ACTIVE)]}) == [fact, turn]


def test_a_turn_with_no_words_of_its_own_gives_way_to_its_facts() -> None:
    turn = memory("!!!", Category.EPISODIC, "m8")
    fact = memory("User is vegan", Category.FACT, "m8")
    assert coherent([fact, turn], {"m8": [Derived(fact.id, MemoryStatus.ACTIVE)]}) == [fact]


# --- without_repeats ---------------------------------------------------------------------------


def said(mid: str, content: str, category: Category, message_id: str | None = None, **meta: object) -> Memory:
    return memory(mid, category, message_id).model_copy(update={"content": content, "metadata": dict(meta)})


ANALYST = said("a", "User works as a data analyst", Category.FACT, "m1")
NORTHWIND = said("n", "User works at Northwind as a data analyst", Category.FACT, "m2")
TURN = said("t", "I work at Northwind as a data analyst, since 2020", Category.EPISODIC, "m2")
OTHER_TURN = said("o", "I work at Northwind as a data analyst, since 2020 and love it", Category.EPISODIC, "m9")


def test_a_fact_another_fact_says_gives_way_and_the_other_takes_its_place() -> None:
    assert without_repeats([ANALYST, OTHER_TURN, NORTHWIND]) == [NORTHWIND, OTHER_TURN]
    # And a chain: the Northwind fact gives way to the turn it was drawn from, which says more.
    assert without_repeats([ANALYST, TURN, NORTHWIND]) == [TURN]


def test_a_fact_its_own_turn_says_gives_way_to_the_turn() -> None:
    fact = said("f", "User works at Northwind", Category.FACT, "m2")
    assert without_repeats([fact, TURN]) == [TURN]
    # A turn it was not drawn from is other evidence: both stay.
    assert without_repeats([fact, OTHER_TURN]) == [fact, OTHER_TURN]


def test_two_turns_never_stand_in_for_each_other() -> None:
    assert without_repeats([TURN, OTHER_TURN]) == [TURN, OTHER_TURN]


def test_equal_wordings_keep_the_better_ranked() -> None:
    twin = said("n2", "User works at Northwind as a data analyst", Category.FACT, "m3")
    assert without_repeats([NORTHWIND, twin]) == [NORTHWIND]
    assert without_repeats([twin, NORTHWIND]) == [twin]


def test_an_earlier_turn_stands_in_for_nothing_and_wordless_memories_stay() -> None:
    earlier = said("e", "User works at Northwind as a data analyst now", Category.EPISODIC, "m2", superseded=True)
    empty = said("x", "the", Category.FACT, "m5")
    assert without_repeats([NORTHWIND, earlier, empty]) == [NORTHWIND, earlier, empty]


def test_a_turn_with_two_facts_one_above_and_one_below_brings_up_the_one_below() -> None:
    other = memory("User joined Umbrella as a chemist", Category.FACT, "m2")
    derived = {"m2": [Derived(FACT_NEW.id, MemoryStatus.ACTIVE), Derived(other.id, MemoryStatus.ACTIVE)]}
    ranked = [FACT_NEW, TURN_NEW, TURN_CHAT, other]
    assert coherent(ranked, derived) == [FACT_NEW, other, TURN_CHAT]


def test_a_wordless_memory_first_does_not_stop_the_others_from_being_read() -> None:
    empty = said("x", "the", Category.FACT, "m5")
    assert without_repeats([empty, ANALYST, NORTHWIND]) == [empty, NORTHWIND]

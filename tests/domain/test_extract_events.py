"""Past events that change who the user is become memories; one-off events do not; no memory is
phrased as a role label (which the injection filter would drop)."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules.extractor import extract_memories
from accord.adapters.llm.extractor import GuardedExtractor
from accord.adapters.extractors.rules.extractor import RuleBasedExtractor
from accord.domain.models import Message


def memories(text: str) -> list[tuple[str, str | None, str]]:
    return [(m.category.value, m.attribute_key, m.content) for m in extract_memories([Message(role="user", content=text)])]


@pytest.mark.parametrize(
    ("text", "category", "word"),
    [
        ("I got promoted to senior developer!", "fact", "senior developer"),
        ("We bought a house!", "fact", "house"),
        ("Passed my driving test!", "fact", "driving test"),
        ("We got married in June.", "relationship", "married"),
        ("Got engaged!", "relationship", "engaged"),
        ("Got laid off last week.", "fact", "laid off"),
        ("I've been dating someone named Luca for two months now.", "relationship", "Luca"),
    ],
)
def test_lasting_events_are_memories(text: str, category: str, word: str) -> None:
    assert any(c == category and word.lower() in content.lower() for c, _, content in memories(text)), memories(text)


@pytest.mark.parametrize("text", ["I bought a sandwich.", "I got a haircut.", "I passed the salt.", "I finished the book."])
def test_one_off_events_are_not(text: str) -> None:
    assert memories(text) == []


def test_a_partner_met_by_dating_is_the_partner_slot_named_by_the_name() -> None:
    [(category, key, _)] = memories("I'm dating someone named Luca.")
    got = extract_memories([Message(role="user", content="I'm dating someone named Luca.")])[0]
    assert (category, key, got.attribute_value) == ("relationship", "relationship:partner", "luca")


async def test_a_first_person_plural_statement_survives_the_injection_filter() -> None:
    guarded = GuardedExtractor(RuleBasedExtractor())
    got = await guarded.extract([Message(role="user", content="We moved to Austin in March.")])
    assert [m.content for m in got] == ["User and others moved to Austin in March"]
    assert not any(m.content.startswith("User:") for m in got)

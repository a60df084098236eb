"""A sentence about this moment states passing states, whichever clause carries the marker;
what happened, people, tastes and changes that start now are kept (rules/_moments.py)."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules.extractor import extract_memories
from accord.domain.models import Message


def memories(text: str) -> list[tuple[str, str]]:
    return [(m.category.value, m.content) for m in extract_memories([Message(role="user", content=text)])]


@pytest.mark.parametrize(
    "text",
    [
        "I'm on the train right now so I might drop off.",
        "I'm using my work laptop for now since mine is in repair.",
        "I'm in a meeting in 5 mins, quick question",
        "stuck at work til 8 ugh",
        "cant sleep tonite",
        "Got a cold, ugh.",
        "i'm out of coffee",
        "I'm working from the library this afternoon.",
    ],
)
def test_passing_states_are_not_memories(text: str) -> None:
    assert memories(text) == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("I got engaged today!", "User got engaged"),  # an event of lasting consequence, on the day
        ("As of today I'm vegan.", "vegan"),  # a change that starts now
        ("lowkey obsessed w matcha rn", "matcha"),  # a taste right now is a current taste
        ("I'm visiting my grandma this weekend.", "grandma"),  # the person stays
        ("I was a nurse until 2019.", "nurse"),  # a year is a period, not this moment
        ("I have asthma.", "asthma"),  # a condition, not a passing ailment
        ("living in atl rn", "atl"),  # "rn" of a standing fact means "currently"
    ],
)
def test_what_lasts_in_a_sentence_about_now_is_kept(text: str, kept: str) -> None:
    assert any(kept.lower() in content.lower() for _, content in memories(text)), memories(text)

"""The last resort: a first-person statement no reader understood is still remembered, in the
user's words, without a key; what is not a statement stays out (rules/_last_resort.py)."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules._last_resort import CONFIDENCE, last_resort
from accord.adapters.extractors.rules.extractor import extract_memories
from accord.domain.models import Message


def extracted(text: str) -> list[tuple[str, str | None, float, str]]:
    return [
        (m.category.value, m.attribute_key, m.confidence, m.content)
        for m in extract_memories([Message(role="user", content=text)])
    ]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("My therapist suggested rock climbing for my anxiety, and it's the first exercise I've ever enjoyed.", "anxiety"),
    ],
)
def test_a_statement_no_reader_understood_is_kept_in_the_users_words(text: str, word: str) -> None:
    got = extracted(text)
    assert got and all(key is None and confidence <= CONFIDENCE for _, key, confidence, _ in got), got
    assert any(word in content for *_, content in got)


@pytest.mark.parametrize(
    "text",
    [
        "I've heard mixed things about electric cars.",  # hearsay
        "I'm so nervous about my presentation in an hour, eek!",  # this moment
        "my coworker literally said he hates Mondays like he's Garfield",  # someone else's words
        "I'm in the dentist's waiting room, bored out of my mind.",  # a passing state
        "Iceland doesn't have mosquitoes, or at least that's what I read.",  # a fact about the world
        "Could you draft a toast I can adapt?",  # a request
        "I guess that's fine",  # about the conversation
        "My therapist suggested rock climbing for my anxiety lol",  # a tone that may not mean what it says
    ],
)
def test_what_is_no_statement_about_the_user_stays_out(text: str) -> None:
    assert extracted(text) == []


def test_it_runs_only_for_a_turn_that_gave_nothing_else() -> None:
    # The first sentence is understood, so the second (which no reader takes) adds nothing.
    got = extracted("I live in Lisbon. My therapist suggested rock climbing for my anxiety, and I enjoy it.")
    assert [key for _, key, *_ in got] == ["city"]
    assert last_resort([("I'm a sucker for cardamom", True)]) == []  # a question is never a statement

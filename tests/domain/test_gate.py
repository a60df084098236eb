"""The write gate's pure rules."""

from __future__ import annotations

import pytest

from accord import Message
from accord.domain.gate import budget_exceeded, fingerprint, is_low_quality, is_trivial_turn


@pytest.mark.parametrize("text", ["ok", "OK!", "thanks", "Thank you so much!!", "lol", "👍", "🙂🙂", "hi", "...", "k", "got it"])
def test_trivial_turns(text: str) -> None:
    assert is_trivial_turn(text)


@pytest.mark.parametrize("text", ["I'm vegetarian", "ok so I moved to Berlin", "no, I work at Acme", "My exam is on May 3"])
def test_meaningful_turns(text: str) -> None:
    assert not is_trivial_turn(text)


def test_a_write_is_low_quality_only_when_every_turn_is_trivial() -> None:
    trivial = [Message(role="user", content="ok"), Message(role="assistant", content="👍")]
    assert is_low_quality(trivial)
    assert not is_low_quality([*trivial, Message(role="user", content="I live in Porto")])


def test_fingerprint_ignores_case_and_spacing_but_not_words_roles_or_session() -> None:
    a = fingerprint([Message(role="user", content="I like  Tea")], "s1")
    assert a == fingerprint([Message(role="user", content="i like tea")], "s1")
    assert a != fingerprint([Message(role="user", content="I like coffee")], "s1")
    assert a != fingerprint([Message(role="assistant", content="I like tea")], "s1")
    assert a != fingerprint([Message(role="user", content="I like tea")], "s2")


@pytest.mark.parametrize(
    ("active", "incoming", "quota", "exceeded"),
    [(0, 1, None, False), (9, 1, 10, False), (10, 1, 10, True), (5, 6, 10, True)],
)
def test_budget(active: int, incoming: int, quota: int | None, exceeded: bool) -> None:
    assert budget_exceeded(active, incoming, quota) is exceeded

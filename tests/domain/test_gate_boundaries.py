"""The write gate's pure rules at their boundaries: one letter is trivial, two are not; the
fingerprint's exact format (stored fingerprints must match across restarts); the quota edge."""

from __future__ import annotations

import hashlib

import pytest

from accord.domain.gate import budget_exceeded, fingerprint, is_low_quality, is_trivial_turn
from accord.domain.models import Message

TURNS = [
    # (turn, trivial): fewer than two letters or digits, or a stock phrase, says nothing.
    ("", True),
    ("!!", True),
    ("a", True),
    ("7", True),
    ("é!", True),
    ("ab", False),  # two letters: the one-letter boundary
    ("42", False),
    ("no", True),  # a stock phrase
    ("No!!", True),
    ("Thank  you", True),
    ("thank you for the recipe", False),
    ("ok k", False),  # two stock words are not one stock phrase
    ("🙂👍", True),
]


@pytest.mark.parametrize(("turn", "trivial"), TURNS)
def test_trivial_turns(turn: str, trivial: bool) -> None:
    assert is_trivial_turn(turn) is trivial


def test_a_write_is_low_quality_only_when_every_turn_is_trivial() -> None:
    assert is_low_quality([Message(role="user", content="ok"), Message(role="assistant", content="👍")]) is True
    assert is_low_quality([Message(role="user", content="ok"), Message(role="user", content="I moved to Lisbon")]) is False


def test_the_fingerprint_hashes_session_then_role_and_normalised_text_per_turn() -> None:
    messages = [Message(role="user", content="I moved to  LISBON!"), Message(role="assistant", content="Noted.")]
    expected = hashlib.sha256(b"s1" + b"\x00user\x01i moved to lisbon" + b"\x00assistant\x01noted").hexdigest()
    assert fingerprint(messages, "s1") == expected
    assert fingerprint(messages, None) == hashlib.sha256(
        b"\x00user\x01i moved to lisbon\x00assistant\x01noted").hexdigest()


def test_the_fingerprint_tells_apart_what_normalising_would_confuse() -> None:
    one = [Message(role="user", content="a b")]
    two = [Message(role="user", content="a"), Message(role="user", content="b")]
    assert fingerprint(one, None) != fingerprint(two, None)
    assert fingerprint(one, "s1") != fingerprint(one, "s2")
    assert fingerprint(one, None) != fingerprint([Message(role="assistant", content="a b")], None)


@pytest.mark.parametrize(
    ("active", "incoming", "quota", "exceeded"),
    [(9, 1, 10, False), (10, 1, 10, True), (10, 0, 10, False), (0, 11, 10, True), (10**6, 1, None, False)],
)
def test_the_quota_is_exceeded_only_past_it(active: int, incoming: int, quota: int | None, exceeded: bool) -> None:
    assert budget_exceeded(active, incoming, quota) is exceeded

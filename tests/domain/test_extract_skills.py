"""Skill levels said in everyday frames (accord.adapters.extractors.rules._skills): the frame sets
the level, the slot is the skill, under the ``expertise:<skill>`` key the level words use."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules.extractor import extract_memories
from accord.domain.models import Category, Message


def levels(text: str) -> list[tuple[str | None, str | None]]:
    got = extract_memories([Message(role="user", content=text)])
    return [(m.attribute_key, m.attribute_value) for m in got if m.category is Category.EXPERTISE]


@pytest.mark.parametrize(
    ("text", "key", "level"),
    [
        ("I suck at math.", "expertise:math", "beginner"),
        ("Honestly I'm hopeless at parallel parking.", "expertise:parallel parking", "beginner"),
        ("I'm no expert in wine.", "expertise:wine", "beginner"),
        ("Kubernetes is completely new to me.", "expertise:kubernetes", "beginner"),
        ("I've dabbled in pottery.", "expertise:pottery", "beginner"),
        ("I know nothing about cars.", "expertise:cars", "none"),
        ("I know my way around a kitchen.", "expertise:kitchen", "intermediate"),
        ("I'm pretty handy with tools.", "expertise:tools", "intermediate"),
        ("Cooking comes naturally to me.", "expertise:cooking", "advanced"),
        ("Sales is second nature to me.", "expertise:sales", "advanced"),
        ("I'm basically the go-to person for Excel at work.", "expertise:excel", "advanced"),
        ("I taught piano for 10 years.", "expertise:piano", "expert"),
        ("I've been coaching swimming for over twenty years now.", "expertise:swimming", "expert"),
    ],
)
def test_a_frame_gives_the_level_of_the_skill_in_its_slot(text: str, key: str, level: str) -> None:
    assert (key, level) in levels(text)


@pytest.mark.parametrize(
    "text",
    ["That is new to me.", "I know my way around.", "I suck at it.", "My job is new to me.", "I taught for 10 years."],
)
def test_a_frame_without_a_skill_in_its_slot_says_nothing_of_expertise(text: str) -> None:
    assert levels(text) == []


def test_a_later_frame_shares_the_key_of_an_earlier_level_word() -> None:
    assert levels("I'm a beginner at chess.") == [("expertise:chess", "beginner")]
    assert levels("Chess comes naturally to me now.") == [("expertise:chess", "advanced")]

"""A level before an agent noun is expertise, not a job; "as a hobby" is no role."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules.extractor import extract_memories
from accord.domain.models import Message


def keyed(text: str) -> list[tuple[str, str | None]]:
    return [(m.category.value, m.attribute_key) for m in extract_memories([Message(role="user", content=text)])]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("I'm a decent cook, nothing fancy.", "expertise:cook"),
        ("I'm an amateur astronomer.", "expertise:astronomer"),
        ("I'm a certified scuba diver.", "expertise:scuba diver"),
    ],
)
def test_a_level_before_an_agent_noun_is_expertise(text: str, key: str) -> None:
    assert ("expertise", key) in keyed(text)


@pytest.mark.parametrize("text", ["I'm a nurse.", "I'm a senior engineer.", "I'm a licensed electrician."])
def test_a_job_stays_a_job(text: str) -> None:
    assert ("fact", "job_title") in keyed(text)


def test_as_a_hobby_is_no_role() -> None:
    got = extract_memories([Message(role="user", content="I've done woodworking as a hobby for 20 years.")])
    assert got and not any("is a hobby" in m.content for m in got)
    assert any("woodworking" in m.content for m in got)


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("I'm not really a cat person.", "likes:cat", "dislike"),  # never "loves not really a cat"
        ("Nothing beats a cold beer after a long hike.", "likes:cold beer", "like"),
        ("I'd pick the mountains over the beach any day.", "likes:mountains", "like"),
        ("Podcasts over music for me.", "likes:podcasts", "like"),
        ("Horror movies freak me out, I avoid them.", "likes:horror movies", "dislike"),
        ("My guilty pleasure is reality TV.", "likes:reality tv", "like"),
        ("I find crowds exhausting.", "likes:crowds", "dislike"),
    ],
)
def test_tastes_said_in_idioms(text: str, key: str, value: str) -> None:
    got = [(m.attribute_key, m.attribute_value) for m in extract_memories([Message(role="user", content=text)])]
    assert (key, value) in got, got


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("One of my patients brought me cookies, which makes being a pediatric nurse worth it.", "job_title"),
        ("Being the only vegetarian at my in-laws' barbecue is always an adventure.", "diet"),
        ("When I was diagnosed with celiac disease last year, I had to relearn how to cook.", "health:celiac disease"),
    ],
)
def test_who_the_user_is_said_in_passing_inside_a_story(text: str, key: str) -> None:
    assert key in [m.attribute_key for m in extract_memories([Message(role="user", content=text)])]


@pytest.mark.parametrize("text", ["Imagine being a doctor in a war zone.", "My sister hates being a nurse at night."])
def test_a_supposed_or_someone_elses_role_is_not_the_users(text: str) -> None:
    assert "job_title" not in [m.attribute_key for m in extract_memories([Message(role="user", content=text)])]

"""People and pets mentioned in passing become relationship and pet memories
(``accord.adapters.extractors.rules._mentions``)."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules.extractor import extract_memories
from accord.domain.models import Message


def said(text: str) -> list[tuple[str, str, str | None]]:
    return [(m.category.value, m.content, m.attribute_key) for m in extract_memories([Message(role="user", content=text)])]


@pytest.mark.parametrize(
    ("text", "memory"),
    [
        # A named person anywhere in the sentence, set apart by commas or not.
        ("So my partner Sam and I have been together almost seven years.", ("relationship", "User's partner is named Sam", "relationship:partner")),
        ("Oh, my little brother Eli, he's the smartest person I know.", ("relationship", "User's little brother is Eli", "relationship:brother:eli")),
        ("My mom, Linda, bless her, calls me every Sunday.", ("relationship", "User's mother is Linda", "relationship:mother")),
        ("I was hiking with my husband, Dev, last weekend.", ("relationship", "User's husband is Dev", "relationship:partner")),
        # Close family counts unnamed; the key is left off, so a later name adds to it.
        ("My son's teacher pulled me aside after class.", ("relationship", "User has a son", None)),
        ("My household consists of my wife and our two daughters.", ("relationship", "User has two daughters", None)),
        # Pets are facts, named by "named"/"called", by apposition or by "her name is".
        ("We finally adopted a rescue greyhound named Juniper.", ("fact", "User has a greyhound named Juniper", "pet:juniper")),
        ("Our cat Noodle knocked my monitor off the desk.", ("fact", "User has a cat named Noodle", "pet:noodle")),
        ("Also! We have a dog, her name is Biscuit, she's a corgi mix.", ("fact", "User has a dog named Biscuit", "pet:biscuit")),
        ("Our son is Max.", ("relationship", "User's son is Max", "relationship:son:max")),
    ],
)
def test_a_person_or_pet_mentioned_in_passing_is_remembered(text: str, memory: tuple[str, str, str | None]) -> None:
    assert memory in said(text)


@pytest.mark.parametrize(
    "text",
    [
        "write me a poem about my cat",  # a task: the cat is its subject, not news about the user
        "Can you suggest a gift for my sister?",  # a question
        "My friend keeps saying it and honestly she's exhausting.",  # unnamed friend: says nothing
        "My dad was furious.",  # everyone has parents
        "Our kids are at school.",  # "our kids" may be a teacher's class
        "If my wife Ana were here she'd laugh.",  # hypothetical
    ],
)
def test_mentions_that_say_nothing_about_the_user_stay_out(text: str) -> None:
    assert [m for m in said(text) if m[0] == "relationship" or (m[2] or "").startswith("pet")] == []


def test_a_person_the_clause_rules_already_read_is_not_added_twice() -> None:
    assert said("My husband's a chef.") == [("relationship", "User's husband is a chef", None)]


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("So yesterday this guy tried to sell me honey, and I had to explain that I'm vegan.", "User is vegan"),
        ("I signed up to make cookies, which was ambitious considering I'm allergic to eggs.", "User is allergic to eggs"),
        ("Our printer caught fire, and since I'm the office manager at Corbett Dental, I was the one who called.",
         "User works at Corbett Dental"),
    ],
)
def test_a_standing_statement_inside_a_story_is_remembered(text: str, content: str) -> None:
    assert content in [c for _, c, _ in said(text)]


def test_a_passing_state_inside_a_story_stays_out() -> None:
    assert said("I told him that I'm fine") == []


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("my bf ben moved in w me last month", "User's boyfriend is Ben"),  # lowercase: the verb after marks the name
        ("my sister maya lives in leeds", "User's sister is Maya"),
        ("My son, Dr. Alistair Reid, is a surgeon in Glasgow.", "User's son is Dr. Alistair Reid"),  # a title
    ],
)
def test_names_in_lowercase_text_and_with_titles(text: str, content: str) -> None:
    assert content in [c for _, c, _ in said(text)]


@pytest.mark.parametrize("text", ["I got lost on the way to my cousin's wedding.", "At my nephew's graduation I cried."])
def test_extended_family_in_passing_is_the_setting_not_news(text: str) -> None:
    assert [m for m in said(text) if m[0] == "relationship"] == []


def test_a_daily_habit_is_a_fact_and_a_way_of_working_a_procedure() -> None:
    assert said("I usually fall asleep around 2am") == [("fact", "User usually falls asleep around 2am", None)]
    assert said("I usually back up on Fridays") == [("procedure", "User usually backs up on Fridays", None)]


def test_a_relative_introducing_a_quote_is_no_detail_about_them() -> None:
    assert said("My mom always says 'I'm too old for this'.") == []


@pytest.mark.parametrize("text", ["my sis is so anoying rn", "my bf is being weird today", "wanna play a game"])
def test_the_moment_and_its_wishes_stay_out(text: str) -> None:
    assert said(text) == []


def test_a_named_person_in_a_sentence_about_today_still_counts() -> None:
    assert ("relationship", "User's sister Maya is visiting today", "relationship:sister:maya") in said("my sister Maya is visiting today")


def test_a_relatives_job_is_theirs_and_takes_no_key() -> None:
    assert said("my gf is a nurse") == [("relationship", "User's gf is a nurse", None)]


@pytest.mark.parametrize("text", ["wat should i get my gf for xmas", "y is my dog always barking", "rite me a poem abt my cat"])
def test_questions_and_tasks_typed_fast_mention_nobody(text: str) -> None:
    assert said(text) == []

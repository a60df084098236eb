"""Shapes persona statements use that the rules missed (accord.adapters.extractors.rules): places
and names written in lower case by a writer who capitalises "I", favourites told thing-first,
age brackets, institutions one is in for years, fears; and where the user is for the moment
("in a meeting"), which is no fact at all."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules._gazetteer import known_place
from accord.adapters.extractors.rules.extractor import extract_memories
from accord.domain.models import Category, Message


def extracted(text: str) -> list[tuple[Category, str | None, str | None, str]]:
    return [(m.category, m.attribute_key, m.attribute_value, m.content)
            for m in extract_memories([Message(role="user", content=text)])]


def keyed(text: str) -> set[tuple[str | None, str | None]]:
    return {(key, value) for _, key, value, _ in extracted(text)}


@pytest.mark.parametrize(
    ("text", "key", "value", "content"),
    [
        ("I was born in somalia.", "hometown", "somalia", "User was born in Somalia"),
        ("I grew up in manhattan.", "hometown", "manhattan", "User grew up in Manhattan"),
        ("Now I live in the united states.", "city", "united states", "User lives in the United States"),
        ("I moved to new york last year.", "city", "new york", None),
        ("I live in chicago with my sister.", "city", "chicago", None),
    ],
)
def test_a_place_in_lower_case_is_a_place(text: str, key: str, value: str, content: str | None) -> None:
    found = [(k, v, c) for _, k, v, c in extracted(text) if k == key]
    assert found and found[0][1] == value, extracted(text)
    if content is not None:
        assert found[0][2] == content


@pytest.mark.parametrize(
    "text", ["I live in a van.", "I live in the cloud.", "I grew up in the industry.", "I live in reading glasses."]
)
def test_a_lower_case_word_that_names_no_place_is_no_place(text: str) -> None:
    assert not {k for k, _ in keyed(text)} & {"city", "hometown"}, extracted(text)


@pytest.mark.parametrize(
    ("phrase", "found"),
    [
        ("somalia, where I was born", ("somalia", ", where I was born")),
        ("the united kingdom now", ("united kingdom", "now")),
        ("são paulo", ("sao paulo", "")),
        ("the states", ("the states", "")),
        ("reading", None),  # a town, and first an English word
        ("the", None),
    ],
)
def test_the_gazetteer_reads_the_longest_place_a_phrase_opens_with(phrase: str, found: tuple[str, str] | None) -> None:
    assert known_place(phrase) == found


@pytest.mark.parametrize(
    ("text", "name"),
    [("My name is george.", "george"), ("Hey my name is larry and I am a chef.", "larry")],
)
def test_a_name_after_my_name_is_counts_in_lower_case(text: str, name: str) -> None:
    names = [(v, c) for _, k, v, c in extracted(text) if k == "name"]
    assert names and names[0][0] == name and name.capitalize() in names[0][1]


@pytest.mark.parametrize("text", ["My name is not important.", "My name is a secret."])
def test_words_after_my_name_is_that_are_no_name_stay_out(text: str) -> None:
    assert "name" not in {k for k, _ in keyed(text)}


@pytest.mark.parametrize(
    ("text", "name"),
    [("My pet's name is charlie.", "charlie"), ("My pets name is charlie.", "charlie"), ("I have a dog named biscuit.", "biscuit")],
)
def test_a_pet_named_in_lower_case_is_named(text: str, name: str) -> None:
    assert any(v == name and name.capitalize() in c for _, _, v, c in extracted(text)), extracted(text)


def test_named_after_someone_is_no_name() -> None:
    assert not any("After" in c for *_, c in extracted("I have a dog named after my grandpa."))


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("Coffee is my preferred beverage.", "favorite:beverage", "coffee"),
        ("Rolling stones are one of my favorite bands.", "favorite:bands", "rolling stones"),
        ("Horror movies are my favorites.", "likes:horror movies", "like"),
        ("My favorite hobbies are listening to music and playing video games.", "favorite:hobbies",
         "listening to music, playing video games"),
    ],
)
def test_a_favourite_told_thing_first_or_as_a_list(text: str, key: str, value: str) -> None:
    assert (key, value) in keyed(text), extracted(text)


@pytest.mark.parametrize(
    "text", ["This one is my favorite.", "The second option is my favorite.", "That last version is my fave."]
)
def test_a_favourite_among_the_options_on_screen_is_no_taste(text: str) -> None:
    assert extracted(text) == []


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("I'm in my thirties.", "age", "thirties"),
        ("I am in my early 20s.", "age", "early 20s"),
        ("I'm in college to become a nurse.", "school", "college"),
        ("I am currently in high school.", "school", "high school"),
        ("I'm in the third grade.", "school", "third grade"),
        ("I am in year 10.", "school", "year 10"),
        ("I'm in the army.", "military", "army"),
        ("I'm at uni.", "school", "uni"),
    ],
)
def test_where_the_user_stands_in_life(text: str, key: str, value: str) -> None:
    assert (key, value) in keyed(text), extracted(text)


@pytest.mark.parametrize(
    ("text", "feared"),
    [("I am deathly afraid of heights.", "heights"), ("I'm scared of dying.", "dying"), ("I have a fear of flying.", "flying")],
)
def test_a_fear_is_a_lasting_dislike_keyed_by_what_is_feared(text: str, feared: str) -> None:
    assert (Category.PREFERENCE, f"fear:{feared}") in {(c, k) for c, k, _, _ in extracted(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I'm scared of the interview tomorrow.",
        "I'm afraid of that.",
        "I'm at school right now.",
        "I'm in a meeting.",
        "I'm on the train.",
        "I'm in the hospital.",
        "I'm at the airport.",
        "I'm stuck in traffic.",
        "I'm sitting in the waiting room.",
    ],
)
def test_a_passing_fear_or_place_is_no_fact(text: str) -> None:
    assert extracted(text) == []


@pytest.mark.parametrize(
    ("text", "key"),
    [("I'm in a band.", "be_in:band"), ("I'm in a wheelchair.", "be_in:wheelchair"), ("I am cook in a restaurant.", "job_title")],
)
def test_being_in_something_lasting_stays_a_fact(text: str, key: str) -> None:
    assert key in {k for k, _ in keyed(text)}, extracted(text)


@pytest.mark.parametrize(
    ("text", "kept"),
    [("I read a book every week.", "User reads a book every week"), ("I read twenty books a year.", "User reads twenty books a year")],
)
def test_a_verb_whose_past_is_its_present_is_a_habit_with_a_frequency(text: str, kept: str) -> None:
    assert kept in {c for *_, c in extracted(text)}, extracted(text)


@pytest.mark.parametrize("text", ["I read that book last year.", "I read it yesterday."])
def test_without_a_frequency_it_stays_a_past_event(text: str) -> None:
    assert extracted(text) == []


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("I'm retired and loving it.", "job_title", "retired"),
        ("I'm retired and living the great life.", "job_title", "retired"),
        ("I'm married and loving every minute of it.", "marital_status", "married"),
    ],
)
def test_a_feeling_tacked_on_is_no_part_of_the_fact(text: str, key: str, value: str) -> None:
    assert (key, value) in keyed(text), extracted(text)


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("We're moving to Lisbon in September!", "User is moving to Lisbon in September"),
        ("We're going to Japan in April.", "User is going to Japan in April"),
    ],
)
def test_we_include_the_user_and_a_month_ahead_makes_a_plan(text: str, content: str) -> None:
    assert (Category.GOAL, content) in {(c, t) for c, _, _, t in extracted(text)}, extracted(text)


@pytest.mark.parametrize("text", ["We're going to the beach today.", "We're a small team.", "We're hiring."])
def test_we_for_today_or_for_a_team_is_no_fact_about_the_user(text: str) -> None:
    assert extracted(text) == []


def test_a_plan_one_has_one_of_at_a_time_is_keyed_by_its_verb() -> None:
    assert ("plan:move", "abroad") in keyed("We're moving abroad next year, eek!")
    assert ("plan:move", "lisbon") in keyed("It's official, we're moving to Lisbon in September!")
    assert {k for k, _ in keyed("I'm going to Japan in April.")} == {None}  # trips are many


def test_a_pair_subject_takes_a_singular_verb() -> None:
    assert not any("ares" in c for *_, c in extracted("My fiancée Leen and I are getting married in April."))


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("In my free time I like to watch nascar racing and ufc.", "User likes to watch nascar racing and ufc"),
        ("In my spare time I do volunteer work.", "User does volunteer work"),
        ("In my family we speak Polish.", "User and others speak Polish"),
    ],
)
def test_a_fronted_phrase_with_my_in_it_is_cut_before_the_subject(text: str, content: str) -> None:
    assert content in {c for *_, c in extracted(text)}, extracted(text)


def test_who_lives_with_the_user_told_from_their_side() -> None:
    assert "User lives with two dogs" in {c for *_, c in extracted("Two dogs live with me.")}
    assert extracted("Nobody lives with me.") == [] and extracted("She lives with me.") == []


@pytest.mark.parametrize(
    "text",
    ["My father played violin professionally.", "My dad worked at Home Depot.", "My grandfather served in world war 2.",
     "My mom was a nurse."],
)
def test_a_family_members_life_told_in_the_past_is_a_relationship_memory(text: str) -> None:
    assert [c for c, *_ in extracted(text)] == [Category.RELATIONSHIP], extracted(text)


@pytest.mark.parametrize("text", ["My mom was mad at me yesterday.", "My parents were furious."])
def test_a_family_members_moment_is_none(text: str) -> None:
    assert extracted(text) == []

"""Life events said in everyday words (accord.adapters.extractors.rules): partnership events of a
pair, being out of work, a new title, an employer at the end of a work statement, names said
loosely, levels said as levels. Each must land under the key that the earlier statement of the
same thing used, so that conflict resolution can supersede it."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules._reciprocal import first_person_event
from accord.adapters.extractors.rules.extractor import extract_memories
from accord.domain.models import Category, Message


def keyed(text: str) -> set[tuple[str | None, str | None]]:
    return {(m.attribute_key, m.attribute_value) for m in extract_memories([Message(role="user", content=text)])}


def categories(text: str) -> set[Category]:
    return {m.category for m in extract_memories([Message(role="user", content=text)])}


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        ("Lena and I got engaged last weekend", "I got engaged to Lena last weekend"),
        ("me and Omar got married", "I got married to Omar"),
        ("we got hitched in Vegas", "I got married in Vegas"),
        ("Rachel and I are getting divorced", "I am getting divorced from Rachel"),
        ("Sam and I are getting married in June", "I am engaged to Sam in June"),
        ("Tariq proposed and I said yes", "I got engaged to Tariq"),
        ("I married Carmen last spring", "I got married to Carmen last spring"),
    ],
)
def test_a_pair_event_is_said_in_the_first_person(text: str, rewritten: str) -> None:
    assert first_person_event(text) == rewritten


@pytest.mark.parametrize(
    "text",
    ["My sister and I got married the same year", "Lena and I went to Rome", "We are getting a dog", "I married into money"],
)
def test_other_pairs_and_events_are_left_alone(text: str) -> None:
    assert first_person_event(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Lena and I got engaged last weekend!", "engaged lena"),
        ("I got married to Sam.", "married sam"),
        ("Rachel and I are getting divorced.", "divorcing rachel"),
        ("I'm married.", "married"),
    ],
)
def test_the_partner_is_part_of_the_marital_status(text: str, value: str) -> None:
    assert ("marital_status", value) in keyed(text)


@pytest.mark.parametrize(
    "text",
    ["I got laid off last week.", "I was let go in March.", "I lost my job.", "I'm unemployed right now.", "I'm looking for work."],
)
def test_out_of_work_empties_the_employer(text: str) -> None:
    assert ("employer", "none") in keyed(text)


def test_looking_for_a_new_job_is_not_being_out_of_work() -> None:
    assert ("employer", "none") not in keyed("I'm looking for a new job.")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("I got promoted to store manager.", "store manager"),
        ("Got promoted to senior designer last month.", "senior designer"),
        ("I became a team lead.", "team lead"),
        ("Took the CMO job at a startup called Brightline.", "cmo"),
    ],
)
def test_a_new_title_however_it_came(text: str, title: str) -> None:
    assert ("job_title", title) in keyed(text)


def test_becoming_something_that_is_no_job_is_no_title() -> None:
    assert not any(k == "job_title" for k, _ in keyed("I became a mom."))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm a barista at Blue Bottle.", {("job_title", "barista"), ("employer", "blue bottle")}),
        ("I work in marketing at Unilever.", {("industry", "marketing"), ("employer", "unilever")}),
        ("I am a nurse at St. Mary's.", {("job_title", "nurse"), ("employer", "st. mary's")}),
    ],
)
def test_an_employer_after_a_work_statement_is_a_memory_of_its_own(text: str, expected: set) -> None:
    assert expected <= keyed(text)


def test_the_work_statement_no_longer_names_the_employer() -> None:
    contents = [m.content for m in extract_memories([Message(role="user", content="I work in marketing at Unilever.")])]
    assert "User works in marketing" in contents


@pytest.mark.parametrize("text", ["I'm a regular at Joe's Diner.", "I'm a member at Equinox.", "I'm a morning person."])
def test_being_somewhere_is_not_working_there(text: str) -> None:
    assert not any(k in {"job_title", "employer"} for k, _ in keyed(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The name's Theodore.", "theodore"),
        ("Please use Kit from now on, it's the name I chose.", "kit"),
        ("Got married in June, so it's Priya Malhotra now.", "priya malhotra"),
        ("I took back my maiden name, Susan Lee.", "susan lee"),
    ],
)
def test_names_said_loosely_beside_talk_of_names(text: str, name: str) -> None:
    got = extract_memories([Message(role="user", content=text)])
    assert ("name", name) in {(m.attribute_key, m.attribute_value) for m in got}
    assert not any(m.category is Category.PROCEDURE for m in got)  # "use Kit" is no request


@pytest.mark.parametrize("text", ["Please use Python from now on.", "It's Tuesday now."])
def test_a_word_after_use_is_no_name_without_talk_of_names(text: str) -> None:
    assert not any(k == "name" for k, _ in keyed(text))


@pytest.mark.parametrize(
    "text",
    ["I'm conversational in ASL now.", "Passed HSK 4 in December.", "I'm a brown belt now!", "I'm an advanced swimmer."],
)
def test_levels_said_as_levels_are_expertise(text: str) -> None:
    assert Category.EXPERTISE in categories(text)


@pytest.mark.parametrize(
    "text",
    ["I'm a bit hungover.", "Running late, sorry!", "Just got back from the gym, so sweaty.", "I'm starving."],
)
def test_passing_states_are_no_memories(text: str) -> None:
    assert extract_memories([Message(role="user", content=text)]) == []


def test_a_particle_is_no_part_of_the_object() -> None:
    assert not any((k or "").startswith("health") for k, _ in keyed("I got back into climbing."))
    assert ("health:bad back", "bad back") in keyed("I have a bad back.")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("I play tennis every weekend.", "sport:tennis"),
        ("Got a Series X for Christmas.", "have:series x"),
        ("I go running on Saturdays.", "sport:running"),
    ],
)
def test_time_and_frequency_are_no_part_of_a_derived_key(text: str, key: str) -> None:
    assert key in {k for k, _ in keyed(text)}


def test_so_now_starts_a_clause_of_its_own() -> None:
    assert ("employer", "none") in keyed("I got laid off last week, so now I'm the one writing the resume.")


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("I teach high school chemistry in Denver, have done for 15 years.", "city", "denver"),
        ("My husband Olaf and I run a dairy farm outside Trondheim.", "city", "trondheim"),
        ("I live with my girlfriend Aisha and her cat, in a third-floor walk-up in Chicago.", "city", "chicago"),
        ("My cousin Niamh is basically my sister, we grew up together in Galway.", "hometown", "galway"),
    ],
)
def test_a_place_named_in_passing_is_where_the_user_is(text: str, key: str, value: str) -> None:
    assert (key, value) in keyed(text)


@pytest.mark.parametrize(
    "text",
    ["I work in Finance.", "I'm working in London next week.", "I'm fluent in Spanish.", "My sister lives in Toronto."],
)
def test_no_place_from_an_industry_a_trip_a_language_or_someone_else(text: str) -> None:
    assert not any(k in {"city", "hometown"} for k, _ in keyed(text))


@pytest.mark.parametrize(
    "text",
    [
        "Yeah, because I'm totally a morning person. Not.",
        "I'm the world's best cook, said no one ever.",
        "As my dad likes to say, I'm a lawyer, not a magician.",
    ],
)
def test_sarcasm_and_sayings_are_no_memories(text: str) -> None:
    assert extract_memories([Message(role="user", content=text)]) == []


def test_a_saying_leaves_the_rest_of_the_turn() -> None:
    assert ("city", "rome") in keyed("I'm a lawyer. As my boss says, I'm the best. I live in Rome.")


@pytest.mark.parametrize(
    "text",
    [
        "I'm on my lunch break.",
        "I'm on vacation in Bali until Friday.",
        "I'm staying at a hotel near the conference.",
        "Just moved my desk by the window, so much better.",
        "My sister is visiting this weekend, she's a nurse.",
    ],
)
def test_pauses_stays_and_one_off_moves_are_no_memories(text: str) -> None:
    assert extract_memories([Message(role="user", content=text)]) == []


def test_a_person_named_in_a_sentence_about_this_moment_stays() -> None:
    assert ("relationship:partner", "tom") in keyed("My husband Tom is cooking tonight.")


@pytest.mark.parametrize("text", ["I'm a beginner at Rust.", "I'm a total newbie at Python."])
def test_a_level_at_a_skill_is_no_job_at_an_employer(text: str) -> None:
    assert not any(k in {"job_title", "employer"} for k, _ in keyed(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I've started learning Korean.", ("expertise:korean", "beginner")),
        ("I started dating Luca.", ("relationship:partner", "luca")),
        ("Changed my major to computer science.", ("field_of_study", "computer science")),
        ("I switched my bank to Chase.", ("bank", "chase")),
        ("My major is biology.", ("field_of_study", "biology")),
    ],
)
def test_what_one_started_or_changed_to_holds_now(text: str, expected: tuple[str, str]) -> None:
    assert expected in keyed(text)


def test_a_start_in_a_past_story_stays_in_the_past() -> None:
    assert not any(k and k.startswith("run:") for k, _ in keyed("I began running last spring."))


def test_a_change_told_without_its_subject() -> None:
    assert ("thinkpad", True) in {
        (m.attribute_value, m.negated)
        for m in extract_memories([Message(role="user", content="Finally replaced the ThinkPad with a MacBook Air.")])
    }

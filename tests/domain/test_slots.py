"""Single-valued slots told apart by the words that fill them (accord.domain.slots), and the
conflict rule that uses them."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.domain.conflict_rules import Action, Claim, classify
from accord.domain.slots import slot_shift

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("new", "old", "new_cat", "old_cat", "slot"),
    [
        ("User has been dating someone named Luca", "User is single", "fact", "relationship", "partnership"),
        ("User and Tom are getting divorced", "User is married to Tom", "relationship", "relationship", "partnership"),
        ("User got engaged", "User's boyfriend Mark is a chef", "relationship", "relationship", "partnership"),
        ("User is a widower", "User's wife Ana is a nurse", "fact", "relationship", "partnership"),
        ("User got laid off", "User is retired", "fact", "fact", "work_status"),
        ("User got promoted to senior developer", "User is a junior developer", "fact", "fact", "seniority"),
        ("User is conversational in ASL now", "User is just starting ASL", "fact", "fact", "skill_level"),
        ("User passed the C1 exam in German", "User is a B1 in German", "fact", "expertise", "language_level"),
        ("User got their purple belt", "User is a blue belt in BJJ", "fact", "fact", "belt"),
        ("User went for the premium membership", "User is on the basic plan at the gym", "fact", "fact", "tier"),
        ("User hit Gold with Emirates", "User is Silver status with Emirates", "fact", "fact", "tier"),
        ("User's chess rating is about 1500 now", "User's chess rating is around 1200", "expertise", "expertise", "number"),
    ],
)
def test_another_value_of_one_slot_is_found_across_keys(new: str, old: str, new_cat: str, old_cat: str, slot: str) -> None:
    assert slot_shift(new, old, new_cat, old_cat) == slot


@pytest.mark.parametrize(
    ("new", "old", "new_cat", "old_cat"),
    [
        # the same value, said again in other words
        ("User's husband Diego is a teacher", "User is married", "relationship", "relationship"),
        # someone else's partnership is not the user's
        ("User's sister got married", "User is single", "relationship", "relationship"),
        # an ambiguous value word with nothing shared: a college senior is not a senior developer
        ("User is a senior at Ohio State", "User is a junior developer", "fact", "fact"),
        # tiers of unrelated things
        ("User has a gold necklace", "User is on the free plan", "fact", "fact"),
        ("User is a beginner at chess", "User is fluent in Spanish", "expertise", "expertise"),
        # numbers next to different words, or no number on one side
        ("User has 2 cats", "User runs 5 km a day", "fact", "fact"),
        ("User's chess rating went up", "User's chess rating is around 1200", "expertise", "expertise"),
        # categories the slot does not cover
        ("User wants to be fluent in Spanish", "User is a beginner in Spanish", "goal", "expertise"),
    ],
)
def test_no_slot_when_the_values_agree_or_the_slots_differ(new: str, old: str, new_cat: str, old_cat: str) -> None:
    assert slot_shift(new, old, new_cat, old_cat) is None


def claim(content: str, category: str = "fact", *, at: int = 0, **kw: object) -> Claim:
    return Claim(content=content, category=category, said_at=T0 + dt.timedelta(days=at), **kw)  # type: ignore[arg-type]


def test_a_new_stage_of_a_partnership_supersedes_the_stored_one_under_another_key() -> None:
    single = claim("User is single", "relationship", attribute_key="marital_status", attribute_value="single", id="m1")
    dating = claim("User has been dating someone named Luca", at=30, attribute_key="relationship:partner", attribute_value="luca")
    decision = classify(dating, [single])
    assert (decision.action, decision.target_id) == (Action.UPDATE, "m1")


def test_an_older_dated_statement_of_a_slot_is_kept_as_a_past_value() -> None:
    married = claim("User is married to Diego", "relationship", at=30, id="m1")
    single = claim("User is single", "relationship", at=1, attribute_key="marital_status")
    decision = classify(single, [married])
    assert decision.action is Action.KEEP_BOTH and decision.past_until == married.said_at


def test_an_additive_statement_does_not_replace_a_slot_value() -> None:
    basic = claim("User is on the basic plan at the gym", id="m1")
    also = claim("User also has a premium plan for the pool", at=5)
    assert classify(also, [basic]).action is Action.INSERT


def test_a_statement_from_the_same_turn_never_ends_its_neighbour() -> None:
    # "I'm married, my husband is called Diego, and I was single for years": one moment, one picture.
    married = claim("User is married", "relationship", at=3, id="m1")
    single = claim("User was single for years", "relationship", at=3)
    assert classify(single, [married]).action is Action.INSERT


@pytest.mark.parametrize(
    ("new", "old", "slot"),
    [
        ("User is eating meat again", "User is vegetarian", "diet"),
        ("User went back to being vegetarian", "User is eating meat again", "diet"),
        ("User and others bought a house", "User and others rent an apartment", "home_tenure"),
    ],
)
def test_diet_and_home_tenure_hold_one_value(new: str, old: str, slot: str) -> None:
    assert slot_shift(new, old, "fact", "fact") == slot


def test_someone_elses_diet_is_not_the_users() -> None:
    assert slot_shift("User's husband eats meat", "User is vegan", "fact", "fact") is None

"""Conflict rules across keys, as ``changed_from`` and ``classify`` apply them: a statement of change
ends the stored memory a word beside it names (the anchored rule, with its limits of category, turn
and attribute), a refinement replaces the newest earlier memory of its category, another value of a
single-valued slot supersedes the stored one; and the same value under one key, at its boundaries.

The words of change come from real turns (:func:`accord.domain.shifts.shift_anchors`); the slots
from :mod:`accord.domain.slots`. tests/domain/test_shifts.py and test_slots.py test those modules;
these rows pin what the conflict rules do with them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from accord.domain.conflict_rules import Action, Claim, Decision, changed_from, classify
from accord.domain.shifts import shift_anchors

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=30)
DAY = dt.timedelta(days=1)


def stored(content: str, category: str = "fact", key: str | None = None, value: str | None = None, **kw) -> Claim:
    kw.setdefault("said_at", T0)
    return Claim(content=content, category=category, attribute_key=key, attribute_value=value, id=f"S:{content}", **kw)


def said(content: str, turn: str, category: str = "fact", key: str | None = None, **kw) -> Claim:
    """A candidate of ``turn``, with the words of change around it."""
    kw.setdefault("said_at", T1)
    negated = kw.pop("negated", False)
    return Claim(content=content, category=category, attribute_key=key, negated=negated,
                 shift_anchors=shift_anchors(turn, content, negated=negated), **kw)


# --- the anchored rule: a change ends the memory that a word beside it names ------------------------

DOCTOR_TURN = "I have changed my doctor, now I go to Dr. Haddad, she listens more."
LINDQVIST = stored("User's doctor is Dr. Lindqvist at the health centre", key="doctor")
HADDAD = said("User goes to Dr. Haddad", DOCTOR_TURN)
KNEE_TURN = "My knee surgery means I quit the tennis team for good. I play pickleball now."


def league(category: str) -> Claim:
    return stored("User plays in a Thursday tennis league", category)


ANCHORED = [
    # (rule, candidate, related, the id ended or None)
    ("a change ends the memory a word beside it names ('doctor')", HADDAD, [LINDQVIST], LINDQVIST.id),
    ("a memory no word of the change names is left", HADDAD, [stored("User has a dentist in Leeds")], None),
    ("the named memory is ended, not merely the newest of the category",
     HADDAD, [LINDQVIST, stored("User has a dentist in Leeds", said_at=T0 + DAY)], LINDQVIST.id),
    ("an addition ('too') ends nothing",
     said("User goes to Dr. Haddad too", "I have changed my doctor, now I go to Dr. Haddad too."), [LINDQVIST], None),
    ("a memory of the candidate's own turn is its sibling, never ended",
     HADDAD, [stored("User has changed their doctor", said_at=T1)], None),
    ("a memory from an earlier turn is ended", HADDAD, [stored("User has changed their doctor")],
     "S:User has changed their doctor"),
    ("a stored memory with no time counts as earlier", HADDAD,
     [stored("User's doctor is Dr. Lindqvist", said_at=None)], "S:User's doctor is Dr. Lindqvist"),
    ("a candidate with no time ends an earlier memory", said("User goes to Dr. Haddad", DOCTOR_TURN, said_at=None),
     [LINDQVIST], LINDQVIST.id),
    # Keys: two plain attributes are two things; item and predicate keys, and no key, may be the same.
    ("a predicate key may end a plain attribute", said("User goes to Dr. Haddad", DOCTOR_TURN, key="go_to:dr. haddad"),
     [LINDQVIST], LINDQVIST.id),
    ("a plain attribute may end a memory of a predicate key", said("User's GP is Dr. Haddad", DOCTOR_TURN, key="gp"),
     [stored("User sees a doctor at Ridgeway", key="sees:ridgeway doctor")], "S:User sees a doctor at Ridgeway"),
    ("two plain attributes never end each other ('gp' is not 'doctor')",
     said("User's GP is Dr. Haddad", DOCTOR_TURN, key="gp"), [LINDQVIST], None),
    ("the same plain attribute may be ended across its value",
     said("User's doctor is Dr. Haddad", DOCTOR_TURN, key="doctor"),
     [stored("User's GP at Ridgeway never listens", key="doctor")], "S:User's GP at Ridgeway never listens"),
    ("a value held in a context is not the current one: not ended",
     said("User goes to Dr. Haddad", DOCTOR_TURN, key="go_to:dr. haddad"),
     [stored("User sees a doctor at the clinic on weekends", key="doctor@on weekends")], None),
    ("a candidate held in a context ends no current memory",
     said("User goes to Dr. Haddad on Fridays", DOCTOR_TURN, key="go_to:dr. haddad@on fridays"), [LINDQVIST], None),
    # Categories: a change ends its own category's memories, facts and preferences each other's.
    ("a preference may end a fact (hobbies are filed as either)",
     said("User plays pickleball now", KNEE_TURN, "preference"), [league("fact")], "S:User plays in a Thursday tennis league"),
    ("a fact does not end a goal", said("User plays pickleball now", KNEE_TURN), [league("goal")], None),
    ("a relationship may end a relationship",
     said("User's partner is Sam", "I broke up with Alex, my boyfriend. Now I'm seeing Sam.", "relationship"),
     [stored("User's boyfriend is Alex, a chef", "relationship")], "S:User's boyfriend is Alex, a chef"),
    ("a denial ends what it names in another category",
     said("User quit the tennis team", KNEE_TURN, negated=True), [league("preference")],
     "S:User plays in a Thursday tennis league"),
    ("a denial never ends a person", said("User quit the tennis team", KNEE_TURN, negated=True), [league("relationship")],
     None),
    ("a denial about a person ends no fact", said("User quit the tennis team", KNEE_TURN, "relationship", negated=True),
     [league("fact")], None),
]


@pytest.mark.parametrize(("rule", "candidate", "related", "ended"), ANCHORED, ids=[r[0] for r in ANCHORED])
def test_what_a_word_of_change_ends(rule: str, candidate: Claim, related: list[Claim], ended: str | None) -> None:
    found = changed_from(candidate, related)
    assert (found.id if found else None) == ended


def test_a_change_a_word_names_updates_the_memory() -> None:
    assert classify(HADDAD, [LINDQVIST]) == Decision(
        Action.UPDATE, "a newer value for the same attribute", target_id=LINDQVIST.id
    )


# --- a refinement ("to be precise") replaces the newest earlier memory of its category ---------------

REFINE_TURN = "To be more specific, what I want is to learn Python for the spreadsheets at work."
PYTHON = said("User wants to learn Python for the spreadsheets at work", REFINE_TURN, "goal")
CODE = stored("User wants to learn to code", "goal")

REFINED = [
    ("the newest earlier memory of the category is the one refined",
     PYTHON, [stored("User wants to visit Japan", "goal", said_at=T0 - DAY), CODE], CODE.id),
    ("a memory of another category is not refined", PYTHON, [stored("User works in logistics")], None),
    ("a memory of the same turn is not refined", PYTHON, [stored("User wants to learn to code", "goal", said_at=T1)],
     None),
    ("an undated memory of the category is refined", PYTHON, [stored("User wants to learn to code", "goal", said_at=None)],
     "S:User wants to learn to code"),
    ("a refinement never crosses two plain attributes ('works in finance' and 'works at Barclays')",
     said("User works at Barclays", "To be precise, I work at Barclays.", key="employer"),
     [stored("User works in finance", key="industry")], None),
    ("without a word of refinement, an unnamed memory of the category is left",
     said("User wants to run a marathon", "I want to run a marathon now."), [stored("User wants to learn to code")], None),
]


@pytest.mark.parametrize(("rule", "candidate", "related", "ended"), REFINED, ids=[r[0] for r in REFINED])
def test_what_a_refinement_replaces(rule: str, candidate: Claim, related: list[Claim], ended: str | None) -> None:
    found = changed_from(candidate, related)
    assert (found.id if found else None) == ended


# --- a single-valued slot: another value supersedes the stored one under another key ----------------

JUNIOR = stored("User is a junior developer", key="job_title", value="junior developer")
SENIOR = Claim("User got promoted to senior developer", "fact", said_at=T1)

SLOTTED = [
    ("another value of the slot ends the stored one", SENIOR, [JUNIOR], JUNIOR.id),
    ("an undated stored value is ended", SENIOR, [stored("User is a junior developer", said_at=None)],
     "S:User is a junior developer"),
    ("an undated candidate ends the stored value", Claim(SENIOR.content, "fact"), [JUNIOR], JUNIOR.id),
    ("a value of the candidate's own turn is never ended", SENIOR, [stored("User was a junior developer", said_at=T1)],
     None),
    ("a denial of one value says nothing of another ('not a senior developer yet')",
     Claim("User isn't a senior developer yet", "fact", negated=True, said_at=T1), [JUNIOR], None),
    ("an addition ('also') replaces no value",
     Claim("User also has a premium plan for the pool", "fact", said_at=T1),
     [stored("User is on the basic plan at the gym")], None),
    ("a value held in a context is not the current one",
     Claim("User went for the premium plan", "fact", said_at=T1),
     [stored("User is on the basic plan at the pool in summer", key="plan@in summer")], None),
    ("the slot must cover both categories: a belt of expertise and of a preference",
     Claim("User got their purple belt", "expertise", said_at=T1), [stored("User is a blue belt in BJJ", "preference")],
     "S:User is a blue belt in BJJ"),
    ("a slot does not cover a goal", Claim("User got their purple belt", "goal", said_at=T1),
     [stored("User is a blue belt in BJJ", "preference")], None),
    ("nor a stored goal", Claim("User got their purple belt", "expertise", said_at=T1),
     [stored("User is a blue belt in BJJ", "goal")], None),
]


@pytest.mark.parametrize(("rule", "candidate", "related", "ended"), SLOTTED, ids=[r[0] for r in SLOTTED])
def test_what_another_value_of_a_slot_ends(rule: str, candidate: Claim, related: list[Claim], ended: str | None) -> None:
    found = changed_from(candidate, related)
    assert (found.id if found else None) == ended


# --- the same value under one key, at its boundaries ------------------------------------------------

WANTS_DETAIL = stored("User wants detailed answers", "procedure", key="procedure:response_length")
NURSE = stored("User is a nurse", key="job_title", value="nurse")


def test_a_valueless_key_said_again_with_one_more_word_is_a_restatement() -> None:
    # 4 shared words of 5: exactly the near-duplicate similarity (0.8); nothing new to store.
    again = Claim("User wants detailed answers always", "procedure", "procedure:response_length", said_at=T1)
    assert classify(again, [WANTS_DETAIL]) == Decision(Action.REJECT, "same value already stored",
                                                       target_id=WANTS_DETAIL.id)


def test_a_value_against_a_valueless_memory_of_the_key_is_a_new_value() -> None:
    # Its words are all in the stored memory ("eats no meat"), but it states a value that memory does not.
    meat = Claim("User eats meat", "fact", "diet", "meat", said_at=T1)
    no_meat = stored("User eats no meat", key="diet")
    assert classify(meat, [no_meat]) == Decision(Action.UPDATE, "a newer value for the same attribute",
                                                 target_id=no_meat.id)


def test_the_same_value_with_three_new_words_refines_the_stored_memory() -> None:
    full = Claim("User is a nurse at Mercy General Hospital", "fact", "job_title", "nurse", said_at=T1)
    assert classify(full, [NURSE]) == Decision(
        Action.MERGE, "the new memory refines a stored one", target_id=NURSE.id, merged_content=full.content
    )

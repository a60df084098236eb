"""A statement of change ends the stored memory that a word beside it names, across keys and
categories (accord.domain.shifts and the anchored rule of conflict_rules.changed_from)."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.domain.conflict_rules import Action, Claim, changed_from, classify
from accord.domain.shifts import anchors, shift_anchors, window

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=30)

DOCTOR_TURN = "I have change my doctor, now I go to Dr. Haddad, she listen more."
ARSENAL_TURN = "My daughter plays at Brentford. Sold my Arsenal season ticket last week. I support Brentford now."


def stored(content: str, category: str = "fact", key: str | None = None, **kw: object) -> Claim:
    kw.setdefault("said_at", T0)
    return Claim(content=content, category=category, attribute_key=key, id=f"S:{content}", **kw)  # type: ignore[arg-type]


def new(content: str, turn: str, category: str = "fact", key: str | None = None, negated: bool = False) -> Claim:
    return Claim(
        content=content,
        category=category,
        attribute_key=key,
        negated=negated,
        said_at=T1,
        shift_anchors=shift_anchors(turn, content, negated=negated),
    )


# --- the window: the candidate's sentence and its neighbours, only with a word of change ------------


def test_the_window_is_the_candidates_sentence_with_its_neighbours() -> None:
    turn = "We had a long week. The kids were sick. I switched to Ally. The weather was awful. We stayed in."
    assert window(turn, "User switched to Ally") == "The kids were sick. I switched to Ally. The weather was awful."


@pytest.mark.parametrize(
    ("turn", "candidate"),
    [
        ("My doctor is Dr. Haddad, she listens.", "User's doctor is Dr. Haddad"),  # no word of change
        ("I moved house. It was a long week. I go to Dr. Haddad.", "User goes to Dr. Haddad"),  # the cue is too far
        ("I have changed my doctor.", "User lives in Rome"),  # the candidate is not in the turn
        ("", "User goes to Dr. Haddad"),
    ],
)
def test_no_window_without_a_word_of_change_beside_the_candidate(turn: str, candidate: str) -> None:
    assert window(turn, candidate) is None
    assert shift_anchors(turn, candidate, negated=False) == frozenset()


def test_anchors_are_the_windows_distinctive_words_but_the_statements_own() -> None:
    got = anchors(DOCTOR_TURN, "User goes to Dr. Haddad", negated=False)
    assert "doctor" in got and "haddad" not in got  # its own new value names nothing old
    assert not got & {"now", "go", "chang", "dr"}  # generic words, words of change, short words


def test_a_denials_own_words_are_anchors() -> None:
    turn = "My knee surgery means I'm out of the tennis league for good."
    assert {"tenni", "leagu"} <= shift_anchors(turn, "User is out of the tennis league", negated=True)
    assert not {"tenni", "leagu"} & shift_anchors(turn, "User is out of the tennis league", negated=False)


# --- the anchored rule ---------------------------------------------------------------------------------

LINDQVIST = stored("User's doctor is Dr. Lindqvist at the health centre", key="doctor")
ARSENAL = stored("User is a lifelong Arsenal fan", category="preference", key="likes:arsenal")


def test_a_change_ends_the_memory_a_word_beside_it_names() -> None:
    haddad = new("User goes to Dr. Haddad", DOCTOR_TURN, key="go_to:dr. haddad")
    assert classify(haddad, [LINDQVIST]).action is Action.UPDATE
    assert classify(haddad, [LINDQVIST]).target_id == LINDQVIST.id
    brentford = new("User supports Brentford now", ARSENAL_TURN, category="preference", key="support:brentford")
    assert changed_from(brentford, [ARSENAL]) == ARSENAL


def test_the_newest_named_memory_is_the_one_changed() -> None:
    older = stored("User's doctor was assigned by the clinic", said_at=T0 - dt.timedelta(days=9))
    haddad = new("User goes to Dr. Haddad", DOCTOR_TURN)
    assert changed_from(haddad, [older, LINDQVIST]) == LINDQVIST


def test_without_a_word_of_change_nothing_is_ended() -> None:
    turn = "My doctor said to rest. I go to Dr. Haddad on Mondays."
    assert classify(new("User goes to Dr. Haddad", turn), [LINDQVIST]).action is Action.INSERT


def test_a_memory_of_the_same_turn_is_never_ended_by_its_sibling() -> None:
    sibling = stored("User has changed their doctor", said_at=T1)
    assert changed_from(new("User goes to Dr. Haddad", DOCTOR_TURN), [sibling]) is None


def test_two_plain_attributes_never_end_each_other() -> None:
    turn = "We moved to Austin, I still work at Google."
    employer = stored("User works at Google", key="employer")
    city = new("User lives in Austin", turn, key="city")
    assert changed_from(city, [employer]) is None
    qualified = stored("User works at Google on weekends", key="go_to:google@on weekends")
    assert changed_from(new("User goes to Google's campus now", "I go to Google's campus now, not the office."), [qualified]) is None


def test_an_addition_ends_nothing() -> None:
    turn = "I volunteer at the shelter now, at the library too."
    assert changed_from(new("User volunteers at the library too", turn), [stored("User reads at the shelter")]) is None


@pytest.mark.parametrize(
    ("candidate_category", "negated", "stored_category", "ends"),
    [
        ("preference", False, "fact", True),  # hobbies are filed as either
        ("fact", False, "preference", True),
        ("fact", False, "goal", False),
        ("fact", True, "preference", True),  # a denial ends what it names, in any category
        ("fact", True, "expertise", True),
        ("fact", True, "relationship", False),  # ... but never a person
        ("relationship", True, "fact", False),
    ],
)
def test_which_categories_a_change_may_end(candidate_category: str, negated: bool, stored_category: str, ends: bool) -> None:
    turn = "My knee surgery means I quit the tennis team for good. I play pickleball now."
    old = stored("User plays in a Thursday tennis league", category=stored_category)
    # The denial's words are not all the stored memory's: the anchored rule decides, not the denied value.
    said = "User quit the tennis team" if negated else "User plays pickleball now"
    candidate = new(said, turn, category=candidate_category, negated=negated)
    assert (changed_from(candidate, [old]) == old) is ends


# --- a refinement: "to be precise" makes the newest earlier memory of the category more exact -------


def test_a_refinement_replaces_the_newest_earlier_memory_of_its_category() -> None:
    goal = stored("User wants to learn to code", "goal")
    older = stored("User wants to visit Japan", "goal", said_at=T0 - dt.timedelta(days=9))
    turn = "To be more specific, what I want is to learn Python for the spreadsheets at work."
    candidate = new("User wants to learn Python for the spreadsheets at work", turn, "goal")
    assert changed_from(candidate, [older, goal]) == goal
    assert classify(candidate, [older, goal]).action is Action.UPDATE


def test_without_a_word_of_refinement_an_unrelated_memory_is_left_alone() -> None:
    goal = stored("User wants to learn to code", "goal")
    candidate = new("User wants to run a marathon", "I want to run a marathon.", "goal")
    assert changed_from(candidate, [goal]) is None


def test_a_refinement_never_crosses_two_plain_attributes() -> None:
    # "works in finance" and "works at Barclays" are both true: an industry and an employer.
    industry = stored("User works in finance", key="industry")
    candidate = new("User works at Barclays", "To be precise, I work at Barclays.", key="employer")
    assert changed_from(candidate, [industry]) is None

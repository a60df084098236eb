"""Statements of change in the rules extractor: denials by ending verbs, dropped subjects and
fragments that borrow the verb of the denial before them."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules.extractor import extract_memories
from accord.domain.models import Message


def read(text: str) -> list[tuple[str, str | None, str | None, bool]]:
    return [(m.content, m.attribute_key, m.attribute_value, m.negated) for m in extract_memories([Message(role="user", content=text)])]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I quit smoking.", "smoke"),
        ("Stopped drinking.", "drink"),
        ("Sold the Fit last month.", "fit"),
        ("I left Berlin in the spring.", "berlin"),
    ],
)
def test_an_ending_verb_denies_its_object(text: str, value: str) -> None:
    denials = [r for r in read(text) if r[3]]
    assert [r[2] for r in denials] == [value]


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("Closed my Wells Fargo account, everything is at Ally these days.", "bank", "ally"),
        ("Cancelled Netflix, we've got Disney+ for the kids.", "video_service", "disney+"),
        ("cancled my membrship, im going to Equinox now", "gym", "equinox"),
        ("I passed to Orange, they have better price.", "mobile_carrier", "orange"),
    ],
)
def test_a_sentence_of_change_that_names_a_thing_of_a_known_kind_states_it_under_the_kind(
    text: str, key: str, value: str
) -> None:
    # The new value of the kind says the old one is gone: the denial beside it adds nothing.
    assert [(k, v, neg) for _, k, v, neg in read(text)] == [(key, value, False)]


@pytest.mark.parametrize(
    "text",
    [
        "I watch Netflix with my kids.",  # no word of change
        "I cancelled Netflix now.",  # what it ends, not what it starts
        "We got a puppy called Chase, no more quiet evenings now.",  # a name of a pet, not a bank
        "I have an ally in my boss now.",  # the word, not the bank
    ],
)
def test_a_thing_of_a_known_kind_is_no_new_value_without_a_change_to_it(text: str) -> None:
    assert not [r for r in read(text) if r[1] in {"video_service", "bank"} and not r[3]]


def test_a_habit_and_its_denial_share_a_key() -> None:
    assert read("I smoke a lot") == [("User smokes a lot", "habit:smoke", "smoke", False)]
    assert read("I quit smoking") == [("User quit smoking", "habit:smoke", "smoke", True)]


def test_trading_one_value_for_another_denies_the_old_and_states_the_new() -> None:
    assert read("Traded the Rio for a Kia Sportage.") == [
        ("User no longer has Rio", None, "rio", True),
        ("User now has a Kia Sportage", None, "kia sportage", False),
    ]


def test_a_fragment_after_a_denial_borrows_its_verb() -> None:
    assert read("Don't live in Tucson anymore. Portland.") == [("User lives in Portland now", "city", "portland", False)]
    assert ("User is at Microsoft now", "employer", "microsoft", False) in read("No longer at IBM. Microsoft.")


@pytest.mark.parametrize("text", ["I left early", "I literally cannot cook, I burned pasta last week. Pasta!", "Quit it."])
def test_look_alikes_are_not_denials_or_new_values(text: str) -> None:
    assert not [r for r in read(text) if r[3] or r[0].endswith(" now")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Oh, by the way, can you call me Maggie from now on?", "maggie"),
        ("Please call me Beth instead of Liz, I'm training for a half marathon.", "beth"),
        ("I think I'd rather you call me Sasha from now on, if that's okay?", "sasha"),
        ("I go by Rob these days, I work in insurance.", "rob"),
        ("I'm Tom, 34, from Glasgow.", "tom"),
        ("Hi, I'm Emma, I'm a second-year nursing student.", "emma"),
        ("I'm Jon Smith.", "jon smith"),
    ],
)
def test_a_name_is_read_wherever_it_stands(text: str, name: str) -> None:
    assert [r[2] for r in read(text) if r[1] == "name"] == [name]


@pytest.mark.parametrize("text", ["I'm Canadian.", "Can you call me an Uber?", "Call me Monday.", "I'm Sorry, I'm Late."])
def test_name_look_alikes_are_not_names(text: str) -> None:
    assert [r for r in read(text) if r[1] == "name"] == []


def test_pronouns_are_read_inside_a_longer_sentence() -> None:
    assert ("User uses they/them pronouns", "pronouns", "they/them", False) in read(
        "Small update about me: I use they/them pronouns these days."
    )


@pytest.mark.parametrize(
    ("before", "after", "topic"),
    [
        ("Fractions really confuse me, especially dividing them.", "I think I kind of understand fractions now?", "fractions"),
        ("I struggle with quadratics.", "I finally get quadratics now.", "quadratics"),
        ("Derivatives make no sense to me at all.", "Derivatives finally make sense to me.", "derivatives"),
    ],
)
def test_a_struggle_and_its_later_grasp_share_a_key(before: str, after: str, topic: str) -> None:
    assert [(r[1], r[2]) for r in read(before)] == [(f"expertise:{topic}", "struggling")]
    assert [(r[1], r[2]) for r in read(after)] == [(f"expertise:{topic}", "understands")]


@pytest.mark.parametrize("text", ["The menu confuses me.", "My boss confuses me.", "I get headaches.", "I struggle with anxiety."])
def test_grasp_look_alikes_are_not_expertise(text: str) -> None:
    assert not [r for r in read(text) if (r[1] or "").startswith("expertise:")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Upgraded to a Sony A7 IV, sold the Rebel.", "sony a7 iv"),
        ("Picked up a PS5 on Black Friday, the old PS4 went to my nephew.", "ps5"),
        ("Switched to Slack for work.", "slack"),
    ],
)
def test_a_switch_states_a_value_that_replaces_the_same_kind(text: str, value: str) -> None:
    (memory,) = [m for m in extract_memories([Message(role="user", content=text)]) if not m.negated and m.category.value == "fact"]
    assert memory.attribute_value == value and memory.resolution_hint == {"change": "replaces_kind"}


@pytest.mark.parametrize("text", ["I'm back now", "I got a dog", "We moved in last week", "I bought groceries"])
def test_switch_look_alikes_are_not_replacements(text: str) -> None:
    assert all(m.resolution_hint is None for m in extract_memories([Message(role="user", content=text)]))


def test_a_break_up_denies_the_partner_by_name() -> None:
    assert read("Hana and I broke up; I moved in with my brother for now.")[0] == (
        "User and Hana are no longer together", None, "hana", True
    )


def test_a_softened_copula_reads_as_the_plain_one() -> None:
    assert read("I think I'm more of an Airbnb person these days?")[0][1:3] == ("likes:airbnb", "airbnb person")


def test_a_job_title_with_an_employer_keeps_the_employer_out_of_the_title() -> None:
    assert [(r[0], r[1]) for r in read("I'm a software engineer at Initrode.")] == [
        ("User is a software engineer", "job_title"),
        ("User works at Initrode", "employer"),
    ]


@pytest.mark.parametrize(
    "text", ["I hate mushrooms, the texture is awful.", "I love mushrooms now, who knew.", "I love mushrooms now"]
)
def test_liking_and_disliking_one_thing_share_a_key(text: str) -> None:
    assert [r[1] for r in read(text)] == ["likes:mushrooms"]


def test_an_undated_former_value_is_kept_for_resolution_to_date() -> None:
    (memory,) = extract_memories([Message(role="user", content="I used to live in Paris")])
    assert (memory.attribute_key, memory.valid_to, memory.resolution_hint) == ("city", None, {"change": "ended"})

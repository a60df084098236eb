"""Tastes said in idioms (accord.adapters.extractors.rules._frames): each becomes a preference under
the key "I love X" / "I hate X" would use, and an idiom said of someone else is no taste of the user's."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules.extractor import extract_memories
from accord.domain.models import Category, Message


def tastes(text: str) -> list[tuple[str | None, str | None]]:
    got = extract_memories([Message(role="user", content=text)])
    return [(m.attribute_key, m.attribute_value) for m in got if m.category is Category.PREFERENCE]


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("Nothing beats a good ramen.", "likes:ramen", "like"),
        ("You can't beat a cold IPA on a Friday.", "likes:cold ipa", "like"),  # the time is no part of the thing
        ("Team Android all the way.", "likes:android", "like"),
        ("I live for live jazz.", "likes:live jazz", "like"),
        ("I could eat tacos every day.", "likes:tacos", "like"),
        ("Can't get enough of K-dramas.", "likes:k-dramas", "like"),
        ("I'm a total sucker for rom-coms.", "likes:rom-coms", "like"),
        ("I'm really big on board games.", "likes:board games", "like"),
        ("I'm more of a tea drinker.", "likes:tea", "like"),
        ("Sushi is life.", "likes:sushi", "like"),
        ("Hiking makes me so happy.", "likes:hiking", "like"),
        ("Give me mountains over beaches any day.", "likes:mountains", "like"),
        ("Horror movies aren't for me.", "likes:horror movies", "dislike"),
        ("Musicals are just not my cup of tea.", "likes:musicals", "dislike"),
        ("Not big on seafood.", "likes:seafood", "dislike"),
        ("I've never been a fan of musicals.", "likes:musicals", "dislike"),
        ("Country music is so overrated.", "likes:country music", "dislike"),
        ("Cilantro tastes like soap to me.", "likes:cilantro", "dislike"),
        ("IPAs are way too bitter for me.", "likes:ipas", "dislike"),
        ("Opera does nothing for me.", "likes:opera", "dislike"),
    ],
)
def test_an_idiom_of_taste_is_a_preference_under_the_things_key(text: str, key: str, value: str) -> None:
    assert (key, value) in tastes(text)


@pytest.mark.parametrize(
    "text",
    [
        "My sister says country music is overrated.",  # someone else's opinion
        "He thinks jazz is life.",
        "This is not for me.",  # no thing named
        "I'm a night person.",  # the hours someone keeps, not a taste for nights
        "Nothing beats it.",
    ],
)
def test_an_idiom_without_the_users_own_thing_is_no_taste(text: str) -> None:
    assert not any(v in {"like", "dislike"} for _, v in tastes(text))


def test_a_later_idiom_of_distaste_shares_the_key_of_an_earlier_love() -> None:
    loved = tastes("I love country music.")
    hated = tastes("Country music is overrated.")
    assert loved == [("likes:country music", "like")] and hated == [("likes:country music", "dislike")]

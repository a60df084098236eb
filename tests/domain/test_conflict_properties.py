"""Conflict classification is deterministic, and ``related``'s order only breaks ties.

``classify(candidate, related)`` walks its rules in a fixed order (exact duplicate, then the
word rules over memories without an attribute, then the same attribute key) and, inside a
rule, takes the first stored claim of ``related`` that fires. So what the order of
``related`` may change is exactly *which* of several claims that fire is the target, never
which rule decides when only one claim can fire. The properties below state that:

1. the same inputs give the same decision (no hidden state: the tokenizer's caches, set
   iteration order);
2. one claim decides: the decision equals the one ``classify`` gives with its target alone
   (or with nothing, for an insert), so the other claims only lose the tie;
3. when at most one stored claim would change the decision on its own, every order of
   ``related`` gives the same decision;
4. an exact duplicate wins wherever it stands in ``related``; among several, the first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from accord.domain.conflict_rules import Action, Claim, classify
from hypothesis import given, settings
from hypothesis import strategies as st

# A small vocabulary so restatements, refinements, near duplicates and same keys collide often.
_WORDS = ["coffee", "tea", "black", "green", "morning", "weekend", "sister", "maya", "exam", "may", "not"]
_DAYS = [None, dt.datetime(2026, 5, 1, tzinfo=dt.UTC), dt.datetime(2026, 5, 8, tzinfo=dt.UTC)]

contents = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5).map(" ".join) | st.sampled_from(
    ["likes coffee", "Likes coffee.", "likes  black coffee", "likes coffee in the morning"]
)
claims = st.builds(
    Claim,
    content=contents,
    category=st.sampled_from(["preference", "fact"]),
    attribute_key=st.sampled_from([None, None, "drink", "date:exam", "relationship:sister:maya"]),
    attribute_value=st.sampled_from([None, "coffee", "tea", "Coffee"]),
    confidence=st.sampled_from([0.3, 0.5, 0.7, 0.8, 0.95]),
    negated=st.booleans(),
    scope=st.sampled_from(["user", "tenant"]),
    context=st.sampled_from([None, None, "on weekends"]),
    valid_to=st.sampled_from(_DAYS),
    stated_by=st.sampled_from([None, "u1", "u2"]),
    said_at=st.sampled_from(_DAYS),
    change_cue=st.booleans(),
)
policies = st.sampled_from(["weigh", "review"])


def same_words(text: str) -> str:
    """What "exact duplicate" means in the rules: equal up to case, spacing and a final . or !"""
    return " ".join(text.lower().split()).rstrip(".!")


def stored(raw: list[Claim]) -> list[Claim]:
    """Stored claims carry distinct ids, so a decision's target names exactly one of them."""
    return [dataclasses.replace(c, id=f"m{i}") for i, c in enumerate(raw)]


@settings(max_examples=300, deadline=None)
@given(claims, st.lists(claims, max_size=6), policies)
def test_the_same_inputs_give_the_same_decision(candidate: Claim, raw: list[Claim], policy: str) -> None:
    related = stored(raw)
    first = classify(candidate, related, shared_policy=policy)
    again = classify(dataclasses.replace(candidate), [dataclasses.replace(c) for c in related], shared_policy=policy)
    assert again == first == classify(candidate, related, shared_policy=policy)


@settings(max_examples=300, deadline=None)
@given(claims, st.lists(claims, max_size=6), policies, st.randoms(use_true_random=False))
def test_one_claim_decides_and_the_others_only_lose_the_tie(
    candidate: Claim, raw: list[Claim], policy: str, rnd
) -> None:  # type: ignore[no-untyped-def]
    related = stored(raw)
    rnd.shuffle(related)
    decision = classify(candidate, related, shared_policy=policy)
    if decision.target_id is None:
        assert decision.action is Action.INSERT
        assert decision == classify(candidate, [], shared_policy=policy)
    else:
        (target,) = [c for c in related if c.id == decision.target_id]
        assert decision == classify(candidate, [target], shared_policy=policy)


@settings(max_examples=300, deadline=None)
@given(claims, st.lists(claims, max_size=6), policies, st.data())
def test_without_a_tie_every_order_gives_the_same_decision(
    candidate: Claim, raw: list[Claim], policy: str, data: st.DataObject
) -> None:
    related = stored(raw)
    deciders = [c for c in related if classify(candidate, [c], shared_policy=policy).action is not Action.INSERT]
    if len(deciders) > 1:
        return  # a tie: the order picks among them (the property above)
    expected = classify(candidate, deciders, shared_policy=policy)
    shuffled = data.draw(st.permutations(related))
    assert classify(candidate, shuffled, shared_policy=policy) == expected


@settings(max_examples=200, deadline=None)
@given(claims, st.lists(claims, max_size=5), st.integers(min_value=1, max_value=3), st.data())
def test_an_exact_duplicate_wins_wherever_it_stands(
    candidate: Claim, raw: list[Claim], copies: int, data: st.DataObject
) -> None:
    # The same words up to case, spacing and a final full stop: an exact duplicate.
    duplicate = dataclasses.replace(data.draw(claims), content="  " + candidate.content.upper() + ".")
    others = [c for c in raw if same_words(c.content) != same_words(candidate.content)]
    related = data.draw(st.permutations(stored([*others, *[duplicate] * copies])))
    decision = classify(candidate, related)
    first_duplicate = next(c for c in related if c.content == duplicate.content)
    assert (decision.action, decision.reason, decision.target_id) == (
        Action.REJECT,
        "exact duplicate",
        first_duplicate.id,
    )

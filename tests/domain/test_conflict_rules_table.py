"""The conflict rules, one table row per rule boundary: which memory wins, exactly.

Each row names the rule it pins. The outcome is the whole decision that the engine applies
(action, target, who is weighted down, the merged text), not only the action.
"""

from __future__ import annotations

import datetime as dt

import pytest

from accord.domain.conflict_rules import Action, Claim, Decision, choose_option, classify, merge_contents, similarity

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=30)


def stored(content: str, category: str = "fact", key: str | None = None, value: str | None = None, **kw) -> Claim:
    kw.setdefault("said_at", T0)
    return Claim(content=content, category=category, attribute_key=key, attribute_value=value, id=f"S:{content}", **kw)


def new(content: str, category: str = "fact", key: str | None = None, value: str | None = None, **kw) -> Claim:
    kw.setdefault("said_at", T1)
    return Claim(content=content, category=category, attribute_key=key, attribute_value=value, **kw)


CITY = stored("User lives in Berlin", key="city", value="berlin")
LISBON = new("User lives in Lisbon", key="city", value="lisbon")
GOAL = stored("User wants a marathon", "goal")  # terms: user, want, marathon
NATO = "alpha bravo charlie delta echo foxtrot golf hotel"

# (rule, candidate, related, expected action, expected target)
ACTIONS = [
    # Rule 1: words are compared only within one scope and one category.
    ("a user's memory is not a restatement of a tenant-wide one",
     new("User wants a marathon", "goal", scope="user"), [stored("User wants a marathon soon", "goal", scope="tenant")],
     Action.INSERT, None),
    ("a tenant memory is not a restatement of a user's one",
     new("user wants", "goal", scope="tenant"), [GOAL], Action.INSERT, None),
    ("a restatement in another category is not a restatement", new("User wants a marathon again", "fact"), [GOAL],
     Action.INSERT, None),
    ("the same words in the same scope and category are a weaker restatement", new("user wants", "goal"), [GOAL],
     Action.REJECT, GOAL.id),
    ("an exact duplicate ignores case, spacing and final punctuation", new("  user LIVES   in berlin!", key="city"),
     [CITY], Action.REJECT, CITY.id),
    ("an exact duplicate of a keyed memory is found even with another category",
     new("User lives in Berlin", "preference"), [CITY], Action.REJECT, CITY.id),
    # Near duplicates: Jaccard >= 0.8 of stemmed content words, neither a subset of the other.
    ("Jaccard exactly 0.8 is a near duplicate", new(f"{NATO} india"), [stored(f"{NATO} juliet")],
     Action.REJECT, f"S:{NATO} juliet"),
    ("Jaccard 7/11 is not a near duplicate", new(f"{NATO} india kilo"), [stored(f"{NATO} juliet lima")],
     Action.INSERT, None),
    # Refinement: says all the old one did and more, and is similar enough (>= 0.5).
    ("a refinement at similarity exactly 0.5 merges", new("User wants a marathon in Berlin in October soon", "goal"),
     [GOAL], Action.MERGE, GOAL.id),
    ("an unrelated long goal that happens to contain the old words is not merged",
     new("User wants a marathon, a promotion, a house, a dog and a boat", "goal"), [GOAL], Action.INSERT, None),
    # Same attribute, same value.
    ("the same value in other words, any case, is already stored", new("User is based in BERLIN", key="city", value="Berlin"),
     [CITY], Action.REJECT, CITY.id),
    ("a denial of the same value is not the same value",
     new("User does not live in Berlin", key="city", value="berlin", negated=True), [CITY], Action.UPDATE, CITY.id),
    ("another detail of the same person merges", new("User's sister Maya is a nurse", "relationship",
     "relationship:sister:maya", "maya"), [stored("User's sister is Maya", "relationship", "relationship:sister:maya", "maya")],
     Action.MERGE, "S:User's sister is Maya"),
    ("a two-part key with the same value is a duplicate, not a detail", new("User has a sister", "relationship",
     "relationship:sister", "yes"), [stored("User's sister exists", "relationship", "relationship:sister", "yes")],
     Action.REJECT, "S:User's sister exists"),
    ("the first stored memory with the key is the one compared", LISBON,
     [CITY, stored("User lives in Munich", key="city", value="munich")], Action.UPDATE, CITY.id),
    # Rule 2: same attribute, another value.
    ("a newer plain value supersedes the stored one", LISBON, [CITY], Action.UPDATE, CITY.id),
    ("a different context keeps both", new("User lives in Porto on weekends", key="city", value="porto",
     context="on weekends"), [CITY], Action.KEEP_BOTH, CITY.id),
    ("a stored context against none keeps both", LISBON,
     [stored("User lives in Berlin in winter", key="city", value="berlin", context="in winter")], Action.KEEP_BOTH,
     "S:User lives in Berlin in winter"),
    ("the same context on both sides is an update", new("User lives in Porto in winter", key="city", value="porto",
     context="in winter"), [stored("User lives in Faro in winter", key="city", value="faro", context="in winter")],
     Action.UPDATE, "S:User lives in Faro in winter"),
    ("validity ending exactly when it was said is about the past", new("User lived in Paris", key="city", value="paris",
     valid_to=T1), [CITY], Action.KEEP_BOTH, CITY.id),
    ("validity ending after it was said is a current claim", new("User lives in Paris until June", key="city",
     value="paris", valid_to=T1 + dt.timedelta(seconds=1)), [CITY], Action.UPDATE, CITY.id),
    ("an end of validity with no time said is about the past", new("User lived in Rome", key="city", value="rome",
     valid_to=T0, said_at=None), [CITY], Action.KEEP_BOTH, CITY.id),
    ("hedged against confident asks the user", new("User may live in Porto", key="city", value="porto", confidence=0.59),
     [CITY], Action.ASK_USER, CITY.id),
    ("hedged against hedged is an update, not a question", new("User may live in Porto", key="city", value="porto",
     confidence=0.4), [stored("User may live in Berlin", key="city", value="berlin", confidence=0.5)], Action.UPDATE,
     "S:User may live in Berlin"),
    ("a candidate at exactly the hedge threshold is confident", new("User lives in Porto", key="city", value="porto",
     confidence=0.6), [CITY], Action.UPDATE, CITY.id),
    ("a stored claim at exactly the hedge threshold is confident", new("User may live in Porto", key="city",
     value="porto", confidence=0.59), [stored("User lives in Berlin", key="city", value="berlin", confidence=0.6)],
     Action.ASK_USER, CITY.id),
    ("a hedged claim that says it changed is an update", new("User may have moved to Porto", key="city", value="porto",
     confidence=0.4, change_cue=True), [CITY], Action.UPDATE, CITY.id),
    ("a tenant claim against a user's memory is an ordinary update", new("The office is in Porto", key="city",
     value="porto", scope="tenant", stated_by="bob"), [CITY], Action.UPDATE, CITY.id),
    ("a user's claim against a tenant one is an ordinary update", new("User lives in Porto", key="city", value="porto",
     scope="user", stated_by="bob"), [stored("Office is in Berlin", key="city", value="berlin", scope="tenant",
     stated_by="alice")], Action.UPDATE, "S:Office is in Berlin"),
]

DATE_KEYS = [
    ("date:exam", Action.ASK_USER),
    ("birthday", Action.ASK_USER),
    ("deadline", Action.ASK_USER),
    ("deadline:thesis", Action.ASK_USER),
    ("birthday:mum", Action.UPDATE),  # only the user's own birthday key is a date key
    ("exam:date", Action.UPDATE),
]


@pytest.mark.parametrize(("rule", "candidate", "related", "action", "target"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_rule(rule: str, candidate: Claim, related: list[Claim], action: Action, target: str | None) -> None:
    decision = classify(candidate, related)
    assert (decision.action, decision.target_id) == (action, target)


@pytest.mark.parametrize(("key", "action"), DATE_KEYS)
def test_two_values_of_a_date_key_ask_the_user_unless_it_moved(key: str, action: Action) -> None:
    old = stored("The date is May 12", key=key, value="2026-05-12")
    assert classify(new("The date is May 19", key=key, value="2026-05-19"), [old]).action is action
    moved = new("The date moved to May 19", key=key, value="2026-05-19", change_cue=True)
    assert classify(moved, [old]).action is Action.UPDATE


def test_a_question_quotes_both_notes() -> None:
    decision = classify(new("User may live in Porto", key="city", value="porto", confidence=0.4), [CITY])
    assert decision.question == (
        "I have two different notes: 'User lives in Berlin' and 'User may live in Porto'. Which one is right?"
    )


def test_a_refinement_merges_into_the_candidate_text() -> None:
    decision = classify(new("User wants a marathon in Berlin in October soon", "goal"), [GOAL])
    assert decision.merged_content == "User wants a marathon in Berlin in October soon"


def test_merge_keeps_both_texts_when_neither_contains_the_other() -> None:
    assert merge_contents("User's sister is Maya.", "Maya is a nurse") == "User's sister is Maya. Maya is a nurse"
    assert merge_contents("User likes tea", "User likes tea a lot") == "User likes tea a lot"


def test_similarity_of_texts_without_content_words() -> None:
    assert similarity("", "") == 1.0
    assert similarity("the of", "") == 1.0
    assert similarity("", "tea") == 0.0
    assert similarity("tea", "the") == 0.0
    assert similarity("green tea", "black tea") == pytest.approx(1 / 3)


# -- shared (tenant) claims from different users --------------------------------------------

VPN = "org:vpn"


def shared(content: str, by: str, confidence: float, said_at: dt.datetime | None, stored_id: str | None = None) -> Claim:
    return Claim(content=content, category="fact", attribute_key=VPN, attribute_value=content.split()[-1],
                 confidence=confidence, scope="tenant", stated_by=by, said_at=said_at, id=stored_id)


OLD_VPN = shared("The VPN is vpn1", "alice", 0.7, T0, "vpn-1")

# (rule, candidate, stored, policy, action, weighted_down_id, candidate_loses)
SHARED = [
    ("a new claim 0.2 less certain loses (0.6 against 0.8)", shared("The VPN is vpn2", "bob", 0.6, T1),
     shared("The VPN is vpn1", "alice", 0.8, T0, "vpn-1"), "weigh",
     Action.CROSS_USER_CONFIDENCE, None, True),
    ("a new claim 0.2 more certain wins (0.9 against 0.7)", shared("The VPN is vpn2", "bob", 0.9, T1), OLD_VPN, "weigh",
     Action.CROSS_USER_CONFIDENCE, "vpn-1", False),
    ("a gap under 0.2 is settled by time: the newer wins", shared("The VPN is vpn2", "bob", 0.85, T1), OLD_VPN, "weigh",
     Action.CROSS_USER_RECENCY, "vpn-1", False),
    ("a claim said before the stored one loses", shared("The VPN is vpn2", "bob", 0.7, T0 - dt.timedelta(seconds=1)),
     OLD_VPN, "weigh", Action.CROSS_USER_RECENCY, None, True),
    ("a claim said at the same instant wins", shared("The VPN is vpn2", "bob", 0.7, T0), OLD_VPN, "weigh",
     Action.CROSS_USER_RECENCY, "vpn-1", False),
    ("a claim with no time wins", shared("The VPN is vpn2", "bob", 0.7, None), OLD_VPN, "weigh",
     Action.CROSS_USER_RECENCY, "vpn-1", False),
    ("a stored claim with no time loses", shared("The VPN is vpn2", "bob", 0.7, T0 - dt.timedelta(days=9)),
     shared("The VPN is vpn1", "alice", 0.7, None, "vpn-1"), "weigh", Action.CROSS_USER_RECENCY, "vpn-1", False),
    ("two claims at 0.9 go to review", shared("The VPN is vpn2", "bob", 0.9, T1),
     shared("The VPN is vpn1", "alice", 0.95, T0, "vpn-1"), "weigh", Action.TENANT_REVIEW, None, False),
    ("one claim under 0.9 is weighed, not reviewed", shared("The VPN is vpn2", "bob", 0.89, T1),
     shared("The VPN is vpn1", "alice", 0.95, T0, "vpn-1"), "weigh", Action.CROSS_USER_RECENCY, "vpn-1", False),
    ("the review policy sends an unsettled disagreement to review", shared("The VPN is vpn2", "bob", 0.7, T1), OLD_VPN,
     "review", Action.TENANT_REVIEW, None, False),
    ("the review policy still lets a clear confidence gap decide", shared("The VPN is vpn2", "bob", 0.4, T1), OLD_VPN,
     "review", Action.CROSS_USER_CONFIDENCE, None, True),
    ("the same user correcting a shared claim updates it", shared("The VPN is vpn2", "alice", 0.7, T1), OLD_VPN,
     "weigh", Action.UPDATE, None, False),
]


@pytest.mark.parametrize(("rule", "candidate", "existing", "policy", "action", "down", "loses"), SHARED,
                         ids=[s[0] for s in SHARED])
def test_shared_claims(rule: str, candidate: Claim, existing: Claim, policy: str, action: Action, down: str | None,
                       loses: bool) -> None:
    decision = classify(candidate, [existing], shared_policy=policy)
    assert (decision.action, decision.target_id, decision.weighted_down_id, decision.candidate_loses) == (
        action, "vpn-1", down, loses)


def test_review_asks_which_shared_claim_is_right() -> None:
    decision = classify(shared("The VPN is vpn2", "bob", 0.7, T1), [OLD_VPN], shared_policy="review")
    assert decision.question == "Which is right: 'The VPN is vpn1' or 'The VPN is vpn2'?"


def test_nothing_related_is_a_bare_insert() -> None:
    assert classify(LISBON, []) == Decision(Action.INSERT, "nothing related is stored")


CHOICES = [
    ("1", "existing"), ("keep", "existing"), ("No.", "existing"), ("2", "candidate"), ("accept_new", "candidate"),
    ("YES!", "candidate"), ("both", "both"), ("keep_both", "both"), ("May 19", "candidate"), ("the 12th", "existing"),
    ("exam", None), ("", None),
]


@pytest.mark.parametrize(("answer", "choice"), CHOICES)
def test_choose_option_maps_an_answer_to_one_note(answer: str, choice: str | None) -> None:
    assert choose_option(answer, "Exam is on May 12", "Exam is on May 19") == choice

"""Conflict rules for change over time, one row per rule: which stored memory a statement of change
replaces across keys (``changed_from``), the order of dated statements, and the exact decision the
engine applies at the remaining boundaries (the confidence gap, a value-less key, merges).
"""

from __future__ import annotations

import datetime as dt

import pytest

from accord.domain.conflict_rules import Action, Claim, Decision, changed_from, classify, merge_contents

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=30)
DAY = dt.timedelta(days=1)


def stored(content: str, category: str = "fact", key: str | None = None, value: str | None = None, **kw) -> Claim:
    kw.setdefault("said_at", T0)
    return Claim(content=content, category=category, attribute_key=key, attribute_value=value, id=f"S:{content}", **kw)


def new(content: str, category: str = "fact", key: str | None = None, value: str | None = None, **kw) -> Claim:
    kw.setdefault("said_at", T1)
    return Claim(content=content, category=category, attribute_key=key, attribute_value=value, **kw)


CITY = stored("User lives in Berlin", key="city", value="berlin")
UPDATE_CITY = Decision(Action.UPDATE, "a newer value for the same attribute", target_id=CITY.id)

# --- an older statement never supersedes a newer one; only two dated statements are ordered by time

ORDER = [
    # (rule, candidate, stored, decision)
    ("a dated statement said before the stored one is kept as a past value, until the stored one began",
     new("User lives in Lisbon", key="city", value="lisbon", said_at=T0 - DAY), CITY,
     Decision(Action.KEEP_BOTH, "an older statement: kept as a past value, the newer one stays current",
              target_id=CITY.id, past_until=T0)),
    ("a statement said at the same instant as the stored one updates it",
     new("User lives in Lisbon", key="city", value="lisbon", said_at=T0), CITY, UPDATE_CITY),
    ("a statement said after the stored one updates it", new("User lives in Lisbon", key="city", value="lisbon"), CITY,
     UPDATE_CITY),
    ("an undated statement is ordered by arrival: it updates, whatever its time",
     new("User lives in Lisbon", key="city", value="lisbon", said_at=T0 - DAY, dated=False), CITY, UPDATE_CITY),
    ("against an undated stored memory, an earlier dated statement updates",
     new("User lives in Lisbon", key="city", value="lisbon", said_at=T0 - DAY),
     stored("User lives in Berlin", key="city", value="berlin", dated=False), UPDATE_CITY),
]


@pytest.mark.parametrize(("rule", "candidate", "existing", "decision"), ORDER, ids=[r[0] for r in ORDER])
def test_time_order_of_statements(rule: str, candidate: Claim, existing: Claim, decision: Decision) -> None:
    assert classify(candidate, [existing]) == decision


# --- the confidence gap between shared claims of different users: exactly 0.2 is clear --------------


def vpn(content: str, by: str, confidence: float, said_at: dt.datetime, stored_id: str | None = None) -> Claim:
    return Claim(content=content, category="fact", attribute_key="org:vpn", attribute_value=content.split()[-1],
                 confidence=confidence, scope="tenant", stated_by=by, said_at=said_at, id=stored_id)


@pytest.mark.parametrize(
    ("new_confidence", "stored_confidence", "decision"),
    [
        (0.5, 0.3, Decision(Action.CROSS_USER_CONFIDENCE, "shared claim: the stored claim is less certain",
                            target_id="vpn-1", weighted_down_id="vpn-1")),
        (0.3, 0.5, Decision(Action.CROSS_USER_CONFIDENCE, "shared claim: the new claim is less certain",
                            target_id="vpn-1", candidate_loses=True)),
    ],
    ids=["the stored claim exactly 0.2 less certain loses", "the new claim exactly 0.2 less certain loses"],
)
def test_a_confidence_gap_of_exactly_the_threshold_decides_and_the_reason_names_the_loser(
    new_confidence: float, stored_confidence: float, decision: Decision
) -> None:
    candidate = vpn("The VPN is vpn2", "bob", new_confidence, T1)
    assert classify(candidate, [vpn("The VPN is vpn1", "alice", stored_confidence, T0, "vpn-1")]) == decision


# --- exact decisions at the remaining boundaries ------------------------------------------------

NATO = "alpha bravo charlie delta echo foxtrot golf hotel"
SISTER = stored("User's sister is Maya", "relationship", "relationship:sister:maya", "maya")

EXACT = [
    # (rule, candidate, related, decision)
    ("two claims of one key, neither with a value, say the same",
     new("User smokes", key="habit:smoking"), [stored("User smokes a lot", key="habit:smoking")],
     Decision(Action.REJECT, "same value already stored", target_id="S:User smokes a lot")),
    ("words that stem to the same set are a restatement, not a near duplicate",
     new("User liked cats"), [stored("User likes cat")],
     Decision(Action.REJECT, "weaker restatement", target_id="S:User likes cat")),
    ("Jaccard exactly 0.8 is a near duplicate", new(f"{NATO} india"), [stored(f"{NATO} juliet")],
     Decision(Action.REJECT, "near duplicate", target_id=f"S:{NATO} juliet")),
    ("another detail of the same person merges into the text that says both",
     new("User's sister Maya is a nurse", "relationship", "relationship:sister:maya", "maya"), [SISTER],
     Decision(Action.MERGE, "another detail of the same person", target_id=SISTER.id,
              merged_content="User's sister Maya is a nurse")),
    ("another detail that does not repeat the stored one is appended to it",
     new("Maya works nights", "relationship", "relationship:sister:maya", "maya"), [SISTER],
     Decision(Action.MERGE, "another detail of the same person", target_id=SISTER.id,
              merged_content="User's sister is Maya. Maya works nights")),
]


@pytest.mark.parametrize(("rule", "candidate", "related", "decision"), EXACT, ids=[r[0] for r in EXACT])
def test_exact_decision(rule: str, candidate: Claim, related: list[Claim], decision: Decision) -> None:
    assert classify(candidate, related) == decision


def test_a_merge_keeps_the_stored_text_whole_and_drops_only_its_final_period() -> None:
    assert merge_contents("User drives a Model X", "User charges it at home") == (
        "User drives a Model X. User charges it at home"
    )
    assert merge_contents("User drives a Model X.", "User charges it at home") == (
        "User drives a Model X. User charges it at home"
    )


def test_a_merge_of_the_same_words_in_another_order_is_the_candidate_alone() -> None:
    assert merge_contents("User likes tea and coffee", "User likes coffee and tea") == "User likes coffee and tea"


# --- changed_from: the stored memory a statement of change replaces although its key differs -------

VAPES = stored("User vapes a lot", key="habit:vaping")
NO_VAPE = new("User doesn't vape any more", key="habit:vape", value="vape", negated=True)
ALLY = new("User banks with Ally now", key="bank:ally", value="ally", change_cue=True)
WELLS = stored("User banks with Wells Fargo", key="bank:wells fargo", value="wells fargo")
ACME = stored("User works at Acme", key="employer:acme", value="acme")
PS5 = new("User upgraded to a PS5", key="console", value="ps5", replaces_kind=True)

CHANGED = [
    # (rule, candidate, related, the id changed or None)
    # A denial: the newest current memory that states every denied word.
    ("a denial changes the memory that states the denied words", NO_VAPE, [VAPES], VAPES.id),
    ("a denial changes a memory that states exactly the denied words", NO_VAPE, [stored("Vaping", key="habit")],
     "S:Vaping"),
    ("a denial of words no memory states changes nothing",
     new("User doesn't smoke any more", key="habit:smoke", value="smoke", negated=True), [VAPES], None),
    ("a denial made only of denial words changes nothing", new("User quit", key="habit:quit", negated=True), [VAPES],
     None),
    ("a denial does not change a memory that is itself a denial",
     NO_VAPE, [stored("User does not vape", key="habit:vaping", negated=True)], None),
    ("a denial does not change a memory of another scope",
     NO_VAPE, [stored("Everyone here vapes", key="habit:vaping", scope="tenant")], None),
    ("a denial does not change a memory no longer valid",
     NO_VAPE, [stored("User vapes a lot", key="habit:vaping", valid_to=T0)], None),
    ("the newest matching memory is changed, wherever it is listed",
     NO_VAPE, [stored("User vapes daily"), stored("User vapes at work", said_at=T0 + DAY)], "S:User vapes at work"),
    ("a memory with no time counts as older than any dated one",
     NO_VAPE, [stored("User vapes daily", said_at=None), stored("User vapes at work")], "S:User vapes at work"),
    # A switch ("upgraded to a PS5"): the newest current memory of the same kind.
    ("a switch replaces a memory that shares a distinctive word",
     new("User got a Nintendo Switch OLED", key="console", value="switch oled", replaces_kind=True),
     [stored("User plays on a Switch Lite", key="games")], "S:User plays on a Switch Lite"),
    ("a switch replaces a memory of the same model series", PS5, [stored("User plays on a PS4", key="games")],
     "S:User plays on a PS4"),
    ("another model series is another kind", PS5, [stored("User plays on an XB1", key="games")], None),
    ("shared noise words ('pro', 'new') do not make a kind",
     new("User got a new PS5 Pro", key="console", value="new ps5 pro", replaces_kind=True),
     [stored("User has a new MacBook Pro", key="laptop")], None),
    ("only the switched-to value names the kind, not the rest of the sentence",
     new("User upgraded the camera to a Sony A7", key="camera", value="sony a7", replaces_kind=True),
     [stored("User has a Canon camera", key="gear")], None),
    ("without a value, the sentence names the kind",
     new("User switched to a PS5", key="console", replaces_kind=True), [stored("User has a PS4", key="games")],
     "S:User has a PS4"),
    # A changed statement of a predicate-derived key ("bank:ally now"): the newest of the same predicate.
    ("a changed value of a predicate replaces the memory of the same predicate", ALLY, [ACME, WELLS], WELLS.id),
    ("the predicate is what precedes the first colon",
     new("User banks with Ally in the US now", key="bank:us:ally", change_cue=True),
     [stored("User banks with Barclays in the UK", key="bank:uk:barclays")], "S:User banks with Barclays in the UK"),
    ("a predicate with no stored memory changes nothing", ALLY, [ACME], None),
    ("without a change cue a new value of a predicate replaces nothing",
     new("User banks with Ally", key="bank:ally", value="ally"), [WELLS], None),
    ("an additive word ('too') adds a value rather than replacing one",
     new("User now banks with Ally too", key="bank:ally", value="ally", change_cue=True), [WELLS], None),
    ("items of a family coexist: a new pet replaces no other pet",
     new("User now has a dog named Rex", key="pet:rex", value="rex", change_cue=True),
     [stored("User has a cat named Tom", key="pet:tom", value="tom")], None),
    ("a key without a colon has no predicate",
     new("User works at Initech now", key="employer", value="initech", change_cue=True), [ACME], None),
    ("a context-qualified key (with @) has no predicate",
     new("User banks with Ally for savings now", key="bank:ally@for savings", value="ally", change_cue=True), [WELLS],
     None),
]


@pytest.mark.parametrize(("rule", "candidate", "related", "changed"), CHANGED, ids=[r[0] for r in CHANGED])
def test_what_a_statement_of_change_replaces(
    rule: str, candidate: Claim, related: list[Claim], changed: str | None
) -> None:
    found = changed_from(candidate, related)
    assert (found.id if found else None) == changed


def test_a_denial_across_keys_updates_the_memory_it_denies() -> None:
    assert classify(NO_VAPE, [VAPES]) == Decision(Action.UPDATE, "a newer value for the same attribute", target_id=VAPES.id)


@pytest.mark.parametrize(("policy", "action"), [("review", Action.TENANT_REVIEW), ("weigh", Action.CROSS_USER_RECENCY)])
def test_a_shared_change_across_keys_follows_the_tenant_policy(policy: str, action: Action) -> None:
    zoom = Claim("The team uses Zoom", "fact", "tool:video", "zoom", confidence=0.7, scope="tenant", stated_by="alice",
                 said_at=T0, id="zoom")
    dropped = Claim("The team doesn't use Zoom any more", "fact", "tool:video-zoom", "zoom", confidence=0.7,
                    negated=True, scope="tenant", stated_by="bob", said_at=T1)
    decision = classify(dropped, [zoom], shared_policy=policy)
    assert (decision.action, decision.target_id) == (action, "zoom")


# --- a key without a value (a reply aspect) holds its value in the words ----------------------------

DETAILED = stored("User's standing request for replies: give me detailed answers", "procedure", key="procedure:response_length")


@pytest.mark.parametrize(
    ("content", "action_"),
    [
        ("User wants the assistant to always keep answers short a few lines max", Action.UPDATE),  # another value
        ("User's standing request for replies: give me detailed answers", Action.REJECT),  # the same words
        ("User's standing request for replies: detailed answers", Action.REJECT),  # says nothing more
    ],
)
def test_a_valueless_key_compares_the_words(content: str, action_: Action) -> None:
    assert classify(new(content, "procedure", key="procedure:response_length"), [DETAILED]).action is action_


NURSE = stored("User is a nurse", key="job_title", value="nurse")


@pytest.mark.parametrize(
    ("content", "action_"),
    [
        ("User works as nurse in the intensive care, the ICU, at Saint Mary hospital", Action.MERGE),  # told in full
        ("User is a nurse at Mercy", Action.REJECT),  # two new words: a restatement
        ("User is a nurse", Action.REJECT),
    ],
)
def test_the_same_value_told_in_full_refines_the_stored_memory(content: str, action_: Action) -> None:
    decision = classify(new(content, key="job_title", value="nurse"), [NURSE])
    assert decision.action is action_ and decision.target_id == NURSE.id
    if action_ is Action.MERGE:
        assert decision.merged_content == content  # it says all the stored memory said, and more


# --- a past value ends the current memory that states the same value ("I used to play tennis") ------

TENNIS = stored("User plays tennis every weekend", "preference", key="sport:tennis", value="tennis")
ENDED_TENNIS = Decision(Action.UPDATE, "the stored value is said to hold no longer", target_id=TENNIS.id)
LEFT = Decision(Action.INSERT, "nothing related is stored")  # kept beside it (the engine: both hold)


def used_to(content: str = "User used to play tennis", key: str = "sport:tennis@until 2026-01-31",
            value: str | None = "tennis", **kw) -> Claim:
    kw.setdefault("valid_to", T1)  # an undated "used to" held until the turn was said
    return new(content, "preference", key=key, value=value, **kw)


PAST = [
    # (rule, candidate, related, decision)
    ("a past value of the value a current memory states ends that memory", used_to(), [TENNIS], ENDED_TENNIS),
    ("the value is compared without regard to case", used_to(value="Tennis"), [TENNIS], ENDED_TENNIS),
    ("a past that reaches exactly the moment the memory was said ends it", used_to(valid_to=T0), [TENNIS],
     ENDED_TENNIS),
    ("a stored memory with no time of its own is ended", used_to(), [stored(TENNIS.content, "preference",
     key="sport:tennis", value="tennis", said_at=None)], ENDED_TENNIS),
    ("only the memory that states the value is ended, wherever it is listed",
     used_to(), [stored("User plays golf", "preference", key="sport:golf", value="golf"), TENNIS], ENDED_TENNIS),
    # Left: "used to play tennis" is no news about another value, another attribute or another time.
    ("another value of the attribute is left: 'used to play tennis' does not end 'plays golf'",
     used_to(key="sport@until 2026-01-31"), [stored("User plays golf", "preference", key="sport", value="golf")], LEFT),
    ("another value under its own key is left", used_to(),
     [stored("User plays golf", "preference", key="sport:golf", value="golf")], LEFT),
    ("the same value of another attribute is left: playing tennis is not watching it", used_to(),
     [stored("User watches tennis on TV", "preference", key="watches:tennis", value="tennis")], LEFT),
    ("a period that ended before the memory was said leaves it current: 'lived in Berlin from 2015 to 2018'",
     new("User lived in Berlin from 2015 to 2018", key="city@until 2019-01-01", value="berlin",
         valid_to=dt.datetime(2019, 1, 1, tzinfo=dt.UTC)), [CITY], LEFT),
    ("a past that ended a moment before the memory was said leaves it", used_to(valid_to=T0 - dt.timedelta(seconds=1)),
     [TENNIS], LEFT),
    ("a past of unknown end leaves the memory (whether it reaches it is not known)", used_to(valid_to=None),
     [TENNIS], LEFT),
    ("a value held in a context is not a past value", used_to("User plays tennis on holidays",
     key="sport:tennis@on holidays"), [TENNIS], LEFT),
    ("a denial of a past value ends nothing ('never used to play tennis')", used_to(
     "User never used to play tennis", negated=True), [TENNIS],
     Decision(Action.KEEP_BOTH, "the new memory is about the past; the current one still holds", target_id=TENNIS.id)),
    ("a past value does not end a denial of the value", used_to(),
     [stored("User does not play tennis", "preference", key="sport:tennis", value="tennis", negated=True)], LEFT),
    ("a memory that already ended is not ended again", used_to(),
     [stored("User plays tennis until the knee surgery", "preference", key="sport:tennis", value="tennis",
             valid_to=T1 + DAY)], LEFT),
    ("a user's past value does not end a fact the tenant shares", used_to(),
     [stored("The team plays tennis on Fridays", "preference", key="sport:tennis", value="tennis", scope="tenant")],
     LEFT),
]


@pytest.mark.parametrize(("rule", "candidate", "related", "decision"), PAST, ids=[r[0] for r in PAST])
def test_a_past_value_ends_only_the_current_memory_of_its_value(
    rule: str, candidate: Claim, related: list[Claim], decision: Decision
) -> None:
    assert classify(candidate, related) == decision


def test_a_shared_past_value_is_left_to_the_tenants_rules() -> None:
    # The cross-user rules weigh shared claims; a past value of one user never silently ends the team's.
    shared = stored("The team uses Zoom", key="tool:video", value="zoom", scope="tenant", stated_by="alice")
    past = new("The team used to use Zoom", key="tool:video@until 2026-01-31", value="zoom", valid_to=T1,
               scope="tenant", stated_by="bob")
    assert classify(past, [shared]).action is not Action.UPDATE

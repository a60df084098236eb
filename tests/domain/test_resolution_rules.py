"""Resolution plans, rule by rule: what each field of a stored memory and of a candidate makes
the plan do, the exact operations of every action (cross-user weighting, keeping both under a
qualified key, questions, merges), and how a candidate's key is qualified before the lookup.
(``test_resolution_plan.py`` walks the main cases; this file pins the rest.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import numpy as np
import pytest
from accord.domain.conflict_rules import Action, merge_contents
from accord.domain.models import ChangeType
from accord.domain.records import NewMemory, content_hash
from accord.domain.resolution import (
    Archive,
    Insert,
    Lookup,
    OpenConflict,
    Reweigh,
    Stored,
    base_key,
    lookup_for,
    plan_candidate,
    prepare,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
JOB = str(uuid.UUID(int=9))


def candidate(content: str, **kw: object) -> NewMemory:
    return NewMemory(
        id=str(uuid.uuid5(uuid.UUID(JOB), content)),
        user_id="alice",
        content=content,
        content_hash=content_hash(content),
        index_text=content,
        category=str(kw.pop("category", "fact")),
        importance=float(kw.pop("importance", 0.7)),  # type: ignore[arg-type]
        source_kind="extracted",
        job_id=JOB,
        **kw,  # type: ignore[arg-type]
    )


def stored(content: str, **kw: object) -> Stored:
    sid = str(kw.pop("id", uuid.uuid5(uuid.NAMESPACE_URL, content)))
    return Stored(
        id=sid,
        user_id=str(kw.pop("user_id", "alice")),
        lineage_id=str(kw.pop("lineage_id", sid)),
        content=content,
        category=str(kw.pop("category", "fact")),
        importance=float(kw.pop("importance", 0.6)),  # type: ignore[arg-type]
        created_at=kw.pop("created_at", T0),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def plan(m: NewMemory, related: list[Stored], *, by: str = "alice", said_at: dt.datetime = T1, **kw: object):  # type: ignore[no-untyped-def]
    prepared = prepare(m, by, said_at)
    return plan_candidate(prepared, m.attribute_key, related, stated_by=by, said_at=said_at, **kw)  # type: ignore[arg-type]


def action(m: NewMemory, related: list[Stored], **kw: object) -> Action:
    return plan(m, related, **kw).decision.action


# --- what a stored memory's fields make the rules decide ---

VEGETARIAN: dict[str, object] = {"attribute_key": "diet", "attribute_value": "vegetarian"}


def test_a_stored_value_equal_to_the_candidate_is_a_restatement() -> None:
    old = stored("User is vegetarian", **VEGETARIAN)
    assert action(candidate("User eats no meat at all", **VEGETARIAN), [old]) is Action.REJECT
    negated = stored("User is not vegetarian", metadata={"negated": True}, **VEGETARIAN)
    assert action(candidate("User eats no meat at all", change_cue=True, **VEGETARIAN), [negated]) is Action.UPDATE


def test_a_candidate_denial_of_a_stored_value_is_an_update() -> None:
    old = stored("User is vegetarian", **VEGETARIAN)
    denial = candidate("User is no longer vegetarian", negated=True, change_cue=True, **VEGETARIAN)
    assert action(denial, [old]) is Action.UPDATE


@pytest.mark.parametrize(("stored_confidence", "expected"), [(0.9, Action.ASK_USER), (0.5, Action.UPDATE)])
def test_a_hedged_candidate_waits_only_against_a_confident_stored_claim(stored_confidence: float, expected: Action) -> None:
    old = stored("User works at Acme", attribute_key="employer", attribute_value="acme", confidence=stored_confidence)
    hedged = candidate("User might work at Initech", attribute_key="employer", attribute_value="initech", confidence=0.4)
    assert action(hedged, [old]) is expected


def test_a_stored_value_held_in_a_context_is_kept_beside_a_plain_one() -> None:
    weekends = stored("User lives in Hamburg on weekends", attribute_key="city", attribute_value="hamburg", metadata={"context": "on weekends"})
    p = plan(candidate("User lives in Berlin", attribute_key="city", attribute_value="berlin"), [weekends])
    assert p.decision.action is Action.KEEP_BOTH and p.decision.target_id == weekends.id
    assert [op.memory.attribute_key for op in p.ops] == ["city@other"]  # type: ignore[union-attr]


def test_a_new_value_in_the_same_context_updates_that_context() -> None:
    weekends = stored(
        "User lives in Hamburg on weekends", attribute_key="city@on weekends", attribute_value="hamburg",
        metadata={"context": "on weekends"},
    )
    moved = candidate(
        "User now lives in Bremen on weekends", attribute_key="city", attribute_value="bremen",
        context="on weekends", change_cue=True,
    )
    p = plan(moved, [weekends])
    assert p.decision.action is Action.UPDATE and p.decision.target_id == weekends.id
    assert p.ops[1].memory.attribute_key == "city@on weekends"  # type: ignore[union-attr]


def test_a_date_changes_without_a_question_only_when_the_candidate_says_it_changed() -> None:
    exam = stored("User's exam is on May 12", attribute_key="date:exam", attribute_value="2026-05-12")
    moved: dict[str, object] = {"attribute_key": "date:exam", "attribute_value": "2026-05-19"}
    assert action(candidate("The exam was moved to May 19", change_cue=True, **moved), [exam]) is Action.UPDATE
    assert action(candidate("The exam is on May 19", **moved), [exam]) is Action.ASK_USER


# --- shared (tenant) claims from different users ---

VPN: dict[str, object] = {"attribute_key": "org:vpn", "scope": "tenant"}


def shared(by: str, *, confidence: float = 0.8, importance: float = 0.6, **kw: object) -> Stored:
    return stored(
        "The VPN server is vpn1.acme.com", user_id="__shared__", attribute_value="vpn1", confidence=confidence,
        importance=importance, metadata={"stated_by": by}, **VPN, **kw,
    )


def new_vpn(**kw: object) -> NewMemory:
    return candidate("The VPN server is vpn2.acme.com", attribute_value="vpn2", **VPN, **kw)  # type: ignore[arg-type]


def test_a_less_certain_shared_claim_is_stored_weighted_down() -> None:
    m = new_vpn(confidence=0.5, importance=0.333333)
    p = plan(m, [shared("bob", confidence=0.9)])
    assert p.decision.action is Action.CROSS_USER_CONFIDENCE and p.decision.candidate_loses
    prepared = prepare(m, "alice", T1)
    weaker = dataclasses.replace(prepared, importance=0.166666, metadata={**prepared.metadata, "weighted_down": p.decision.reason})
    assert p.ops == (Insert(weaker),)  # importance halved, kept to six decimals


def test_a_more_certain_shared_claim_weighs_the_stored_one_down() -> None:
    old = shared("bob", confidence=0.5, importance=0.333333)
    m = new_vpn(confidence=0.9)
    p = plan(m, [old])
    assert p.decision.action is Action.CROSS_USER_CONFIDENCE and not p.decision.candidate_loses
    assert p.ops == (
        Insert(prepare(m, "alice", T1)),
        Reweigh(old.id, 0.166666, ChangeType.IMPORTANCE_DECAY, p.decision.reason),
    )


def test_the_same_user_restating_a_shared_claim_updates_it() -> None:
    assert action(new_vpn(change_cue=True), [shared("alice")]) is Action.UPDATE


@pytest.mark.parametrize(
    ("valid_from", "created_at", "said_at", "candidate_loses"),
    [
        (T2, T0, T1, True),  # the stored claim was valid from T2: the candidate, said at T1, is older
        (None, T2, T1, True),  # no valid_from: the stored claim's creation time counts
        (T0, T2, T1, False),  # valid_from wins over created_at: the stored claim is older
    ],
)
def test_between_equally_certain_shared_claims_the_older_one_is_weighed_down(
    valid_from: dt.datetime | None, created_at: dt.datetime, said_at: dt.datetime, candidate_loses: bool
) -> None:
    old = shared("bob", valid_from=valid_from, created_at=created_at)
    p = plan(new_vpn(), [old], said_at=said_at)
    assert p.decision.action is Action.CROSS_USER_RECENCY
    assert p.decision.candidate_loses is candidate_loses


def test_the_candidate_said_at_is_when_its_turn_was_said() -> None:
    old = shared("bob", valid_from=T1)
    assert plan(new_vpn(said_at=T0), [old], said_at=T2).decision.candidate_loses is True
    assert plan(new_vpn(said_at=T2), [old], said_at=T0).decision.candidate_loses is False


def test_under_the_review_policy_a_shared_disagreement_goes_to_the_tenant_review() -> None:
    old = shared("bob")
    m = new_vpn()
    assert action(m, [old]) is Action.CROSS_USER_RECENCY
    p = plan(m, [old], shared_policy="review")
    assert p.decision.action is Action.TENANT_REVIEW
    prepared = prepare(m, "alice", T1)
    assert p.ops == (
        Insert(dataclasses.replace(prepared, status="pending")),
        OpenConflict("review", old.id, prepared, p.decision.question, p.decision.reason),
    )
    assert p.decision.question is not None and "vpn1" in p.decision.question and "vpn2" in p.decision.question


def test_a_shared_claim_in_another_context_or_about_the_past_keeps_both_under_a_qualified_key() -> None:
    old = shared("alice")
    office = plan(new_vpn(context="in the Berlin office"), [old])
    assert office.decision.action is Action.KEEP_BOTH
    assert [op.memory.attribute_key for op in office.ops] == ["org:vpn@in the Berlin office"]  # type: ignore[union-attr]
    past = plan(new_vpn(valid_to=T0), [old])
    assert past.decision.action is Action.KEEP_BOTH
    assert [op.memory.attribute_key for op in past.ops] == ["org:vpn@until 2026-01-01"]  # type: ignore[union-attr]


# --- how a candidate's key is qualified before the lookup ---


def test_base_key_is_the_attribute_before_the_first_at_sign() -> None:
    assert base_key(None) is None
    assert base_key("city") == "city"
    assert base_key("city@at the office @ HQ") == "city"  # a context may itself contain "@"


def test_a_value_held_in_a_context_gets_a_key_of_its_own() -> None:
    m = candidate("User lives in Hamburg on weekends", attribute_key="city", context="on weekends")
    assert prepare(m, "alice", T1).attribute_key == "city@on weekends"


@pytest.mark.parametrize(
    ("valid_to", "said_at", "key"),
    [
        (T0, None, "employer@until 2026-01-01"),  # ended before it was said: about the past
        (T1, None, "employer@until 2026-06-01"),  # ended the instant it was said: the past too
        (T2, None, "employer"),  # ends later: current
        (T0, T0 - dt.timedelta(days=1), "employer"),  # the turn was said before the end: current then
    ],
)
def test_a_value_that_ended_by_the_time_it_was_said_gets_a_key_of_its_own(
    valid_to: dt.datetime, said_at: dt.datetime | None, key: str
) -> None:
    m = candidate("User worked at Acme", attribute_key="employer", valid_to=valid_to, said_at=said_at)
    assert prepare(m, "alice", T1).attribute_key == key


def test_shared_claims_and_memories_without_an_attribute_keep_their_key() -> None:
    assert prepare(new_vpn(context="in the Berlin office", valid_to=T0), "alice", T1).attribute_key == "org:vpn"
    assert prepare(candidate("User likes tea", context="at work"), "alice", T1).attribute_key is None


def test_another_context_of_an_attribute_with_a_current_value_says_both_hold() -> None:
    home = stored("User lives in Berlin", attribute_key="city", attribute_value="berlin")
    p = plan(candidate("User lives in Hamburg on weekends", attribute_key="city", attribute_value="hamburg", context="on weekends"), [home])
    assert (p.decision.action, p.decision.target_id) == (Action.KEEP_BOTH, None)
    assert p.decision.reason != "nothing related is stored" and "another context" in p.decision.reason


# --- saved LLM verdicts ---


def test_a_saved_question_verdict_asks_the_saved_question_or_states_its_reason() -> None:
    other = stored("User likes hiking in the Alps", category="preference")
    asked = {"action": "ask_user", "target_id": other.id, "reason": "unclear", "question": "Alps or Andes?"}
    m = candidate("User enjoys mountain walks", category="preference", hint=asked)
    p = plan(m, [other])
    prepared = prepare(m, "alice", T1)
    assert p.ops[1] == OpenConflict("clarification", other.id, prepared, "Alps or Andes?", "llm: unclear")
    no_question = {"action": "ask_user", "target_id": other.id, "reason": "unclear"}
    m2 = candidate("User enjoys mountain walks", category="preference", hint=no_question)
    assert p.ops[1].question == "Alps or Andes?"  # type: ignore[union-attr]
    assert plan(m2, [other]).ops[1].question == "llm: unclear"  # type: ignore[union-attr]


def test_a_saved_verdict_without_a_reason_or_merged_text_falls_back() -> None:
    other = stored("User likes hiking in the Alps", category="preference")
    hint = {"action": "merge", "target_id": other.id}
    p = plan(candidate("User enjoys mountain walks", category="preference", hint=hint), [other])
    assert p.decision.reason == "llm: "
    expected = merge_contents("User likes hiking in the Alps", "User enjoys mountain walks")
    assert p.decision.merged_content == expected == "User likes hiking in the Alps. User enjoys mountain walks"


# --- merges ---


def test_a_merged_memory_is_a_new_version_of_the_target_with_the_merged_text() -> None:
    maya = stored(
        "User's sister Maya lives in Porto", attribute_key="relationship:sister:maya", attribute_value="maya",
        importance=0.9, lineage_id="L-maya",
    )
    m = candidate(
        "User's sister Maya is a nurse", attribute_key="relationship:sister:maya", attribute_value="Maya",
        importance=0.5, embedding=np.ones(3, dtype=np.float32), embedding_model="m",
    )
    p = plan(m, [maya])
    assert p.decision.action is Action.MERGE
    part, archive, merged = p.ops
    text = "User's sister Maya lives in Porto. User's sister Maya is a nurse"
    merged_id = str(uuid.uuid5(uuid.UUID(m.id), "merged"))  # a replayed job merges into the same id
    assert archive == Archive(maya.id, valid_to=None)
    assert isinstance(part, Insert) and part.memory.metadata["merged_into"] == merged_id
    assert isinstance(merged, Insert) and (merged.change, merged.previous) == (ChangeType.MERGED, maya.content)
    got = merged.memory
    assert (got.id, got.content, got.content_hash, got.index_text) == (merged_id, text, content_hash(text), text)
    assert (got.attribute_key, got.attribute_value) == ("relationship:sister:maya", "maya")  # the target's
    assert got.importance == 0.9  # the higher of the two
    assert (got.embedding, got.embedding_model) == (None, None)  # new text: embedded again
    assert (got.lineage_id, got.previous_version_id) == ("L-maya", maya.id)


def test_a_saved_merge_verdict_files_the_merged_memory_under_the_target_attribute() -> None:
    hobby = stored("User hikes every weekend", category="preference", attribute_key="hobby", attribute_value="hiking")
    hint = {"action": "merge", "target_id": hobby.id, "reason": "same hobby"}
    p = plan(candidate("User enjoys mountain walks", category="preference", hint=hint), [hobby])
    merged = p.ops[-1]
    assert isinstance(merged, Insert) and merged.change is ChangeType.MERGED
    assert (merged.memory.attribute_key, merged.memory.attribute_value) == ("hobby", "hiking")


# --- what a candidate reads, and how dated statements are told from arrivals ---


@pytest.mark.parametrize(
    "kw",
    [{}, {"negated": True}, {"change_cue": True}, {"hint": {"change": "switched"}}, {"hint": {"verdict": "update"}},
     {"scope": "tenant", "negated": True}],
    ids=["a plain value", "a denial", "a change cue", "a change the extractor hinted", "a hint that says nothing of change",
         "a shared denial"],
)
def test_every_candidate_reads_its_category_its_attribute_and_its_content_in_any_category(kw: dict[str, object]) -> None:
    # The category for denials and changes filed under another key; the attribute and the content in any
    # category, since the store holds one active memory per exclusive attribute and per content.
    m = candidate("User banks with Ally", attribute_key="bank:ally", attribute_value="ally", **kw)
    kin = ("fact", "preference", "expertise", "goal") if kw.get("negated") else ("fact", "preference", "relationship", "expertise")
    assert lookup_for(m) == Lookup(
        user_id="alice", category="fact", base_key="bank:ally", content_hash=m.content_hash, categories=kin
    )


@pytest.mark.parametrize(
    ("category", "negated", "kin"),
    [
        # a partnership or a level is filed as a fact one day ("User is single", "User is fluent in ASL")
        ("fact", False, ("fact", "preference", "relationship", "expertise")),
        ("preference", False, ("preference", "fact")),
        ("goal", False, ("goal",)),
        ("relationship", False, ("relationship", "fact")),
        ("relationship", True, ("relationship", "fact")),
        ("expertise", False, ("expertise", "fact")),
        ("expertise", True, ("fact", "preference", "expertise", "goal")),
        ("procedure", True, ("procedure",)),
    ],
)
def test_a_candidate_reads_the_categories_its_change_may_touch(category: str, negated: bool, kin: tuple[str, ...]) -> None:
    # Hobbies are filed as facts or preferences; a denial ends whatever it names, but never a person
    # ("Jess moved out") nor a standing instruction.
    m = candidate("User plays tennis", category=category, negated=negated)
    assert lookup_for(m).categories == kin


SKEW = dt.timedelta(seconds=5)  # resolution.DATED_SKEW
TICK = dt.timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("said_before_arrival", "action_"),
    [(SKEW, Action.UPDATE), (SKEW + TICK, Action.KEEP_BOTH)],
    ids=["a time within 5 s of the arrival is the arrival", "a time more than 5 s before it is its own"],
)
def test_a_message_time_is_its_own_only_when_apart_from_the_arrival(
    said_before_arrival: dt.timedelta, action_: Action
) -> None:
    rome = stored("User lives in Rome", attribute_key="city", attribute_value="rome", valid_from=T1)
    arrival = T1 + dt.timedelta(seconds=2)
    berlin = candidate("User lives in Berlin", attribute_key="city", attribute_value="berlin",
                       said_at=arrival - said_before_arrival)
    assert plan(berlin, [rome], said_at=arrival).decision.action is action_


def test_a_stored_memory_without_a_time_of_its_own_is_ordered_by_arrival() -> None:
    # Recorded at T1 but never dated: a statement dated earlier still updates it.
    rome = stored("User lives in Rome", attribute_key="city", attribute_value="rome", created_at=T1)
    berlin = candidate("User lives in Berlin", attribute_key="city", attribute_value="berlin", said_at=T0)
    assert plan(berlin, [rome], said_at=T2).decision.action is Action.UPDATE


def test_an_older_statement_without_a_start_is_valid_from_when_it_was_said_not_when_it_arrived() -> None:
    rome = stored("User lives in Rome", attribute_key="city", attribute_value="rome", valid_from=T1)
    berlin = candidate("User lives in Berlin", attribute_key="city", attribute_value="berlin", said_at=T0)
    (insert,) = plan(berlin, [rome], said_at=T2).ops
    assert isinstance(insert, Insert)
    assert (insert.memory.valid_from, insert.memory.valid_to) == (T0, T1)

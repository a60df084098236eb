"""The resolution planner: which stored memory each candidate supersedes, merges into, reinforces
or questions, as exact operations, with no database."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from accord.domain.conflict_rules import Action
from accord.domain.models import ChangeType
from accord.domain.records import SHARED_USER_ID, NewMemory, content_hash
from accord.domain.resolution import (
    Archive,
    Insert,
    OpenConflict,
    Reweigh,
    Stored,
    lookup_for,
    plan_candidate,
    prepare,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
JOB = str(uuid.UUID(int=7))


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
        created_at=T0,
        **kw,  # type: ignore[arg-type]
    )


def plan(m: NewMemory, related: list[Stored], said_at: dt.datetime = T1, policy: str = "weigh"):
    prepared = prepare(m, "alice", said_at)
    return plan_candidate(prepared, m.attribute_key, related, stated_by="alice", said_at=said_at, shared_policy=policy)


def test_a_new_value_for_an_attribute_archives_the_old_and_continues_its_lineage() -> None:
    old = stored("User works at Acme", attribute_key="employer", attribute_value="acme", lineage_id="L1")
    new = candidate("User works at Initech", attribute_key="employer", attribute_value="initech", change_cue=True)
    p = plan(new, [old])
    assert p.decision.action is Action.UPDATE and p.decision.target_id == old.id
    archive, insert = p.ops
    assert archive == Archive(old.id, valid_to=T1)  # valid until the new statement was said
    assert isinstance(insert, Insert) and insert.change is ChangeType.CONFLICT_UPDATE
    assert insert.previous == "User works at Acme"
    assert (insert.memory.lineage_id, insert.memory.previous_version_id) == ("L1", old.id)


def test_an_unrelated_memory_is_inserted_alone() -> None:
    p = plan(candidate("User has a dog"), [stored("User works at Acme", attribute_key="employer")])
    assert p.decision.action is Action.INSERT
    assert p.ops == (Insert(prepare(candidate("User has a dog"), "alice", T1)),)


def test_a_restatement_reinforces_the_stored_memory_by_a_fixed_step() -> None:
    old = stored("User is vegetarian", attribute_key="diet", attribute_value="vegetarian", importance=0.6)
    p = plan(candidate("User is vegetarian", attribute_key="diet", attribute_value="vegetarian"), [old])
    assert p.decision.action is Action.REJECT
    assert p.ops == (Reweigh(old.id, 0.65, ChangeType.IMPORTANCE_BOOST, f"restated: {p.decision.reason}"),)


def test_reinforcement_is_capped_at_one_and_dropped_when_nothing_changes() -> None:
    full = stored("User is vegetarian", attribute_key="diet", attribute_value="vegetarian", importance=1.0)
    p = plan(candidate("User is vegetarian", attribute_key="diet", attribute_value="vegetarian"), [full])
    assert p.decision.action is Action.REJECT and p.ops == ()


def test_a_refinement_merges_into_the_stored_lineage_and_archives_both_parts() -> None:
    goal = stored("User's goal: run a marathon", category="goal", lineage_id="G1")
    refined = candidate("User's goal: run a marathon in October", category="goal")
    p = plan(refined, [goal])
    assert p.decision.action is Action.MERGE
    part, archive, merged = p.ops
    assert isinstance(part, Insert) and part.memory.status == "archived"
    assert archive == Archive(goal.id, valid_to=None)
    assert isinstance(merged, Insert) and merged.change is ChangeType.MERGED
    assert merged.memory.lineage_id == "G1" and merged.memory.previous_version_id == goal.id
    assert part.memory.metadata["merged_into"] == merged.memory.id
    assert merged.memory.metadata["merged_from"] == [goal.id, refined.id]


def test_a_value_in_another_context_keeps_both_under_its_own_key() -> None:
    home = stored("User lives in Berlin", attribute_key="city", attribute_value="berlin")
    weekends = candidate(
        "User lives in Hamburg on weekends", attribute_key="city", attribute_value="hamburg", context="on weekends"
    )
    p = plan(weekends, [home])
    assert p.decision.action is Action.KEEP_BOTH
    (insert,) = p.ops
    assert isinstance(insert, Insert) and insert.memory.attribute_key == "city@on weekends"


def test_a_hedged_claim_against_a_confident_one_waits_for_the_user() -> None:
    old = stored("User's exam is on May 12", attribute_key="date:exam", attribute_value="2026-05-12", confidence=0.9)
    new = candidate("User's exam is on May 19", attribute_key="date:exam", attribute_value="2026-05-19")
    p = plan(new, [old])
    assert p.decision.action is Action.ASK_USER
    pending, question = p.ops
    assert isinstance(pending, Insert) and pending.memory.status == "pending"
    assert isinstance(question, OpenConflict) and question.kind == "clarification" and question.existing == old.id


def test_shared_claims_are_stored_under_the_tenant_and_looked_up_there() -> None:
    shared = candidate("The VPN server is vpn1.acme.com", attribute_key="org:vpn", scope="tenant")
    prepared = prepare(shared, "alice", T1)
    assert prepared.user_id == SHARED_USER_ID and prepared.metadata["stated_by"] == "alice"
    assert lookup_for(prepared).user_id == SHARED_USER_ID
    assert lookup_for(prepared).base_key == "org:vpn"


@pytest.mark.parametrize("context", [None, "on weekends"])
def test_lookup_uses_the_base_attribute(context: str | None) -> None:
    m = prepare(candidate("User lives in Hamburg", attribute_key="city", context=context), "alice", T1)
    assert lookup_for(m).base_key == "city" and lookup_for(m).category == "fact"


def test_a_saved_llm_verdict_decides_what_the_rules_would_insert() -> None:
    other = stored("User likes hiking in the Alps", category="preference")
    hint = {"action": "merge", "target_id": other.id, "reason": "same hobby", "merged_content": "User likes hiking"}
    p = plan(candidate("User enjoys mountain walks", category="preference", hint=hint), [other])
    assert p.decision.action is Action.MERGE and p.decision.reason == "llm: same hobby"
    assert p.ops[-1].memory.content == "User likes hiking"  # type: ignore[union-attr]


def test_planning_is_deterministic() -> None:
    old = stored("User works at Acme", attribute_key="employer", attribute_value="acme")
    new = candidate("User works at Initech", attribute_key="employer", attribute_value="initech")
    assert plan(new, [old]) == plan(new, [old])


# -- time order and change across keys ------------------------------------------------------


def test_an_older_statement_is_kept_as_a_past_value_until_the_newer_one_began() -> None:
    rome = stored("User lives in Rome", attribute_key="city", attribute_value="rome", valid_from=T1)
    berlin = candidate("User lives in Berlin", attribute_key="city", attribute_value="berlin", said_at=T0, valid_from=T0)
    p = plan(berlin, [rome], said_at=T1 + dt.timedelta(days=1))  # said at T0, arrived a day after T1
    assert p.decision.action is Action.KEEP_BOTH and p.decision.past_until == T1
    (insert,) = p.ops  # nothing archived: the newer value stays current
    assert isinstance(insert, Insert)
    assert insert.memory.attribute_key == "city@until 2026-06-01"
    assert (insert.memory.valid_from, insert.memory.valid_to) == (T0, T1)


def test_two_older_values_before_the_same_newer_one_get_keys_of_their_own() -> None:
    rome = stored("User lives in Rome", attribute_key="city", attribute_value="rome", valid_from=T1)
    lisbon = stored("User lives in Lisbon", attribute_key="city@until 2026-06-01", attribute_value="lisbon")
    early = T0 - dt.timedelta(days=400)
    berlin = candidate("User lives in Berlin", attribute_key="city", attribute_value="berlin", said_at=early)
    (insert,) = plan(berlin, [rome, lisbon], said_at=T1 + dt.timedelta(days=1)).ops
    assert isinstance(insert, Insert)
    assert insert.memory.attribute_key == f"city@from {early.date().isoformat()} until 2026-06-01"


def test_a_denial_archives_the_memory_stating_the_denied_value_under_another_key() -> None:
    smokes = stored("User smokes a lot", attribute_key="smoke:lot", attribute_value="lot")
    quit = candidate("User quit smoking", attribute_value="smoking", negated=True)
    p = plan(quit, [smokes])
    assert p.decision.action is Action.UPDATE and p.decision.target_id == smokes.id
    archive, insert = p.ops
    assert archive == Archive(smokes.id, valid_to=T1)
    assert isinstance(insert, Insert) and insert.memory.lineage_id == smokes.lineage_id


def test_a_changed_predicate_value_replaces_the_old_one_but_an_added_one_does_not() -> None:
    wells = stored("User banks with Wells Fargo", attribute_key="bank:with wells fargo")
    ally = candidate("User banks with Ally now", attribute_key="bank:with ally", change_cue=True)
    assert plan(ally, [wells]).decision.action is Action.UPDATE
    also = candidate("User also banks with Ally now", attribute_key="bank:with ally", change_cue=True)
    assert plan(also, [wells]).decision.action is Action.INSERT
    jazz = stored("User likes jazz", attribute_key="likes:jazz", category="preference")
    rock = candidate("User likes rock now", attribute_key="likes:rock", change_cue=True, category="preference")
    assert plan(rock, [jazz]).decision.action is Action.INSERT  # likes are many: one does not replace another


def test_a_denial_or_a_change_reads_the_whole_category() -> None:
    # The store always reads the candidate's category; the attribute is read too, in any category
    # (see test_resolution_same_content.py).
    assert lookup_for(candidate("User quit smoking", negated=True)).base_key is None
    assert lookup_for(candidate("User lives in Rome now", attribute_key="city", change_cue=True)).base_key == "city"
    assert lookup_for(candidate("User lives in Rome", attribute_key="city")).base_key == "city"


def test_a_switch_replaces_the_stored_value_of_the_same_kind_only() -> None:
    ps4 = stored("User games on a PS4", attribute_key="game:on a ps4")
    acme = stored("User works at Acme", attribute_key="employer")
    ps5 = candidate("User picked up a PS5", attribute_value="ps5", hint={"change": "replaces_kind"})
    p = plan(ps5, [acme, ps4])
    assert p.decision.action is Action.UPDATE and p.decision.target_id == ps4.id
    slack = candidate("User switched to Slack for work", attribute_value="slack", hint={"change": "replaces_kind"})
    assert plan(slack, [acme, ps4]).decision.action is Action.INSERT


def test_an_undated_former_value_holds_until_it_was_said() -> None:
    paris = candidate("User used to live in Paris", attribute_key="city", hint={"change": "ended"})
    rome = stored("User lives in Rome", attribute_key="city", attribute_value="rome")
    p = plan(paris, [rome])
    assert p.decision.action is Action.KEEP_BOTH  # the current city stays
    (insert,) = p.ops
    assert isinstance(insert, Insert) and insert.memory.valid_to == T1
    assert insert.memory.attribute_key == "city@until 2026-06-01"


def test_an_undated_statement_is_ordered_by_arrival_not_by_its_stamp() -> None:
    # The engine stamps an undated message with its arrival; concurrent jobs applied out of
    # arrival order still supersede, they do not become past values.
    rome = stored("User lives in Rome", attribute_key="city", attribute_value="rome", valid_from=T1)
    berlin = candidate("User lives in Berlin", attribute_key="city", attribute_value="berlin", said_at=T0)
    assert plan(berlin, [rome], said_at=T0).decision.action is Action.UPDATE


def test_keep_both_on_memories_without_an_attribute_inserts_no_made_up_key() -> None:
    """An LLM ``keep_both`` verdict on two free-text memories once wrote the key ``None@other``,
    and the next such verdict hit the one-active-memory-per-key constraint."""
    other = stored("User likes hiking in the Alps", category="preference")
    for text in ("User enjoys mountain walks", "User likes long walks by the sea"):
        hint = {"action": "keep_both", "target_id": other.id, "reason": "both hold"}
        p = plan(candidate(text, category="preference", hint=hint), [other])
        assert p.decision.action is Action.KEEP_BOTH
        (insert,) = p.ops
        assert isinstance(insert, Insert) and insert.memory.attribute_key is None

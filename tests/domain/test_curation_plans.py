"""The plans curation hands to the store (settling, maintenance, reads, archive and restore,
edits): pure, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from accord.domain.curation import (
    ConflictState,
    MemoryChange,
    MemoryState,
    NewVersion,
    plan_access,
    plan_edit,
    plan_maintenance,
    plan_settlement,
    plan_status,
)
from accord.domain.models import ChangeType, MemoryStatus
from accord.domain.records import MaintenancePolicy, MemoryEdit
from accord.errors import ConflictError

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
SAID = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
POLICY = MaintenancePolicy(
    half_life_days={"fact": 10.0}, archive_below=0.1, stale_after_days=30.0, episodic_ttl_days=365.0
)


def memory(id: str, **changes: object) -> MemoryState:
    base = MemoryState(
        id=id,
        user_id="u",
        lineage_id=f"lin-{id}",
        content=f"content {id}",
        category="fact",
        status="active",
        importance=0.5,
        created_at=NOW,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


EXISTING = memory("old")
CANDIDATE = memory("new", status="pending", valid_from=SAID, importance=0.7)
OPEN = ConflictState(id="c1", status="open", resolution=None, existing_id="old", candidate_id="new")


def settle(choice: str, existing: MemoryState = EXISTING, candidate: MemoryState = CANDIDATE):  # type: ignore[no-untyped-def]
    return plan_settlement(OPEN, choice, existing, candidate, resolved_by="admin", now=NOW)


def test_the_candidate_archives_the_existing_first_then_joins_its_lineage() -> None:
    plan = settle("candidate")
    archive, activate, version = plan.ops
    # The archive comes first: the active attribute is unique, so the order matters.
    assert archive == MemoryChange("old", status="archived", archived_at=NOW, valid_to=SAID, updated_at=NOW)
    assert activate == MemoryChange(
        "new", status="active", lineage_id="lin-old", previous_version_id="old", updated_at=NOW
    )
    assert isinstance(version, NewVersion)
    assert (version.memory.id, version.memory.lineage_id) == ("new", "lin-old")
    assert (version.change, version.previous, version.status) == (ChangeType.CONFLICT_UPDATE, "content old", "active")
    assert (version.importance, version.agent_id, version.meta) == (0.7, "admin", {"conflict_id": "c1"})
    assert plan.choice == "candidate" and plan.touched == ("old", "new") and plan.user_id == "u"


def test_an_existing_memory_already_archived_is_left_alone_and_its_own_end_wins() -> None:
    plan = settle("candidate", existing=dataclasses.replace(EXISTING, status="archived"))
    assert [op.target for op in plan.ops if isinstance(op, MemoryChange)] == ["new"]
    ended = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    first = settle("candidate", existing=dataclasses.replace(EXISTING, valid_to=ended)).ops[0]
    assert isinstance(first, MemoryChange) and first.valid_to == ended


def test_keeping_the_existing_archives_the_candidate_with_a_version() -> None:
    plan = settle("existing")
    archive, version = plan.ops
    assert archive == MemoryChange("new", status="archived", archived_at=NOW, valid_to=NOW, updated_at=NOW)
    assert isinstance(version, NewVersion)
    assert (version.memory.lineage_id, version.change, version.status) == ("lin-new", ChangeType.ARCHIVED, "archived")
    assert plan.touched == ("new",)


def test_both_activates_a_shared_candidate_and_writes_no_version() -> None:
    plan = settle("both", candidate=dataclasses.replace(CANDIDATE, scope="tenant"))
    assert plan.ops == (MemoryChange("new", status="active", updated_at=NOW),)


@pytest.mark.parametrize(
    ("conflict", "choice", "scope", "message"),
    [
        (OPEN, "both", "user", "c1: only shared"),
        (dataclasses.replace(OPEN, status="resolved", resolution="existing"), "candidate", "user", "c1: it was already"),
    ],
)
def test_settling_refuses_what_cannot_be_done(conflict: ConflictState, choice: str, scope: str, message: str) -> None:
    with pytest.raises(ConflictError, match=message):
        plan_settlement(
            conflict, choice, EXISTING, dataclasses.replace(CANDIDATE, scope=scope), resolved_by=None, now=NOW
        )


def test_maintenance_decays_with_a_version_and_archives_the_stale() -> None:
    fresh = memory("fresh", created_at=NOW, importance=0.8)  # no time passed: only decayed_at moves
    decaying = memory("decaying", created_at=NOW - dt.timedelta(days=10), last_accessed_at=NOW, importance=0.8)
    stale = memory("stale", created_at=NOW - dt.timedelta(days=40), importance=0.3, valid_to=SAID)
    plan = plan_maintenance([fresh, decaying, stale], POLICY, NOW)
    changes = {op.target: op for op in plan.ops if isinstance(op, MemoryChange)}
    assert changes["fresh"] == MemoryChange("fresh", decayed_at=NOW)
    assert changes["decaying"] == MemoryChange("decaying", decayed_at=NOW, importance=0.4)
    assert changes["stale"].status == "archived" and changes["stale"].valid_to == SAID  # its own end stays
    assert changes["stale"].updated_at is None  # decay is not an edit
    versions = [(op.memory.id, op.change, op.importance) for op in plan.ops if isinstance(op, NewVersion)]
    assert versions == [
        ("decaying", ChangeType.IMPORTANCE_DECAY, 0.4),
        ("stale", ChangeType.IMPORTANCE_DECAY, 0.01875),
        ("stale", ChangeType.ARCHIVED, 0.01875),
    ]
    assert (plan.decayed, plan.archived_stale) == (2, 1)
    assert plan.touched == (("u", "decaying"), ("u", "stale"), ("u", "stale"))
    assert plan.expire_episodic_before == NOW - dt.timedelta(days=365)


def test_maintenance_without_an_episodic_ttl_expires_nothing() -> None:
    plan = plan_maintenance([memory("a")], dataclasses.replace(POLICY, episodic_ttl_days=None), NOW)
    assert plan.expire_episodic_before is None


def test_reads_count_and_boost_without_a_version_and_name_what_to_refresh() -> None:
    read = [memory("a", access_count=3), memory("b", importance=1.0)]
    plan = plan_access(read, {"a": 2, "b": 1}, boost=0.02, now=NOW)
    assert plan.ops == (
        MemoryChange("a", importance=0.54, access_count=5, last_accessed_at=NOW),
        MemoryChange("b", importance=1.0, access_count=1, last_accessed_at=NOW),
    )
    assert plan.refresh == ("a",)  # b was already at the cap


def test_archiving_keeps_the_memory_s_validity_and_restoring_reopens_it() -> None:
    archive, version = plan_status(EXISTING, MemoryStatus.ARCHIVED, agent_id="a", reason="user asked", now=NOW)
    assert archive == MemoryChange("old", status="archived", archived_at=NOW, updated_at=NOW)
    assert isinstance(version, NewVersion)
    assert (version.change, version.status, version.meta) == (ChangeType.ARCHIVED, "archived", {"reason": "user asked"})
    archived = dataclasses.replace(EXISTING, status="archived")
    restore, version = plan_status(archived, MemoryStatus.ACTIVE, agent_id=None, reason="", now=NOW)
    assert restore == MemoryChange("old", status="active", updated_at=NOW, reopen=True)
    assert isinstance(version, NewVersion) and version.change is ChangeType.RESTORED


def test_a_status_it_already_has_changes_nothing_and_a_pending_memory_is_not_restored() -> None:
    assert plan_status(EXISTING, MemoryStatus.ACTIVE, agent_id=None, reason="", now=NOW) == ()
    with pytest.raises(ConflictError, match="settle its conflict with resolve"):
        plan_status(CANDIDATE, MemoryStatus.ACTIVE, agent_id=None, reason="", now=NOW)


def test_an_edit_sets_the_fields_and_a_new_importance_is_the_new_baseline() -> None:
    plan = plan_edit(EXISTING, MemoryEdit(content="edited", importance=0.9), agent_id="a", now=NOW)
    assert plan.values["content"] == "edited" and plan.values["updated_at"] == NOW
    assert plan.values["importance_score"] == plan.values["original_importance_score"] == 0.9
    v = plan.version
    assert (v.memory.content, v.previous, v.importance, v.change) == ("edited", "content old", 0.9, ChangeType.MANUAL_EDIT)
    assert v.meta == {"importance_score": 0.9}
    only_category = plan_edit(EXISTING, MemoryEdit(category="goal"), agent_id=None, now=NOW)
    assert "original_importance_score" not in only_category.values
    assert (only_category.version.memory.content, only_category.version.importance) == ("content old", 0.5)


def test_only_an_active_memory_can_be_edited() -> None:
    with pytest.raises(ConflictError, match="only active memories can be edited"):
        plan_edit(CANDIDATE, MemoryEdit(content="x"), agent_id=None, now=NOW)

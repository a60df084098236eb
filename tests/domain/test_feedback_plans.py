"""The feedback plans, without a database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from accord.domain.curation import MemoryChange, MemoryState, NewVersion
from accord.domain.feedback import plan_feedback, plan_recheck, recheck_choice, recheck_question
from accord.domain.models import ChangeType
from accord.errors import ConflictError

NOW = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
FACT = MemoryState(
    id="m1", user_id="u", lineage_id="m1", content="User lives in Oslo", category="fact", status="active",
    importance=0.55, created_at=NOW - dt.timedelta(days=3),
)  # fmt: skip


def test_helpful_raises_live_and_baseline_importance_capped_at_one() -> None:
    change, version = plan_feedback(FACT, "helpful", agent_id="a1", note="yes", now=NOW)
    assert change == MemoryChange("m1", importance=0.65, original_importance=0.65, updated_at=NOW)
    assert isinstance(version, NewVersion) and version.change is ChangeType.FEEDBACK
    assert (version.importance, version.status, version.agent_id) == (0.65, "active", "a1")
    assert version.meta == {"feedback": "helpful", "note": "yes"}
    full = dataclasses.replace(FACT, importance=0.95)
    assert plan_feedback(full, "helpful", agent_id=None, note=None, now=NOW)[0].importance == 1.0
    assert plan_feedback(full, "helpful", agent_id=None, note=None, now=NOW, boost=0.0)[0].importance == 0.95


def test_wrong_archives_once_and_outdated_changes_nothing_yet() -> None:
    change, version = plan_feedback(FACT, "wrong", agent_id="a2", note=None, now=NOW)
    assert change == MemoryChange("m1", status="archived", archived_at=NOW, updated_at=NOW)
    assert version.status == "archived" and version.meta == {"feedback": "wrong"} and version.agent_id == "a2"
    archived = dataclasses.replace(FACT, status="archived")
    assert plan_feedback(archived, "wrong", agent_id="a2", note=None, now=NOW) == ()
    assert plan_feedback(FACT, "outdated", agent_id="a2", note=None, now=NOW) == ()
    for status in ("archived", "pending"):
        with pytest.raises(ConflictError):
            plan_feedback(dataclasses.replace(FACT, status=status), "helpful", agent_id=None, note=None, now=NOW)
    with pytest.raises(ConflictError):
        plan_feedback(dataclasses.replace(FACT, status="pending"), "wrong", agent_id=None, note=None, now=NOW)


def test_the_recheck_question_and_its_answers() -> None:
    assert "User lives in Oslo" in recheck_question(FACT.content)
    for answer in ("1", "yes", " Still true. ", "keep"):
        assert recheck_choice(answer) == "still_true", answer
    for answer in ("2", "no", "Outdated!", "no longer"):
        assert recheck_choice(answer) == "outdated", answer
    assert recheck_choice("hmm") is None and recheck_choice("3") is None
    assert plan_recheck(FACT, "still_true", resolved_by="u", now=NOW) == ()
    change, version = plan_recheck(FACT, "outdated", resolved_by="u", now=NOW)
    assert change.status == "archived" and version.meta["feedback"] == "outdated" and version.agent_id == "u"

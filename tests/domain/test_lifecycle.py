"""Lifecycle rules: decay by half-life, staleness, access boosts, episodic expiry, settling."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.errors import ConflictError
from accord.domain.lifecycle import access_boost, episodic_cutoff, maintenance_step, settlement
from accord.domain.records import MaintenancePolicy

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
POLICY = MaintenancePolicy(half_life_days={"fact": 100.0}, archive_below=0.1, stale_after_days=30, episodic_ttl_days=90)


def step(importance: float, age_days: float, idle_days: float | None = None, category: str = "fact"):
    created = NOW - dt.timedelta(days=age_days)
    last = NOW - dt.timedelta(days=idle_days) if idle_days is not None else None
    return maintenance_step(
        category=category, importance=importance, decayed_at=None, created_at=created,
        last_accessed_at=last, policy=POLICY, now=NOW,
    )


def test_one_half_life_halves_importance() -> None:
    s = step(0.8, 100)
    assert (s.score, s.decayed, s.archive, s.days) == (0.4, True, False, 100.0)


def test_a_category_without_a_half_life_uses_180_days() -> None:
    assert step(0.8, 180, category="goal").score == 0.4


def test_changes_under_half_a_percent_are_not_recorded() -> None:
    assert step(0.8, 0.5).decayed is False  # 0.8 -> 0.797...
    assert step(0.8, 1).decayed is True  # 0.8 -> 0.794, a change of 0.0055


def test_only_stale_and_worthless_memories_are_archived() -> None:
    assert step(0.15, 100, idle_days=30).archive is True  # 0.075 < 0.1, idle 30 days
    assert step(0.15, 100, idle_days=29).archive is False  # read recently
    assert step(0.25, 100, idle_days=90).archive is False  # 0.125: still worth keeping


def test_access_boost_caps_at_one_and_says_when_it_is_worth_a_version() -> None:
    assert access_boost(0.5, 2, 0.02) == (0.54, True)
    assert access_boost(0.99, 5, 0.02) == (1.0, True)
    assert access_boost(0.5, 1, 0.004) == (0.504, False)
    assert access_boost(1.0, 3, 0.02) == (1.0, False)


def test_episodic_turns_expire_after_their_ttl() -> None:
    assert episodic_cutoff(NOW, 90) == NOW - dt.timedelta(days=90)
    assert episodic_cutoff(NOW, None) is None


@pytest.mark.parametrize("choice", ["candidate", "existing", "both"])
def test_an_open_shared_conflict_settles_any_way(choice: str) -> None:
    assert settlement(choice, conflict_status="open", resolution=None, candidate_scope="tenant") == choice


def test_a_users_attribute_cannot_keep_both_values() -> None:
    with pytest.raises(ConflictError, match="only shared"):
        settlement("both", conflict_status="open", resolution=None, candidate_scope="user")


def test_a_resolved_conflict_cannot_be_settled_again() -> None:
    with pytest.raises(ConflictError, match=r"already resolved \(candidate\)"):
        settlement("existing", conflict_status="resolved", resolution="candidate", candidate_scope="user")

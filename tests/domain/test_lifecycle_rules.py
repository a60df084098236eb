"""Lifecycle boundaries: where archiving starts, which change is worth a version, stored precision,
and a clock that is behind a row's timestamps. (``test_lifecycle.py`` shows the rules at work.)"""

from __future__ import annotations

import datetime as dt

import pytest
from accord.domain.lifecycle import access_boost, maintenance_step, settlement
from accord.domain.records import MaintenancePolicy

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
POLICY = MaintenancePolicy(half_life_days={"fact": 100.0}, archive_below=0.1, stale_after_days=30, episodic_ttl_days=90)


def step(importance: float, *, created: dt.datetime, decayed: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    return maintenance_step(
        category="fact",
        importance=importance,
        decayed_at=decayed,
        created_at=created,
        last_accessed_at=None,
        policy=POLICY,
        now=NOW,
    )


def test_a_score_exactly_at_the_archive_threshold_is_kept() -> None:
    # 0.2 after one half-life is exactly 0.1 = archive_below: "under the threshold" is strict.
    s = step(0.2, created=NOW - dt.timedelta(days=100))
    assert (s.score, s.archive) == (0.1, False)
    assert step(0.19, created=NOW - dt.timedelta(days=100)).archive is True


def test_a_row_stamped_ahead_of_this_clock_does_not_decay() -> None:
    # Another node's clock ran ahead: no negative age, no growth, and no decay either.
    s = step(1.0, created=NOW - dt.timedelta(days=1), decayed=NOW + dt.timedelta(hours=1))
    assert (s.score, s.days, s.decayed) == (1.0, 0.0, False)
    assert step(1.0, created=NOW).days == 0.0


def test_decayed_scores_are_kept_to_six_decimals() -> None:
    # The stored importance has six decimals, so a rerun compares equal to what was written.
    assert step(1.0, created=NOW - dt.timedelta(days=1)).score == round(0.5 ** (1 / 100), 6) == 0.993092


def test_decay_to_nothing_from_exactly_the_smallest_recorded_change_is_recorded() -> None:
    s = step(0.005, created=NOW - dt.timedelta(days=100 * 30))  # thirty half-lives
    assert (s.score, s.decayed) == (0.0, True)


def test_a_boost_of_exactly_the_smallest_recorded_change_is_recorded() -> None:
    assert access_boost(0.0, 1, 0.005) == (0.005, True)
    assert access_boost(0.0, 1, 0.004) == (0.004, False)


def test_boosted_scores_are_kept_to_six_decimals() -> None:
    assert access_boost(0.5, 1, 1 / 3) == (0.833333, True)


def test_an_unknown_settlement_choice_is_a_programming_error_naming_it() -> None:
    with pytest.raises(ValueError, match="^maybe$"):
        settlement("maybe", conflict_status="open", resolution=None, candidate_scope="tenant")

"""Lifecycle policy as pure functions: importance decay, staleness, access boosts, episodic expiry,
and whether a conflict can be settled a given way. :mod:`accord.domain.curation` turns these
answers into the plans the store applies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from accord.errors import ConflictError
from accord.domain.records import MaintenancePolicy

__all__ = [
    "MaintenanceStep",
    "SettleChoice",
    "access_boost",
    "episodic_cutoff",
    "maintenance_step",
    "settlement",
]

DEFAULT_HALF_LIFE_DAYS = 180.0
_MIN_CHANGE = 0.005  # smaller importance changes are not worth a version
_DAY = 86_400.0

SettleChoice = Literal["candidate", "existing", "both"]


@dataclass(frozen=True, slots=True)
class MaintenanceStep:
    """What maintenance does to one active durable memory."""

    score: float  # the decayed importance
    decayed: bool  # worth recording (a version)
    archive: bool  # stale and worthless: archive it
    days: float  # days of decay applied


def _days(since: dt.datetime, now: dt.datetime) -> float:
    return max((now - since).total_seconds(), 0.0) / _DAY


def maintenance_step(
    *,
    category: str,
    importance: float,
    decayed_at: dt.datetime | None,
    created_at: dt.datetime,
    last_accessed_at: dt.datetime | None,
    policy: MaintenancePolicy,
    now: dt.datetime,
) -> MaintenanceStep:
    """Exponential decay with the category's half-life since the last decay, and archiving when
    the decayed score is under ``policy.archive_below`` and nobody read it for
    ``policy.stale_after_days``."""
    half_life = policy.half_life_days.get(category, DEFAULT_HALF_LIFE_DAYS)
    days = _days(decayed_at or created_at, now)
    score = round(importance * 0.5 ** (days / half_life), 6)
    idle = _days(last_accessed_at or created_at, now)
    return MaintenanceStep(
        score=score,
        decayed=importance - score >= _MIN_CHANGE,
        archive=score < policy.archive_below and idle >= policy.stale_after_days,
        days=days,
    )


def episodic_cutoff(now: dt.datetime, ttl_days: float | None) -> dt.datetime | None:
    """Episodic turns created before this instant expire (None: they never do)."""
    return None if ttl_days is None else now - dt.timedelta(days=ttl_days)


def access_boost(importance: float, accesses: int, boost: float) -> tuple[float, bool]:
    """The live importance after ``accesses`` reads, capped at 1, and whether it moved enough to be
    worth reporting (the hot tier refreshes the memory; reads are never versions)."""
    score = round(min(1.0, importance + boost * accesses), 6)
    return score, score - importance >= _MIN_CHANGE


def settlement(choice: str, *, conflict_status: str, resolution: str | None, candidate_scope: str) -> SettleChoice:
    """Check that a conflict can be settled this way: ``candidate`` supersedes the stored memory,
    ``existing`` drops the candidate, ``both`` keeps both (shared claims only)."""
    if conflict_status != "open":
        raise ConflictError(f"it was already resolved ({resolution})")
    if choice not in ("candidate", "existing", "both"):
        raise ValueError(choice)  # the engine validates the choice first
    if choice == "both" and candidate_scope != "tenant":
        raise ConflictError("only shared (tenant) claims can both stay; a user's attribute has one value")
    return choice  # type: ignore[return-value]

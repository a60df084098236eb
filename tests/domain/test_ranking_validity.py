"""``held_at``: what ``as_of`` answers at each boundary of record time and valid time, to the instant.

Record time: a memory is known from ``created_at`` (inclusive) until ``archived_at`` (exclusive).
Valid time: it holds from ``valid_from`` (inclusive) until ``valid_to`` (exclusive).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord import Category, Memory, MemorySource, SourceKind
from accord.domain.ranking import held_at

T = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)


def memory(created_at: dt.datetime = T, **times: dt.datetime | None) -> Memory:
    return Memory(
        id="m", user_id="u", content="User lives in Berlin", category=Category.FACT, importance_score=0.5,
        original_importance_score=0.5, source=MemorySource(kind=SourceKind.EXTRACTED), lineage_id="m",
        created_at=created_at, updated_at=created_at, **times,
    )


BOUNDARIES = [
    # (boundary, memory, when, held)
    ("recorded the instant before: not yet known", memory(), T - TICK, False),
    ("recorded at that instant: known", memory(), T, True),
    ("archived at that instant: no longer held", memory(archived_at=T + dt.timedelta(days=1)), T + dt.timedelta(days=1), False),
    ("archived one instant later: still held", memory(archived_at=T + dt.timedelta(days=1)), T + dt.timedelta(days=1) - TICK, True),
    ("valid from one instant later: not yet valid", memory(valid_from=T + TICK), T, False),
    ("valid from that instant: valid", memory(valid_from=T), T, True),
    ("valid from before it was recorded: valid once recorded", memory(valid_from=T - dt.timedelta(days=9)), T, True),
    ("valid until that instant: no longer valid", memory(valid_to=T + dt.timedelta(hours=1)), T + dt.timedelta(hours=1), False),
    ("valid until one instant later: still valid", memory(valid_to=T + dt.timedelta(hours=1)), T + dt.timedelta(hours=1) - TICK, True),
    ("open validity, never archived: held from then on", memory(), T + dt.timedelta(days=3650), True),
]


@pytest.mark.parametrize(("boundary", "m", "when", "held"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_held_at_boundary(boundary: str, m: Memory, when: dt.datetime, held: bool) -> None:
    assert held_at(m, when) is held


offsets = st.integers(min_value=-10_000, max_value=10_000).map(lambda s: T + dt.timedelta(seconds=s))


@given(
    created=offsets, when=offsets, archived=st.none() | offsets, valid_from=st.none() | offsets,
    valid_to=st.none() | offsets,
)
def test_held_at_is_exactly_inside_both_intervals(
    created: dt.datetime, when: dt.datetime, archived: dt.datetime | None, valid_from: dt.datetime | None,
    valid_to: dt.datetime | None,
) -> None:
    """``as_of`` never answers with a memory outside its validity or its record time, and never misses one inside."""
    m = memory(created, archived_at=archived, valid_from=valid_from, valid_to=valid_to)
    recorded = created <= when and (archived is None or when < archived)
    valid = (valid_from is None or valid_from <= when) and (valid_to is None or when < valid_to)
    assert held_at(m, when) is (recorded and valid)

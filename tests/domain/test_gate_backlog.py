"""L0 backlog: a tenant with too many jobs waiting is told to come back, and when."""

from __future__ import annotations

import pytest
from accord.domain.gate import BACKLOG_MAX_WAIT, BACKLOG_UNKNOWN_WAIT, backlog_retry_after, backlog_full


@pytest.mark.parametrize(
    ("pending", "limit", "full"), [(0, 1, False), (9, 10, False), (10, 10, True), (11, 10, True), (10**6, None, False)]
)
def test_the_backlog_is_full_at_its_limit(pending: int, limit: int | None, full: bool) -> None:
    assert backlog_full(pending, limit) is full


def test_the_wait_is_the_time_to_drain_below_the_limit_at_the_recent_pace() -> None:
    # 10 over the limit of 100 (one more must finish to make room), 2 jobs a second done lately.
    assert backlog_retry_after(pending=110, limit=100, done_recently=120, window_seconds=60) == pytest.approx(5.5)
    assert backlog_retry_after(pending=100, limit=100, done_recently=60, window_seconds=60) == 1.0


def test_with_no_recent_progress_the_wait_is_a_fixed_guess_and_it_is_bounded() -> None:
    assert backlog_retry_after(pending=500, limit=100, done_recently=0, window_seconds=60) == BACKLOG_UNKNOWN_WAIT
    assert backlog_retry_after(pending=10**7, limit=100, done_recently=1, window_seconds=60) == BACKLOG_MAX_WAIT

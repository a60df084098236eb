"""A circuit breaker per LLM provider, so a dead provider costs one timeout, not one per job.

States::

    NOT_CONFIGURED  no credentials: never tried, never counted (shown in health so a typo is visible)
    CLOSED          calls go through; ``failure_threshold`` consecutive failures open it
    OPEN            calls are skipped until ``reset_seconds`` have passed since it opened
    HALF_OPEN       the wait is over: exactly one probe goes through; success closes the
                    breaker, failure opens it again for another ``reset_seconds``

Time comes from an injected clock (monotonic seconds), so tests move it by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["BreakerSnapshot", "BreakerState", "CircuitBreaker", "MonotonicClock"]

MonotonicClock = Callable[[], float]


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"
    NOT_CONFIGURED = "not_configured"


@dataclass(frozen=True, slots=True)
class BreakerSnapshot:
    """One provider's breaker as health output shows it.

    Attributes:
        name: The provider entry.
        state: The state at the time of the snapshot.
        consecutive_failures: Failures since the last success.
        total_failures: Failures since start.
        total_successes: Successes since start.
        opened_at: Clock time the breaker last opened, or None while closed.
        last_error: The reason of the latest failure, if any.
    """

    name: str
    state: BreakerState
    consecutive_failures: int
    total_failures: int
    total_successes: int
    opened_at: float | None
    last_error: str | None


class CircuitBreaker:
    """Tracks one provider's health and decides whether to call it.

    Use :meth:`try_acquire` before a call and exactly one of :meth:`record_success`,
    :meth:`record_failure` or :meth:`release` after it.

    Args:
        name: The provider entry, for health output.
        failure_threshold: Consecutive failures that open the breaker.
        reset_seconds: How long it stays open before one probe may go through.
        clock: Monotonic seconds; ``time.monotonic`` unless a test drives time.
        configured: False for a provider with no credentials: it stays NOT_CONFIGURED.
    """

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 3,
        reset_seconds: float = 30.0,
        clock: MonotonicClock = time.monotonic,
        configured: bool = True,
    ) -> None:
        if failure_threshold < 1 or reset_seconds <= 0:
            raise ValueError("failure_threshold must be >= 1 and reset_seconds > 0")
        self.name = name
        self._threshold = failure_threshold
        self._reset = reset_seconds
        self._clock = clock
        self._configured = configured
        self._consecutive = 0
        self._failures = 0
        self._successes = 0
        self._opened_at: float | None = None
        self._last_error: str | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        """The current state; OPEN turns HALF_OPEN by itself once the reset time has passed."""
        if not self._configured:
            return BreakerState.NOT_CONFIGURED
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self._reset:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def try_acquire(self) -> bool:
        """May a call go out now? In HALF_OPEN only one caller gets True until it reports back."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        """The provider answered usefully: close the breaker."""
        self._probing = False
        self._successes += 1
        self._consecutive = 0
        self._opened_at = None

    def record_failure(self, reason: str) -> None:
        """The provider failed; open the breaker at the threshold, or again after a failed probe."""
        was_probe = self._probing
        self._probing = False
        self._failures += 1
        self._consecutive += 1
        self._last_error = reason
        if was_probe or self._opened_at is not None or self._consecutive >= self._threshold:
            self._opened_at = self._clock()

    def release(self) -> None:
        """The call ended without telling anything about the provider (e.g. the job ran out of time)."""
        self._probing = False

    def retry_after(self) -> float | None:
        """Seconds until a call may go out (0 when it may now); None when not configured."""
        state = self.state
        if state is BreakerState.NOT_CONFIGURED:
            return None
        if state is BreakerState.OPEN and self._opened_at is not None:
            return max(0.0, self._opened_at + self._reset - self._clock())
        return 0.0

    def snapshot(self) -> BreakerSnapshot:
        """The breaker's counters and state, for health output."""
        return BreakerSnapshot(
            name=self.name,
            state=self.state,
            consecutive_failures=self._consecutive,
            total_failures=self._failures,
            total_successes=self._successes,
            opened_at=self._opened_at,
            last_error=self._last_error,
        )

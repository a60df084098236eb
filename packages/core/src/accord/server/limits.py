"""Rate-limit and quota state for response headers.

The engine keeps its L1 token buckets in the hot tier and does not expose their level, so the
server keeps a mirror with the same parameters and the same arithmetic: every ``add`` that
returned a result took one token, except one blocked by the rate limit, whose
``retry_after_seconds`` gives the bucket's exact level. With one server process this matches
the engine; with several replicas sharing Redis it is an estimate of this replica's view.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from accord.domain.principal import Principal
from accord.domain.models import AddResult
from accord.engine.engine import AsyncAccord

__all__ = ["RateMeter", "quota_headers"]


@dataclass(slots=True)
class _Level:
    tokens: float
    updated: float


class RateMeter:
    """A mirror of the engine's per-tenant-and-agent token buckets."""

    def __init__(
        self, rate_per_minute: float, burst: int, *, clock: Callable[[], float] = time.time, max_buckets: int = 100_000
    ) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = burst
        self._clock = clock
        self._max = max_buckets
        self._levels: OrderedDict[str, _Level] = OrderedDict()

    @staticmethod
    def bucket(principal: Principal) -> str:
        return f"{principal.tenant_id}:{principal.agent_id or '-'}"

    def _level(self, bucket: str) -> _Level:
        now = self._clock()
        level = self._levels.get(bucket)
        if level is None:
            level = self._levels[bucket] = _Level(float(self.burst), now)
            while len(self._levels) > self._max:
                self._levels.popitem(last=False)
        elif now > level.updated:
            level.tokens = min(float(self.burst), level.tokens + (now - level.updated) * self.rate)
            level.updated = now
        self._levels.move_to_end(bucket)
        return level

    def record(self, bucket: str, result: AddResult) -> None:
        """Account for one ``add`` that reached the gate."""
        level = self._level(bucket)
        if result.blocked_reason == "rate_limit_exceeded":
            level.tokens = max(0.0, 1.0 - (result.retry_after_seconds or 0.0) * self.rate)
        else:
            level.tokens = max(0.0, level.tokens - 1.0)

    def headers(self, bucket: str, result: AddResult | None = None) -> dict[str, str]:
        """``X-RateLimit-Limit`` (the burst; refilled at the per-minute rate), ``-Remaining``,
        and ``Retry-After`` on an add blocked by the rate limit."""
        out = {"X-RateLimit-Limit": str(self.burst), "X-RateLimit-Remaining": str(math.floor(self._level(bucket).tokens))}
        if result is not None and result.retry_after_seconds is not None:
            out["Retry-After"] = str(max(1, math.ceil(result.retry_after_seconds)))
        return out


async def quota_headers(view: AsyncAccord) -> dict[str, str]:
    """``X-Quota-Limit`` and ``X-Quota-Used`` (active memories) when the tenant has a quota."""
    store, tenant = view.parts.store, view.principal.tenant_id
    quota = await store.tenant_quota(tenant)
    quota = quota if quota is not None else view.settings.tenant_memory_quota
    if quota is None:
        return {}
    return {"X-Quota-Limit": str(quota), "X-Quota-Used": str(await store.quota_used(tenant))}

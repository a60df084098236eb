"""Read-only summaries for the dashboard and the consent page; a mixin of ``AsyncAccord``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from accord.domain.access import effective_access
from accord.domain.insights import AgentAccess, Overview, timeline_rows
from accord.domain.validation import check_identifier, check_int
from accord.errors import InvalidInputError

if TYPE_CHECKING:
    from accord.domain.principal import Principal
    from accord.engine.authz import Authorizer
    from accord.engine.components import Components


class InsightsAPI:
    parts: Components
    _principal: Principal
    _authz: Authorizer

    async def overview(self, *, hours: int = 24) -> Overview:
        """Memories by category, jobs by status (``deferred`` apart), quota use and the gate's
        decisions per hour over the last ``hours`` hours."""
        self._authz.require_admin(self._principal, "read the tenant overview")
        hours = check_int("hours", hours, 1, 24 * 31)
        parts, tenant = self.parts, self._principal.tenant_id
        now = parts.clock.now()
        events = parts.store.events
        quota = await parts.store.tenant_quota(tenant)
        since = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=hours - 1)
        return Overview(
            memories_by_category=await events.category_counts(tenant),
            jobs=await events.job_counts(tenant, now),
            quota=quota if quota is not None else parts.settings.tenant_memory_quota,
            quota_used=await parts.store.quota_used(tenant),
            gate=timeline_rows(await events.gate_timeline(tenant, since), end=now, hours=hours),
        )

    async def agents_for_user(self, user_id: str | None = None) -> list[AgentAccess]:
        """Every agent whose grants reach the user: what the grants allow, the user's consent,
        and what the agent may read and write now (the user's own token, or an admin)."""
        user_id = user_id if user_id is not None else self._principal.user_id
        if user_id is None:
            raise InvalidInputError("user_id", "name the user (a user token names itself)")
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        self._authz.require_user_or_admin(self._principal, user_id, "read agents' access")  # type: ignore[arg-type]
        identity, tenant, now = self.parts.store.identity, self._principal.tenant_id, self.parts.clock.now()
        out = []
        for agent in await identity.list_agents(tenant):
            if agent.role != "agent" or agent.disabled_at is not None:
                continue
            grants, consent = await identity.rules_for(tenant, agent.id, user_id)  # type: ignore[arg-type]
            granted = effective_access(grants, None, user_id, now)  # type: ignore[arg-type]
            if not granted.read:
                continue
            now_ = effective_access(grants, consent, user_id, now)  # type: ignore[arg-type]
            out.append(
                AgentAccess(
                    agent_id=agent.id,
                    name=agent.name,
                    granted_read=sorted(granted.read),
                    granted_write=sorted(granted.write),
                    consent=None if consent is None else consent.granted,
                    read=sorted(now_.read),
                    write=sorted(now_.write),
                )
            )
        return out

"""The remote client's webhook, quality-log and summary methods (a mixin of ``AsyncRemoteAccord``)."""

from __future__ import annotations

from typing import Any, Literal

from accord.domain import webhooks as wh
from accord.domain.insights import AgentAccess, Overview


class RemoteEventsAPI:
    async def _call(self, method: str, path: str, **kw: Any) -> Any: ...  # provided by AsyncRemoteAccord

    async def create_webhook(self, url: str, events: list[str] | None = None) -> tuple[wh.Webhook, str]:
        from accord.remote.client import _parse

        body = await self._call("POST", "/admin/webhooks", json={"url": url, "events": events})
        return _parse(wh.Webhook, body["webhook"]), str(body["secret"])

    async def list_webhooks(self) -> list[wh.Webhook]:
        from accord.remote.client import _parse

        return _parse(list[wh.Webhook], await self._call("GET", "/admin/webhooks"))

    async def disable_webhook(self, webhook_id: str) -> wh.Webhook:
        from accord.remote.client import _parse, _seg

        return _parse(wh.Webhook, await self._call("POST", f"/admin/webhooks/{_seg('webhook_id', webhook_id)}/disable"))

    async def list_webhook_deliveries(
        self, *, status: Literal["pending", "delivered", "failed"] | None = None, limit: int = 100
    ) -> list[wh.WebhookDelivery]:
        from accord.remote.client import _parse

        params = {"status": status, "limit": limit}
        return _parse(list[wh.WebhookDelivery], await self._call("GET", "/admin/webhooks/deliveries", params=params))

    async def deliver_webhooks(self) -> int:
        return int((await self._call("POST", "/admin/webhooks/deliver"))["count"])

    async def list_gate_decisions(
        self, *, decision: str | None = None, user_id: str | None = None, agent_id: str | None = None, limit: int = 200
    ) -> list[wh.GateRecord]:
        from accord.remote.client import _parse

        params = {"decision": decision, "user_id": user_id, "agent_id": agent_id, "limit": limit}
        return _parse(list[wh.GateRecord], await self._call("GET", "/admin/gate-log", params=params))

    async def overview(self, *, hours: int = 24) -> Overview:
        from accord.remote.client import _parse

        return _parse(Overview, await self._call("GET", "/admin/overview", params={"hours": hours}))

    async def agents_for_user(self, user_id: str | None = None) -> list[AgentAccess]:
        from accord.remote.client import _parse

        return _parse(list[AgentAccess], await self._call("GET", "/consent/agents", params={"user_id": user_id}))

"""The webhook, quality-log and summary methods through the remote client (REST over ASGI):
the same answers and errors as the embedded engine."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from accord import AccordSettings, AsyncAccord, InvalidInputError, PermissionDeniedError
from accord.remote.client import AsyncRemoteAccord
from accord.server import ServerSettings, create_app

from .conftest import Receiver

OPERATOR = "aco_webhooks-remote-operator-key"


async def test_webhooks_overview_and_consent_summary_over_rest(tmp_path: Path, receiver: Receiver) -> None:
    settings = AccordSettings(data_dir=tmp_path / "data", embedder="none", index="none", webhook_poll_seconds=3600)
    async with AsyncAccord(settings) as engine:
        app = create_app(engine, ServerSettings(admin_key=OPERATOR))
        remote = AsyncRemoteAccord("http://127.0.0.1:8787", OPERATOR, transport=httpx.ASGITransport(app))
        try:
            hook, secret = await remote.create_webhook(receiver.url, ["user.erased"])
            assert secret.startswith("whsec_") and [h.id for h in await remote.list_webhooks()] == [hook.id]
            with pytest.raises(InvalidInputError) as e:
                await remote.create_webhook(receiver.url, ["nope"])
            assert e.value.field == "events"
            await remote.add("I love green tea and I live in Lisbon", user_id="alice", wait=True)
            await remote.add("I love green tea and I live in Lisbon", user_id="alice")  # a duplicate
            await remote.forget_user("alice")
            assert await remote.deliver_webhooks() == 1
            (sent,) = await remote.list_webhook_deliveries(status="delivered")
            assert sent.event_type == "user.erased" and receiver.ids() == [sent.id]
            assert await remote.list_gate_decisions() == []  # erased with alice
            summary = await remote.overview(hours=2)
            assert summary == await engine.overview(hours=2) and len(summary.gate) == 2
            agent, key = await remote.create_agent("planner")
            await remote.grant(agent.id, "read_only", categories=["fact"])
            token = await remote.issue_user_token("bob")
            bob = AsyncRemoteAccord("http://127.0.0.1:8787", token.key, transport=httpx.ASGITransport(app))
            try:
                (access,) = await bob.agents_for_user()
                assert (access.name, access.read, access.write, access.consent) == ("planner", ["fact"], [], None)
                with pytest.raises(PermissionDeniedError):
                    await bob.list_webhooks()
            finally:
                await bob.close()
            assert (await remote.disable_webhook(hook.id)).disabled_at is not None
        finally:
            await remote.close()

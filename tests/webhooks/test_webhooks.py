"""Webhooks end to end: a real engine, a real store, a receiver on loopback.

Delivery is driven by ``deliver_webhooks()`` (the background loop's interval is set to an
hour so it never races the test) and time by a ManualClock, so backoff is exact.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from accord import AccordSettings, AsyncAccord, InvalidInputError, ManualClock, PermissionDeniedError
from accord.adapters.extractors.rules.extractor import RuleBasedExtractor
from accord.domain import webhooks as wh
from accord.engine.webhooks import WebhookDelivery
from accord.errors import ProviderError

from .conftest import Receiver

START = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def _settings(tmp_path: Path, **overrides: Any) -> AccordSettings:
    # No vector index (faster to start; nothing here searches) unless a test asks for one.
    base: dict[str, Any] = {"data_dir": tmp_path / "data", "embedder": "none", "index": "none", "webhook_poll_seconds": 3600}
    return AccordSettings(**{**base, **overrides})


async def _erase_and_deliver(engine: AsyncAccord, user: str = "alice") -> None:
    await engine.add("I love green tea and hiking in the Alps", user_id=user, wait=True)
    await engine.forget_user(user)
    await engine.deliver_webhooks()


async def test_a_delivery_is_signed_with_a_timestamp_and_carries_its_event_id(tmp_path: Path, receiver: Receiver) -> None:
    clock = ManualClock(START)
    async with AsyncAccord(_settings(tmp_path), clock=clock) as engine:
        hook, secret = await engine.create_webhook(receiver.url, ["user.erased"])
        await _erase_and_deliver(engine)
        (got,) = receiver.received
        assert got.headers["Accord-Event-Type"] == "user.erased"
        assert got.json["id"] == got.headers["Accord-Event-Id"] and got.json["data"]["user_id"] == "alice"
        assert got.json["data"]["report"]["memories"] >= 1
        signature = got.headers["Accord-Signature"]
        assert signature.startswith(f"t={int(START.timestamp())},v1=")
        now = START.timestamp()
        assert wh.verify(secret, signature, got.body, now=now)
        assert not wh.verify(secret, signature, got.body + b" ", now=now)  # body changed
        assert not wh.verify("whsec_other", signature, got.body, now=now)  # another secret
        assert not wh.verify(secret, signature, got.body, now=now + 3600)  # a replay an hour later
        assert secret not in str(await engine.list_webhooks())  # the secret is shown once, at creation
        (logged,) = await engine.list_webhook_deliveries()
        assert (logged.status, logged.attempts, logged.last_status, logged.webhook_id) == ("delivered", 1, 200, hook.id)


async def test_failed_deliveries_are_retried_with_backoff_and_never_resent_once_delivered(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = ManualClock(START)
    receiver.statuses = [500, 503]
    async with AsyncAccord(_settings(tmp_path), clock=clock) as engine:
        await engine.create_webhook(receiver.url, ["user.erased"])
        await _erase_and_deliver(engine)
        (first,) = await engine.list_webhook_deliveries()
        assert (first.status, first.attempts, first.last_error) == ("pending", 1, "HTTP 500")
        assert first.next_attempt_at == START + dt.timedelta(seconds=wh.backoff_seconds(1))
        assert await engine.deliver_webhooks() == 0 and len(receiver.received) == 1  # not due yet
        clock.advance(seconds=wh.backoff_seconds(1))
        await engine.deliver_webhooks()
        (second,) = await engine.list_webhook_deliveries()
        assert (second.status, second.attempts) == ("pending", 2)
        assert second.next_attempt_at == clock.now() + dt.timedelta(seconds=wh.backoff_seconds(2))
        clock.advance(seconds=wh.backoff_seconds(2))
        assert await engine.deliver_webhooks() == 1
        clock.advance(hours=5)
        assert await engine.deliver_webhooks() == 0
        assert len(receiver.ids()) == 3 and len(set(receiver.ids())) == 1  # one event id on every try
        (done,) = await engine.list_webhook_deliveries(status="delivered")
        assert done.attempts == 3


async def test_a_delivery_that_keeps_failing_ends_failed_in_the_log(tmp_path: Path, receiver: Receiver) -> None:
    clock = ManualClock(START)
    receiver.statuses = [500] * wh.MAX_ATTEMPTS
    async with AsyncAccord(_settings(tmp_path), clock=clock) as engine:
        await engine.create_webhook(receiver.url, ["user.erased"])
        await _erase_and_deliver(engine)
        for attempt in range(1, wh.MAX_ATTEMPTS):
            clock.advance(seconds=wh.backoff_seconds(attempt))
            await engine.deliver_webhooks()
        (failed,) = await engine.list_webhook_deliveries()
        assert (failed.status, failed.attempts) == ("failed", wh.MAX_ATTEMPTS)
        clock.advance(days=1)
        await engine.deliver_webhooks()
        assert len(receiver.received) == wh.MAX_ATTEMPTS


async def test_an_event_queued_before_a_restart_is_delivered_after_it(sql_url: str, tmp_path: Path) -> None:
    down = Receiver()
    url = down.url
    down.close()  # nothing listens: the first try fails
    clock = ManualClock(START)
    async with AsyncAccord(_settings(tmp_path, database_url=sql_url), clock=clock) as engine:
        await engine.create_webhook(url, ["user.erased"])
        await _erase_and_deliver(engine)
        (pending,) = await engine.list_webhook_deliveries()
        assert pending.status == "pending" and pending.last_error
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    up = _receiver_on(port)
    try:
        clock.advance(minutes=5)
        async with AsyncAccord(_settings(tmp_path, database_url=sql_url), clock=clock) as engine:
            assert await engine.deliver_webhooks() == 1
            assert await engine.deliver_webhooks() == 0
        assert up.ids() == [pending.id]
    finally:
        up.close()


def _receiver_on(port: int) -> Receiver:
    """A receiver bound to a given port (the one the first process knew)."""
    import socket
    from http.server import ThreadingHTTPServer

    r = Receiver()
    handler = r._server.RequestHandlerClass
    r.close()
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    r._server = server
    import threading

    r._thread = threading.Thread(target=server.serve_forever, daemon=True)
    r._thread.start()
    return r


async def test_two_delivery_loops_send_each_event_once(sql_url: str, tmp_path: Path, receiver: Receiver) -> None:
    async with AsyncAccord(_settings(tmp_path, database_url=sql_url)) as engine:
        await engine.create_webhook(receiver.url, ["user.erased"])
        for user in ("u1", "u2", "u3", "u4", "u5", "u6"):
            await engine.add("I love green tea and hiking in the Alps", user_id=user, wait=True)
            await engine.forget_user(user)
        loops = [WebhookDelivery(engine.parts) for _ in range(3)]
        sent = await asyncio.gather(*(loop.run_round() for loop in loops))
        assert sum(sent) == 6
        assert len(receiver.ids()) == 6 == len(set(receiver.ids()))


async def test_quota_marks_fire_once_each_and_rearm_for_a_new_quota(tmp_path: Path, receiver: Receiver) -> None:
    async with AsyncAccord(_settings(tmp_path, run_worker=False)) as engine:
        await engine.create_tenant("acme", memory_quota=5)
        acme = engine.for_tenant("acme")
        await acme.create_webhook(receiver.url, ["quota.threshold"])
        for i in range(8):
            await acme.add(f"Note number {i}: the quarterly report is due on Friday {i}", user_id="ann")
        await acme.deliver_webhooks()
        marks = [(r.json["data"]["percent"], r.json["data"]["quota"]) for r in receiver.received]
        assert sorted(marks) == [(80, 5), (100, 5)]
        refused = await acme.list_gate_decisions(decision="budget_exhausted")
        assert refused and all(r.content_chars > 0 and r.user_id == "ann" for r in refused)
        assert "quarterly" not in str([r.model_dump() for r in refused])  # sizes, never the text


class _Broken(RuleBasedExtractor):
    async def extract(self, messages: Sequence[Any]) -> list[Any]:
        raise ProviderError("the extractor broke")


async def test_a_job_that_fails_for_good_emits_job_failed(tmp_path: Path, receiver: Receiver) -> None:
    async with AsyncAccord(_settings(tmp_path, job_max_attempts=1), extractor=_Broken()) as engine:
        await engine.create_webhook(receiver.url, ["job.failed", "user.erased"])
        result = await engine.add("I love green tea and hiking in the Alps", user_id="bob", wait=True)
        assert result.status == "failed"
        await engine.deliver_webhooks()
        (got,) = receiver.received
        assert got.json["type"] == "job.failed" and got.json["data"]["job_id"] == result.job_id


async def test_a_claim_queued_for_review_emits_review_needed(tmp_path: Path, receiver: Receiver) -> None:
    async with AsyncAccord(_settings(tmp_path, shared_fact_policy="review")) as engine:
        await engine.create_webhook(receiver.url, ["conflict.review_needed"])
        await engine.add("Our VPN server is vpn1.acme.com", user_id="alice", wait=True)
        await engine.add("Our VPN server is vpn2.acme.com", user_id="bob", wait=True)
        await engine.deliver_webhooks()
        (got,) = receiver.received
        assert got.json["data"]["user_id"] == "bob" and got.json["data"]["items"] == 1
        assert len(await engine.list_conflicts(kind="review")) == 1


async def test_mode_changes_are_announced_degraded_then_recovered(tmp_path: Path, receiver: Receiver) -> None:
    async with AsyncAccord(_settings(tmp_path, index="qdrant_edge")) as engine:  # full service to start from
        await engine.create_webhook(receiver.url, ["mode.changed"])
        await engine.deliver_webhooks()  # the first round learns the current mode
        engine.parts.index_stale = "the test says so"
        await engine.deliver_webhooks()
        await engine.deliver_webhooks()  # still degraded: nothing new
        engine.parts.index_stale = None
        await engine.deliver_webhooks()
        assert [r.json["data"]["state"] for r in receiver.received] == ["degraded", "recovered"]


async def test_bad_subscriptions_are_refused_naming_the_field(tmp_path: Path, receiver: Receiver) -> None:
    async with AsyncAccord(_settings(tmp_path)) as engine:
        for url, events, field in [
            ("ftp://example.com/x", None, "url"),
            ("http://exa mple.com", None, "url"),
            (receiver.url, ["user.deleted"], "events"),
            (receiver.url, [], "events"),
        ]:
            with pytest.raises(InvalidInputError) as e:
                await engine.create_webhook(url, events)
            assert e.value.field == field
        assert await engine.list_webhooks() == []
        agent, key = await engine.create_agent("planner")
        view = await engine.for_key(key.key)
        with pytest.raises(PermissionDeniedError):
            await view.create_webhook(receiver.url)
        _, admin_key = await engine.create_agent("boss", role="admin")
        admin = await engine.for_key(admin_key.key)
        for inward in [receiver.url, "http://localhost:8080/x", "http://10.0.0.7/x", "http://169.254.169.254/latest",
                       "http://[::1]:9/x", "http://db.internal/x"]:
            with pytest.raises(PermissionDeniedError):
                await admin.create_webhook(inward)
        assert (await admin.create_webhook("https://hooks.example.com/accord"))[0].url == "https://hooks.example.com/accord"
        assert len(await engine.list_webhooks()) == 1
        await engine.disable_webhook((await engine.list_webhooks())[0].id)
        hook, _ = await engine.create_webhook(receiver.url)  # the operator may reach loopback
        assert hook.events == list(wh.EVENT_TYPES)
        assert (await engine.disable_webhook(hook.id)).disabled_at is not None
        await _erase_and_deliver(engine)
        assert receiver.received == []  # a disabled webhook gets nothing


async def test_a_flood_of_rate_limited_adds_is_logged_once_a_second_not_once_per_call(tmp_path: Path) -> None:
    async with AsyncAccord(_settings(tmp_path, rate_limit_per_minute=1, rate_limit_burst=1, run_worker=False)) as engine:
        results = [await engine.add(f"I love green tea, note {i}", user_id="ann") for i in range(6)]
        refused = [r for r in results if r.blocked_reason == "rate_limit_exceeded"]
        assert len(refused) == 5
        (logged,) = await engine.list_gate_decisions(decision="rate_limit_exceeded")
        assert logged.content_chars == len("I love green tea, note 1") and logged.messages == 1


async def test_erasure_removes_the_users_quality_log_and_sent_events_but_sends_its_own(
    sql_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    settings = _settings(tmp_path, database_url=sql_url, job_max_attempts=1)
    async with AsyncAccord(settings, extractor=_Broken()) as engine:
        await engine.create_webhook(receiver.url, ["job.failed", "user.erased"])
        await engine.add("I love green tea and hiking in the Alps", user_id="eve", wait=True)
        await engine.add("I love green tea and hiking in the Alps", user_id="eve")  # a duplicate: refused, logged
        await engine.add("I love green tea and hiking in the Alps", user_id="max", wait=True)
        assert await engine.deliver_webhooks() == 2
        assert [r.user_id for r in await engine.list_gate_decisions()] == ["eve"]
        await engine.forget_user("eve")
        assert await engine.list_gate_decisions() == []
        await engine.deliver_webhooks()
        kept = [(d.event_type, d.payload["data"]["user_id"]) for d in await engine.list_webhook_deliveries()]
        assert sorted(kept) == [("job.failed", "max"), ("user.erased", "eve")]
        assert [r.json["type"] for r in receiver.received][-1] == "user.erased"


async def test_each_event_is_queued_in_the_transaction_of_its_change(tmp_path: Path, receiver: Receiver) -> None:
    """No delivery loop runs: the rows are there the moment the change is (the outbox)."""
    clock = ManualClock(START)
    settings = _settings(tmp_path, run_worker=False, job_max_attempts=1, job_lease_seconds=30, tenant_memory_quota=2)
    async with AsyncAccord(settings, clock=clock) as engine:
        await engine.create_webhook(receiver.url)
        first = await engine.add("I love green tea and hiking in the Alps", user_id="ann")
        keys = {d.event_type for d in await engine.list_webhook_deliveries()}
        assert keys == set(), "one turn of a quota of 2 is 50%: no mark yet"
        await engine.add("I love jasmine tea and climbing", user_id="ann")  # 2 of 2: 80 and 100 in its enqueue
        marks = sorted(d.payload["data"]["percent"] for d in await engine.list_webhook_deliveries())
        assert marks == [80, 100]
        # A worker that died holding the job: the next claim gives up on it and queues job.failed with that.
        store = engine.parts.store
        assert (await store.claim_job("dead-worker", clock.now(), 30, 1)).id == first.job_id  # type: ignore[union-attr]
        clock.advance(seconds=31)
        await store.claim_job("next-worker", clock.now(), 30, 1)
        failed = [d for d in await engine.list_webhook_deliveries() if d.event_type == "job.failed"]
        assert [d.payload["data"]["job_id"] for d in failed] == [first.job_id]
        await engine.forget_user("ann")
        erased = [d for d in await engine.list_webhook_deliveries() if d.event_type == "user.erased"]
        assert len(erased) == 1 and erased[0].status == "pending"
        await engine.forget_user("ann")  # a retry finds nothing to erase: no second event
        assert len([d for d in await engine.list_webhook_deliveries() if d.event_type == "user.erased"]) == 1
        assert await engine.deliver_webhooks() == 4
        assert sorted(r.json["type"] for r in receiver.received) == [
            "job.failed", "quota.threshold", "quota.threshold", "user.erased"
        ]


async def test_a_mode_transition_is_one_event_keyed_by_process_and_number(tmp_path: Path, receiver: Receiver) -> None:
    async with AsyncAccord(_settings(tmp_path, index="qdrant_edge")) as engine:
        await engine.create_webhook(receiver.url, ["mode.changed"])
        loop = WebhookDelivery(engine.parts)
        await loop.run_round()
        engine.parts.index_stale = "the test says so"
        await loop.run_round()
        engine.parts.index_stale = None
        await loop.run_round()
        await loop.run_round()
        got = [r.json["data"] for r in receiver.received]
        assert [(d["state"], d["sequence"], d["process"]) for d in got] == [
            ("degraded", 1, loop.owner), ("recovered", 2, loop.owner)
        ]

"""The private-address guard resolves names: at subscription, and again at each delivery, which
connects to the address it checked. Real resolution where the machine offers a name that points
inward (its own host name, via /etc/hosts); elsewhere our resolver, ``guard.resolve_host``, is
replaced at the boundary, so the rest (engine, store, sender) is real."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from accord import AccordSettings, AsyncAccord, PermissionDeniedError
from accord.adapters.webhooks import guard
from accord.domain.webhooks import is_internal_address

from .conftest import Receiver

PUBLIC = "93.184.215.14"


def _settings(tmp_path: Path) -> AccordSettings:
    return AccordSettings(data_dir=tmp_path / "data", embedder="none", index="none", webhook_poll_seconds=3600)


async def _admin(engine: AsyncAccord) -> AsyncAccord:
    _, key = await engine.create_agent("boss", role="admin")
    return await engine.for_key(key.key)


def _resolving(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> None:
    real = guard.resolve_host

    async def resolve(host: str, port: int) -> list[str]:
        return list(table[host]) if host in table else await real(host, port)

    monkeypatch.setattr(guard, "resolve_host", resolve)


async def test_a_name_that_resolves_inward_is_refused_to_a_tenant_admin(tmp_path: Path) -> None:
    name = socket.gethostname().lower()
    try:
        addresses = await guard.resolve_host(name, 80)
    except OSError:
        addresses = []
    if not any(is_internal_address(a) for a in addresses):
        pytest.skip(f"this machine's name {name!r} does not resolve to an internal address ({addresses})")
    async with AsyncAccord(_settings(tmp_path)) as engine:
        admin = await _admin(engine)
        for url in [f"http://{name}:9/x", "http://localhost.:9/x", "http://LOCALHOST/x", "http://[::ffff:127.0.0.1]/x",
                    "http://0.0.0.0:9/x"]:
            with pytest.raises(PermissionDeniedError):
                await admin.create_webhook(url)
        assert await engine.list_webhooks() == []
        hook, _ = await engine.create_webhook(f"http://{name}:9/x")  # the operator may
        assert hook.url == f"http://{name}:9/x"


async def test_names_resolving_to_any_internal_address_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _resolving(monkeypatch, {
        "127.0.0.1.nip.example": ["127.0.0.1"],
        "metadata.example": ["169.254.169.254"],
        "mixed.example": [PUBLIC, "10.1.2.3"],  # one inward record among public ones: refused
        "v6.example": ["fd00::1"],
        "fine.example": [PUBLIC],
    })
    async with AsyncAccord(_settings(tmp_path)) as engine:
        admin = await _admin(engine)
        for host in ["127.0.0.1.nip.example", "metadata.example", "mixed.example", "v6.example"]:
            with pytest.raises(PermissionDeniedError, match="private"):
                await admin.create_webhook(f"https://{host}/hook")
        assert (await admin.create_webhook("https://fine.example/hook"))[0].url == "https://fine.example/hook"


async def test_a_name_rebound_inward_after_subscribing_is_not_delivered_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: Receiver
) -> None:
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    table = {"rebind.example": [PUBLIC]}
    _resolving(monkeypatch, table)
    async with AsyncAccord(_settings(tmp_path)) as engine:
        admin = await _admin(engine)
        await admin.create_webhook(f"http://rebind.example:{port}/hook", ["user.erased"])
        table["rebind.example"] = ["127.0.0.1"]  # the name now points at the server's own loopback
        await engine.add("I love green tea and hiking in the Alps", user_id="alice", wait=True)
        await engine.forget_user("alice")
        assert await engine.deliver_webhooks() == 0
        (delivery,) = await engine.list_webhook_deliveries()
        assert delivery.status == "pending" and "resolves to a loopback or private address" in (delivery.last_error or "")
        await asyncio.sleep(0.05)
        assert receiver.received == []  # nothing reached the loopback receiver


async def test_the_delivery_connects_to_the_address_it_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    _resolving(monkeypatch, {"hooks.example": [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]})
    https = await guard.check_destination("https://hooks.example/in?x=1", allow_internal=False)
    assert (https.url, https.host_header, https.sni_hostname) == (f"https://{PUBLIC}/in?x=1", "hooks.example", "hooks.example")
    plain = await guard.check_destination("http://hooks.example:8080/in", allow_internal=False)
    assert (plain.url, plain.host_header, plain.sni_hostname) == (f"http://{PUBLIC}:8080/in", "hooks.example:8080", None)
    with pytest.raises(guard.BlockedDestination):
        await guard.check_destination("http://localhost:8080/in", allow_internal=False)
    inside = await guard.check_destination("http://localhost:8080/in", allow_internal=True)  # the operator's hook
    assert inside.url == "http://localhost:8080/in" and inside.host_header is None

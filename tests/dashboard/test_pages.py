"""The dashboard and consent pages over HTTP, in-process (httpx over ASGI): sign-in, sessions,
CSRF, who may open which page, and that no secret is rendered. The browser tests
(``test_browser.py``) drive the same pages in Chromium."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from accord import AccordSettings, AsyncAccord, PermissionDeniedError
from accord.server import ServerSettings, create_app

OPERATOR = "aco_dashboard-test-operator-key"
PAGES = ["/", "/users", "/users/alice", "/conflicts", "/quality", "/agents", "/webhooks", "/domain"]


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncAccord]:
    # No vector index: these tests look at pages, not at search, and start faster without one.
    settings = AccordSettings(
        data_dir=tmp_path / "data", embedder="none", index="none", shared_fact_policy="review", webhook_poll_seconds=3600
    )
    async with AsyncAccord(settings) as e:
        yield e


@pytest.fixture
async def web(engine: AsyncAccord) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(engine, ServerSettings(admin_key=OPERATOR))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1:8787") as c:
        yield c


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)


async def sign_in(web: httpx.AsyncClient, prefix: str, key: str) -> httpx.Response:
    page = await web.get(f"{prefix}/login")
    return await web.post(f"{prefix}/login", data={"key": key, "login_csrf": _field(page.text, "login_csrf")})


async def test_every_page_asks_for_a_sign_in_first(web: httpx.AsyncClient) -> None:
    for path in PAGES:
        response = await web.get("/dashboard" + path)
        assert response.status_code == 303 and response.headers["location"] == "/dashboard/login", path
    assert (await web.get("/consent/")).headers["location"] == "/consent/login"


async def test_the_operator_signs_in_and_every_page_renders_without_the_key(
    web: httpx.AsyncClient, engine: AsyncAccord
) -> None:
    await engine.add("I love green tea and I live in Lisbon", user_id="alice", wait=True)
    signed = await sign_in(web, "/dashboard", OPERATOR)
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower() and OPERATOR not in cookie
    for path in PAGES:
        page = await web.get("/dashboard" + path)
        assert page.status_code == 200, (path, page.text[:500])
        assert OPERATOR not in page.text and page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "green tea" in (await web.get("/dashboard/users/alice")).text
    assert "No domain schema" in (await web.get("/dashboard/domain")).text


async def test_a_wrong_key_an_agent_key_and_a_forged_login_are_refused(web: httpx.AsyncClient, engine: AsyncAccord) -> None:
    assert (await sign_in(web, "/dashboard", "aco_wrong")).status_code == 401
    _, key = await engine.create_agent("planner")
    assert (await sign_in(web, "/dashboard", key.key)).status_code == 401  # not an admin
    forged = await web.post("/dashboard/login", data={"key": OPERATOR, "login_csrf": "made-up"})
    assert forged.status_code == 403 and "set-cookie" not in {k.lower() for k in forged.headers if k.lower() == "accord_dashboard"}
    assert (await web.get("/dashboard/")).status_code == 303  # still signed out


async def test_a_post_without_the_session_csrf_token_changes_nothing(web: httpx.AsyncClient, engine: AsyncAccord) -> None:
    await sign_in(web, "/dashboard", OPERATOR)
    before = await engine.list_agents()
    response = await web.post("/dashboard/agents", data={"name": "sneaky", "role": "admin", "csrf": "guess"})
    assert response.status_code == 303
    assert await engine.list_agents() == before
    assert "stale" in (await web.get("/dashboard/agents")).text  # the refusal is shown


async def test_a_revoked_admin_key_ends_its_session_at_once(web: httpx.AsyncClient, engine: AsyncAccord) -> None:
    _, key = await engine.create_agent("boss", role="admin")
    await sign_in(web, "/dashboard", key.key)
    assert (await web.get("/dashboard/agents")).status_code == 200
    await engine.revoke_key(key.info.key_id)
    page = await web.get("/dashboard/agents")
    assert page.status_code == 401 and "no longer valid" in page.text


async def test_an_issued_key_is_shown_once_and_works(web: httpx.AsyncClient, engine: AsyncAccord) -> None:
    await sign_in(web, "/dashboard", OPERATOR)
    page = await web.get("/dashboard/agents")
    shown = await web.post("/dashboard/agents", data={"name": "writer", "role": "agent", "csrf": _field(page.text, "csrf")})
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    key = re.search(r'id="secret" readonly value="([^"]+)"', shown.text)
    assert key is not None
    assert (await engine.for_key(key.group(1))).principal.role == "agent"
    assert key.group(1) not in (await web.get("/dashboard/agents")).text  # never again


async def test_the_consent_page_takes_only_a_user_token(web: httpx.AsyncClient, engine: AsyncAccord) -> None:
    assert (await sign_in(web, "/consent", OPERATOR)).status_code == 401
    token = await engine.issue_user_token("alice")
    assert (await sign_in(web, "/consent", token.key)).status_code == 303
    page = await web.get("/consent/")
    assert page.status_code == 200 and "alice" in page.text and token.key not in page.text
    assert (await web.get("/dashboard/")).status_code == 303  # a user token opens no dashboard


async def test_a_bad_edit_says_which_field_and_keeps_the_memory(web: httpx.AsyncClient, engine: AsyncAccord) -> None:
    result = await engine.add("I love green tea and I live in Lisbon", user_id="alice", wait=True)
    memory = next(m for m in result.memories_created if m.category.value != "episodic")
    await sign_in(web, "/dashboard", OPERATOR)
    page = await web.get(f"/dashboard/memories/{memory.id}")
    sent = await web.post(
        f"/dashboard/memories/{memory.id}/edit",
        data={"csrf": _field(page.text, "csrf"), "content": "changed", "importance": "lots", "category": "fact"},
    )
    assert sent.status_code == 303
    assert "importance" in (await web.get(f"/dashboard/memories/{memory.id}")).text
    assert (await engine.get_memory(memory.id)).content == memory.content


async def test_a_bad_address_on_a_page_is_a_page_and_the_api_keeps_json(web: httpx.AsyncClient) -> None:
    await sign_in(web, "/dashboard", OPERATOR)
    page = await web.get("/dashboard/users/" + "x" * 129)
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "user_id" in page.text and OPERATOR not in page.text
    assert (await web.get("/dashboard/memories/not-a-uuid")).status_code == 404
    assert (await web.get("/dashboard/quality?decision=" + "d" * 40)).status_code == 422
    api = await web.get("/v1/memories?user_id=" + "x" * 129, headers={"Authorization": f"ApiKey {OPERATOR}"})
    assert api.status_code in (400, 422) and api.headers["content-type"] == "application/json"


async def test_a_webhook_made_on_its_page_shows_its_secret_once_and_its_deliveries(
    web: httpx.AsyncClient, engine: AsyncAccord
) -> None:
    from ..webhooks.conftest import Receiver

    receiver = Receiver()
    try:
        await sign_in(web, "/dashboard", OPERATOR)
        page = await web.get("/dashboard/webhooks")
        form = {"csrf": _field(page.text, "csrf"), "url": receiver.url, "events": "user.erased"}
        shown = await web.post("/dashboard/webhooks", data=form)
        secret = re.search(r'id="secret" readonly value="(whsec_[^"]+)"', shown.text)
        assert secret is not None
        await engine.add("I love green tea and I live in Lisbon", user_id="zoe", wait=True)
        await engine.forget_user("zoe")
        assert await engine.deliver_webhooks() == 1
        listed = (await web.get("/dashboard/webhooks")).text
        assert receiver.url in listed and "user.erased" in listed and "delivered" in listed
        assert secret.group(1) not in listed
        assert receiver.received[0].headers["Accord-Signature"].startswith("t=")
    finally:
        receiver.close()


async def test_grant_by_category_with_expiry_rotate_and_revoke_from_the_agents_page(
    web: httpx.AsyncClient, engine: AsyncAccord
) -> None:
    agent, key = await engine.create_agent("helper")
    await sign_in(web, "/dashboard", OPERATOR)
    csrf = _field((await web.get("/dashboard/agents")).text, "csrf")
    form = {"csrf": csrf, "agent_id": agent.id, "access": "read_write", "categories": ["fact", "goal"], "user_id": "",
            "expires_at": "2030-01-02T03:04"}
    assert (await web.post("/dashboard/grants", data=form)).status_code == 303
    (grant,) = await engine.list_grants(agent_id=agent.id)
    assert (grant.access, sorted(grant.categories or []), grant.expires_at.isoformat()) == (
        "read_write", ["fact", "goal"], "2030-01-02T03:04:00+00:00"
    )
    bad = {"csrf": csrf, "agent_id": agent.id, "access": "read_write", "expires_at": "next tuesday"}
    await web.post("/dashboard/grants", data=bad)
    assert "expires_at" in (await web.get("/dashboard/agents")).text and len(await engine.list_grants(agent_id=agent.id)) == 1
    rotated = await web.post(f"/dashboard/keys/{key.info.key_id}/rotate", data={"csrf": csrf, "overlap_seconds": "0"})
    new_key = re.search(r'id="secret" readonly value="([^"]+)"', rotated.text)
    assert new_key is not None and (await engine.for_key(new_key.group(1))).principal.agent_id == agent.id
    await web.post(f"/dashboard/grants/{grant.id}/revoke", data={"csrf": csrf})
    assert await engine.list_grants(agent_id=agent.id) == []  # revoked grants are not listed
    new_id = next(k.key_id for k in await engine.list_keys(agent.id) if k.key_id != key.info.key_id)
    await web.post(f"/dashboard/keys/{new_id}/revoke", data={"csrf": csrf})
    with pytest.raises(PermissionDeniedError):
        await engine.for_key(new_key.group(1))


async def test_the_domain_page_shows_the_profile_under_the_tenants_schema(web: httpx.AsyncClient, engine: AsyncAccord) -> None:
    await engine.set_domain_schema("support")
    try:
        await engine.add("My card payment failed again on the Growth plan, this is so frustrating.", user_id="dora", wait=True)
        await sign_in(web, "/dashboard", OPERATOR)
        page = (await web.get("/dashboard/domain", params={"user_id": "dora"})).text
        assert "Support profile" in page and "No domain schema" not in page
        assert "Growth" in page  # the plan, read by the support overlay
    finally:
        await engine.set_domain_schema("general")

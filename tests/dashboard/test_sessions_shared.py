"""Dashboard sessions across replicas: two real ``accord serve`` processes on one PostgreSQL.

Signing in on one replica gives a session the other accepts (with its CSRF token, its chosen
tenant and its flash messages); signing out on either ends it on both, and so does revoking the
key. What the database holds is useless without the browser's cookie: neither the key nor the
session id appears in it, and a row copied under another id does not open.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from accord.adapters.sql.schema import dashboard_sessions
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from ..server.conftest import OPERATOR_KEY, RunningServer, auth, run_server

pytestmark = [pytest.mark.postgres]

COOKIE = "accord_dashboard"


@pytest.fixture
def replicas(postgres_url: str, tmp_path: Path) -> Iterator[tuple[RunningServer, RunningServer]]:
    with ExitStack() as stack:
        servers = [
            stack.enter_context(run_server(
                tmp_path / f"data-{i}", ACCORD_DATABASE_URL=postgres_url, ACCORD_INDEX="none",
                ACCORD_WEBHOOK_POLL_SECONDS="3600",
            ))
            for i in range(2)
        ]
        yield servers[0], servers[1]


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)


def _sign_in(server: RunningServer, key: str) -> str:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        page = client.get("/dashboard/login")
        signed = client.post("/dashboard/login", data={"key": key, "login_csrf": _field(page.text, "login_csrf")})
        assert signed.status_code == 303, signed.text
        return signed.cookies[COOKIE]


def _get(server: RunningServer, path: str, session: str) -> httpx.Response:
    return httpx.get(server.url + path, cookies={COOKIE: session}, timeout=30)


def _post(server: RunningServer, path: str, session: str, data: dict[str, str]) -> httpx.Response:
    return httpx.post(server.url + path, cookies={COOKIE: session}, data=data, timeout=30)


async def _rows(postgres_url: str) -> list[tuple[str, str]]:
    engine = create_async_engine(postgres_url)
    try:
        async with engine.connect() as conn:
            query = select(dashboard_sessions.c.id_hash, dashboard_sessions.c.sealed)
            return [(r.id_hash, r.sealed) for r in await conn.execute(query)]
    finally:
        await engine.dispose()


async def _sql(postgres_url: str, statement: str, **values: str) -> None:
    engine = create_async_engine(postgres_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(statement), values)
    finally:
        await engine.dispose()


def test_a_session_made_on_one_replica_works_on_the_other_and_ends_on_both(
    replicas: tuple[RunningServer, RunningServer], postgres_url: str
) -> None:
    a, b = replicas
    session = _sign_in(a, OPERATOR_KEY)
    page = _get(b, "/dashboard/agents", session)
    assert page.status_code == 200 and "Agents" in page.text and OPERATOR_KEY not in page.text
    # A form from replica b's page, posted to replica a: the CSRF token is the session's, not a process's.
    created = httpx.post(a.url + "/v1/admin/tenants", json={"tenant_id": "acme", "name": "Acme"}, headers=auth(OPERATOR_KEY), timeout=30)
    assert created.status_code == 201, created.text
    switched = _post(a, "/dashboard/tenant", session, {"tenant_id": "acme", "csrf": _field(page.text, "csrf")})
    assert switched.status_code == 303
    shown = _get(b, "/dashboard/", session)  # the flash and the tenant were saved by a, shown by b
    assert shown.status_code == 200 and "Now in tenant acme" in shown.text
    assert "Now in tenant acme" not in _get(a, "/dashboard/", session).text  # a flash is shown once

    out = _post(b, "/dashboard/logout", session, {"csrf": _field(shown.text, "csrf")})
    assert out.status_code == 303 and out.headers["location"] == "/dashboard/login"
    for replica in (a, b):
        assert _get(replica, "/dashboard/agents", session).headers.get("location") == "/dashboard/login"


def test_revoking_the_key_ends_its_sessions_on_every_replica(
    replicas: tuple[RunningServer, RunningServer],
) -> None:
    a, b = replicas
    made = httpx.post(a.url + "/v1/admin/agents", json={"name": "boss", "role": "admin"}, headers=auth(OPERATOR_KEY), timeout=30)
    assert made.status_code == 201, made.text
    key, key_id = made.json()["key"]["key"], made.json()["key"]["info"]["key_id"]
    session = _sign_in(b, key)
    assert _get(a, "/dashboard/agents", session).status_code == 200
    revoked = httpx.post(b.url + f"/v1/admin/keys/{key_id}/revoke", headers=auth(OPERATOR_KEY), timeout=30)
    assert revoked.status_code == 200, revoked.text
    for replica in (a, b):
        page = _get(replica, "/dashboard/agents", session)
        assert page.status_code in (303, 401) and "Agents</h1>" not in page.text


def test_the_database_holds_nothing_a_reader_can_sign_in_with(
    replicas: tuple[RunningServer, RunningServer], postgres_url: str
) -> None:
    a, b = replicas
    first, second = _sign_in(a, OPERATOR_KEY), _sign_in(b, OPERATOR_KEY)
    rows = asyncio.run(_rows(postgres_url))
    assert len(rows) == 2
    dumped = str(rows)
    for secret in (OPERATOR_KEY, first, second):
        assert secret not in dumped
    # The hash is not a session id: presenting it as the cookie opens nothing.
    for id_hash, _ in rows:
        assert _get(a, "/dashboard/agents", id_hash).headers.get("location") == "/dashboard/login"
    # A row's sealed key does not open under another session's id (the seal is bound to its row).
    (_h1, s1), (h2, _s2) = rows
    asyncio.run(_sql(postgres_url, "UPDATE dashboard_sessions SET sealed = :s WHERE id_hash = :h", s=s1, h=h2))
    opened = [_get(a, "/dashboard/agents", s).status_code for s in (first, second)]
    assert sorted(opened) == [200, 303]

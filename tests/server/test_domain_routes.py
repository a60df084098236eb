"""Domain schemas over REST and through the remote client: the same answers as the engine."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi", reason="the server needs pip install 'accord[server]'")

from accord import AsyncAccord, InvalidInputError, PermissionDeniedError  # noqa: E402
from accord.domain.domains.profiles import SupportProfile  # noqa: E402
from accord.remote.sync import AsyncRemoteAccord  # noqa: E402

HR = (Path(__file__).parents[2] / "examples" / "hr_schema.yaml").read_text()


async def test_the_domain_routes(api, acme) -> None:
    assert (await api.ok("GET", "/v1/domain", acme.admin))["domain_schema"] == "general"
    await api.fail("PUT", "/v1/domain", acme.planner, 403, "permission_denied", json={"domain_schema": "support"})
    error = await api.fail("PUT", "/v1/domain", acme.admin, 400, "invalid_input", json={"domain_schema": "nope"})
    assert error["field"] == "domain_schema"
    assert (await api.ok("PUT", "/v1/domain", acme.admin, json={"domain_schema": "support"}))["domain_schema"] == "support"
    body = {"messages": [{"role": "user", "content": "My payment failed and I'm on the Growth plan."}], "user_id": "c1", "wait": True}
    await api.ok("POST", "/v1/memories/add", acme.planner, json=body)
    profile = await api.ok("GET", "/v1/users/c1/domain/support", acme.reviewer)
    assert profile["plan"] == "Growth" and profile["open_issues"][0]["type"] == "billing"
    assert (await api.ok("GET", "/v1/users/c1/domain", acme.reviewer))["plan"] == "Growth"
    ctx = await api.ok("POST", "/v1/memories/retrieve", acme.reviewer, json={"query": "hi", "user_id": "c1"})
    assert ctx["system_prompt_addition"].startswith("Domain profile: Open billing issue")

    error = await api.fail("POST", "/v1/domain/schemas", acme.admin, 400, "invalid_input", json={"schema": {"name": "hr", "fields": [{"name": "dept", "routing": "boss"}]}})
    assert error["field"] == "schema.fields[0].routing"
    created = await api.ok("POST", "/v1/domain/schemas", acme.admin, json={"schema": HR}, status=201)
    assert (created["name"], created["version"]) == ("hr", 1)
    names = [(s["name"], s["builtin"]) for s in await api.ok("GET", "/v1/domain/schemas", acme.admin)]
    assert names == [("edtech", True), ("support", True), ("hr", False)]


async def test_the_remote_client_speaks_domains(engine: AsyncAccord, api, acme) -> None:
    from accord.server import ServerSettings, create_app

    app = create_app(engine, ServerSettings(admin_key="aco_test-operator-key-for-the-suite"))  # as in conftest.py
    admin = AsyncRemoteAccord("http://127.0.0.1", acme.admin, transport=httpx.ASGITransport(app))
    planner = AsyncRemoteAccord("http://127.0.0.1", acme.planner, transport=httpx.ASGITransport(app))
    async with admin, planner:
        assert (await admin.set_domain_schema("support")).domain_schema == "support"
        with pytest.raises(PermissionDeniedError):
            await planner.set_domain_schema("edtech")
        with pytest.raises(InvalidInputError) as info:
            await admin.register_domain_schema({"name": "hr", "fields": []})
        assert info.value.field == "schema.fields"
        await planner.add("I can't log in, the password reset link is broken.", user_id="c2", wait=True)
        profile = await planner.get_support_profile("c2")
        assert isinstance(profile, SupportProfile) and profile.open_issues[0].type == "login"
        assert isinstance(await planner.get_domain_profile("c2"), SupportProfile)

"""The entity graph over REST through the remote client: the same answers and errors as embedded."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the server needs pip install 'accord[server]'")

import httpx  # noqa: E402

from accord import AsyncAccord, InvalidInputError, NotFoundError  # noqa: E402
from accord.remote import AsyncRemoteAccord  # noqa: E402
from accord.server import ServerSettings, create_app  # noqa: E402

from .conftest import OPERATOR_KEY  # noqa: E402


async def test_entities_entity_and_related_over_http(engine: AsyncAccord) -> None:
    await engine.add("My wife is Anna. She is a doctor.", "alice", wait=True)
    await engine.add("Anna works at St. Mary's hospital.", "alice", wait=True)
    app = create_app(engine, ServerSettings(admin_key=OPERATOR_KEY))
    async with AsyncRemoteAccord("http://127.0.0.1", OPERATOR_KEY, transport=httpx.ASGITransport(app)) as remote:
        listed = await remote.entities("alice")
        assert listed == await engine.entities("alice")
        (anna,) = [e for e in listed if e.name == "Anna"]
        assert await remote.entity(anna.id) == await engine.entity(anna.id)
        assert await remote.related(anna.id, depth=2) == await engine.related(anna.id, depth=2)
        assert [e.name for e in await remote.entities("alice", kind="organization")] == ["St. Mary's hospital"]
        for call, field in ((remote.related(anna.id, depth=9), "depth"), (remote.entities("alice", kind="alien"), "kind"),
                            (remote.entity("not-a-uuid"), "entity_id")):  # fmt: skip
            with pytest.raises(InvalidInputError) as caught:
                await call
            assert caught.value.field == field
        with pytest.raises(NotFoundError):
            await remote.entity("00000000-0000-4000-8000-000000000000")

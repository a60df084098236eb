"""The entity graph resource: a user's entities and current relations, within the caller's grant."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from accord import AsyncAccord

if TYPE_CHECKING:
    from .conftest import Agents


async def test_the_entity_graph_resource_shows_people_and_relations(connect, engine: AsyncAccord, agents: Agents) -> None:
    await engine.add([{"role": "user", "content": "My wife is Anna. She is a doctor."}], "alice", wait=True)
    await engine.add([{"role": "user", "content": "Anna works at St. Mary's hospital."}], "alice", wait=True)
    await engine.add([{"role": "user", "content": "My brother Leo lives in Porto."}], "bob", wait=True)
    async with connect(user_id="alice") as owner:
        read = await owner.read_resource("accord://users/alice/entities")
        nobody = await owner.read_resource("accord://users/nobody/entities")
    async with connect(user_id="alice", api_key=agents.facts_key) as facts:
        hidden = await facts.read_resource("accord://users/alice/entities")
    graph: dict[str, Any] = json.loads(read.contents[0].text)  # type: ignore[union-attr]
    assert graph["user_id"] == "alice"
    by_name = {e["name"]: e for e in graph["entities"]}
    assert by_name["Anna"]["kind"] == "person" and by_name["Anna"]["roles"] == ["wife"]
    assert "Leo" not in by_name  # bob's graph is bob's
    said = {(r["subject"], r["predicate"], r["object"]) for r in graph["relations"]}
    assert {("User", "wife", "Anna"), ("Anna", "occupation", "doctor"), ("Anna", "works_at", "St. Mary's hospital")} <= said
    assert json.loads(nobody.contents[0].text)["entities"] == []  # type: ignore[union-attr]
    # A grant without relationship memories sees no graph, not even the names.
    assert json.loads(hidden.contents[0].text)["entities"] == []  # type: ignore[union-attr]

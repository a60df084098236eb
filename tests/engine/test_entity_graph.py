"""The entity graph through the public API: fed by add(), used by get() (expansion and the
people block), read with entities() / entity() / related(), erased and exported with the user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from accord import AccordSettings, AsyncAccord, InvalidInputError, NotFoundError
from accord.domain.graph_context import PEOPLE_HEADING
from accord.domain.tokens import count_tokens

T0 = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
FAMILY = [
    "My wife is Anna.",
    "She is a doctor.",
    "Anna works at St. Mary's hospital.",
    "My sister Lena lives in Porto.",
    "I need to renew my passport soon.",
    "We watched a movie about space last night.",
    "I like my coffee black.",
]


async def _fill(engine: AsyncAccord, user: str = "alice") -> None:
    for i, text in enumerate(FAMILY):
        await engine.add([{"role": "user", "content": text, "created_at": T0 + dt.timedelta(hours=i)}], user, wait=True)


async def test_a_question_about_a_role_finds_what_was_said_about_the_person(
    make_settings: Callable[..., AccordSettings],
) -> None:
    """"Where is my wife employed?" shares no word with "Anna works at St. Mary's hospital":
    only the graph links them, so without it the turn is not found."""
    found: dict[bool, list[str]] = {}
    for enabled in (True, False):
        async with AsyncAccord(make_settings(graph_enabled=enabled, data_dir=make_settings().data_dir / str(enabled))) as m:
            await _fill(m)
            for filler in range(12):
                await m.add(f"Reminder number {filler}: the plumber comes on Tuesday", "alice", wait=True)
            got = await m.get("Where is my wife employed?", "alice", limit=5)
            found[enabled] = [x.content for x in got.memories]
    assert "Anna works at St. Mary's hospital." in found[True]
    assert "Anna works at St. Mary's hospital." not in found[False]


async def test_get_adds_a_people_block_within_the_budget(memory: AsyncAccord) -> None:
    await _fill(memory)
    got = await memory.get("What does my wife do for a living?", "alice")
    text = got.system_prompt_addition
    assert PEOPLE_HEADING in text
    assert "- Anna (wife): occupation doctor; works at St. Mary's hospital" in text
    assert got.context_token_count == count_tokens(text) <= 1000
    small = await memory.get("What does my wife do for a living?", "alice", context_max_tokens=60)
    assert small.context_token_count <= 60
    unrelated = await memory.get("How do I like my coffee?", "alice")
    assert PEOPLE_HEADING not in unrelated.system_prompt_addition  # "auto": only when the query is about someone
    as_json = await memory.get("What does my wife do for a living?", "alice", format="json")
    assert PEOPLE_HEADING not in as_json.system_prompt_addition  # json and xml stay one document


async def test_entities_entity_and_related(memory: AsyncAccord) -> None:
    await _fill(memory)
    people = await memory.entities("alice", kind="person")
    assert {e.name for e in people} == {"Anna", "Lena"}
    anna = next(e for e in people if e.name == "Anna")
    detail = await memory.entity(anna.id)
    assert detail.entity.roles == ["wife"]
    assert {r.predicate for r in detail.relations} == {"wife", "occupation", "works_at"}
    assert {m.content for m in detail.memories} >= {"She is a doctor.", "Anna works at St. Mary's hospital."}
    near = await memory.related(anna.id, depth=1)
    assert {r.entity.name for r in near} == {"User", "St. Mary's hospital"}
    assert {e.kind for e in await memory.entities("alice")} >= {"person", "place", "organization"}
    assert await memory.entities("bob") == []


async def test_a_superseded_relation_stays_in_history_and_as_of_sees_it(memory: AsyncAccord) -> None:
    await memory.add([{"role": "user", "content": "My manager Tom lives in Lisbon.", "created_at": T0}], "alice", wait=True)
    later = T0 + dt.timedelta(days=30)
    await memory.add([{"role": "user", "content": "Tom moved to Berlin.", "created_at": later}], "alice", wait=True)
    (tom,) = [e for e in await memory.entities("alice") if e.name == "Tom"]
    now = await memory.entity(tom.id)
    lives = sorted((r.valid_from, r.valid_to) for r in now.relations if r.predicate == "lives_in")
    assert lives == [(T0, later), (later, None)]
    then = await memory.entity(tom.id, as_of=T0 + dt.timedelta(days=1))
    assert [n.name for n in then.neighbours if n.kind == "place"] == ["Lisbon"]
    assert {r.entity.name for r in await memory.related(tom.id, as_of=T0 + dt.timedelta(days=1))} == {"User", "Lisbon"}


async def test_bad_input_names_the_field(memory: AsyncAccord) -> None:
    await _fill(memory)
    (anna,) = [e for e in await memory.entities("alice") if e.name == "Anna"]
    cases = [
        (memory.entity("not-a-uuid"), "entity_id"),
        (memory.related(anna.id, depth=0), "depth"),
        (memory.related(anna.id, depth=4), "depth"),
        (memory.entities("alice", kind="alien"), "kind"),
        (memory.entities("bad user id!"), "user_id"),
        (memory.entity(anna.id, as_of="yesterday"), "as_of"),  # type: ignore[arg-type]
    ]
    for call, field in cases:
        with pytest.raises(InvalidInputError) as caught:
            await call
        assert caught.value.field == field
    with pytest.raises(NotFoundError):
        await memory.entity("00000000-0000-4000-8000-000000000000")
    assert len(await memory.entities("alice")) >= 4  # nothing changed


async def test_erasure_and_export_cover_the_graph(memory: AsyncAccord) -> None:
    await _fill(memory)
    await memory.add("My brother Leo lives in Oslo.", "bob", wait=True)
    exported = await memory.export_user("alice")
    assert {e["name"] for e in exported.graph["entities"]} >= {"Anna", "Lena", "Porto"}
    assert exported.graph["relations"] and exported.graph["entity_mentions"]
    (anna,) = [e for e in await memory.entities("alice") if e.name == "Anna"]
    await memory.forget_user("alice")
    assert await memory.entities("alice") == []
    with pytest.raises(NotFoundError):
        await memory.entity(anna.id)
    assert {e.name for e in await memory.entities("bob")} >= {"Leo"}


async def test_a_deleted_memory_leaves_the_entity_without_it(memory: AsyncAccord) -> None:
    await _fill(memory)
    (anna,) = [e for e in await memory.entities("alice") if e.name == "Anna"]
    said = next(m for m in (await memory.entity(anna.id)).memories if m.content == "She is a doctor.")
    await memory.delete_memory(said.id)
    assert said.id not in {m.id for m in (await memory.entity(anna.id)).memories}


async def test_someones_role_in_a_group_chat_is_followed_one_hop(make_settings: Callable[..., AccordSettings]) -> None:
    """"Where did Melanie's kids go?": Melanie's son Max is one hop from Melanie, and what was
    said about Max (with no word of the question) joins the candidates."""
    chat = [
        ("Melanie", "My son Max loves dinosaurs."), ("Caroline", "That is lovely, how old is he now?"),
        ("Melanie", "He is six. Max spent yesterday at the science museum."), ("Caroline", "Nice!"),
    ] + [pair for i in range(6) for pair in (("Melanie", f"I painted picture number {i} this week."), ("Caroline", f"I read book number {i}."))]
    found: dict[bool, list[str]] = {}
    for enabled in (True, False):
        async with AsyncAccord(make_settings(graph_enabled=enabled, data_dir=make_settings().data_dir / str(enabled))) as m:
            for session, turns in enumerate((chat[:4], chat[4:])):  # the fillers are newer
                when = T0 + dt.timedelta(days=session)
                await m.add([{"role": "user", "name": who, "content": text, "created_at": when} for who, text in turns],
                            "conv", session_id=f"s{session}", wait=True)  # fmt: skip
            got = await m.get("Where did Melanie's kids go?", "conv", limit=3)
            found[enabled] = [x.content for x in got.memories]
            if enabled:
                names = {e.name: e for e in await m.entities("conv")}
                assert "son" in names["Max"].roles and {"Melanie", "Caroline"} <= set(names)
    assert any("science museum" in c for c in found[True]), found
    assert not any("science museum" in c for c in found[False])

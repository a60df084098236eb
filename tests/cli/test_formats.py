"""Reading dumps (pure: text in, import items out) and saying stored facts in the first person."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from accord.errors import InvalidInputError
from accord.transfer.formats import first_person, parse_dump


@pytest.mark.parametrize(
    ("fact", "said"),
    [
        ("Likes green tea", "I like green tea"),
        ("Name is Dana", "My name is Dana"),
        ("Is allergic to peanuts", "I am allergic to peanuts"),
        ("Has two kids", "I have two kids"),
        ("Studies French at night", "I study French at night"),
        ("Watches anime", "I watch anime"),
        ("Always drinks coffee in the morning", "I always drink coffee in the morning"),
        ("User is vegetarian", "I am vegetarian"),
        ("The user lives in Lisbon", "I live in Lisbon"),
        ("User's dog is named Rex", "My dog is named Rex"),
        ("Favourite colour is blue", "My favourite colour is blue"),
        ("I already speak first person", "I already speak first person"),
        ("Vegetarian", "Vegetarian"),  # no shape it knows: as it was
        ("  Likes   spaces  ", "I like spaces"),
    ],
)
def test_first_person(fact: str, said: str) -> None:
    assert first_person(fact) == said


def test_formats_are_told_from_their_content() -> None:
    mem0 = [{"id": "a", "memory": "Likes tea", "user_id": "u"}]
    assert parse_dump(json.dumps({"results": mem0})).format == "mem0"
    assert parse_dump(json.dumps(mem0)).format == "mem0"
    assert parse_dump("\n".join(json.dumps(m) for m in mem0 * 2)).format == "mem0"  # one item a line
    graph = [{"namespace": ["memories", "u"], "key": "k", "value": {"content": "x"}}]
    assert parse_dump(json.dumps(graph)).format == "langgraph"
    with pytest.raises(InvalidInputError, match="not a known dump") as info:
        parse_dump(json.dumps([{"text": "hello"}]))
    assert info.value.field == "file"
    for empty in ("", "  \n"):
        with pytest.raises(InvalidInputError, match="empty"):
            parse_dump(empty)


def test_accord_lines_group_by_add_call_in_the_order_said() -> None:
    def message(mid: str, job: str, at: str, pos: int, text: str) -> str:
        row = {"type": "message", "user_id": "u", "id": mid, "job_id": job, "session_id": "s", "position": pos, "role": "user", "content": text, "said_at": at}
        return json.dumps(row)

    text = "\n".join(
        [
            json.dumps({"type": "header", "format": "accord-export", "version": 1}),
            message("m3", "j2", "2025-01-02T00:00:00Z", 0, "I moved to Porto"),
            message("m2", "j1", "2025-01-01T00:00:00Z", 1, "I love hiking"),
            message("m1", "j1", "2025-01-01T00:00:00Z", 0, "I live in Berlin"),
            json.dumps({"type": "memory", "user_id": "u", "content": "User lives in Berlin"}),
        ]
    )
    parsed = parse_dump(text)
    assert [[t.content for t in item.turns] for item in parsed.items] == [["I live in Berlin", "I love hiking"], ["I moved to Porto"]]
    assert parsed.items[0].turns[0].import_id == "accord:m1"
    assert parsed.items[0].turns[0].created_at == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert parsed.derived == {"memory": 1}
    with pytest.raises(InvalidInputError, match="version"):
        parse_dump(json.dumps({"type": "header", "format": "accord-export", "version": 9}))


def test_user_override_and_stable_ids_without_source_ids() -> None:
    dump = json.dumps([{"memory": "Likes tea"}])
    with pytest.raises(InvalidInputError) as info:
        parse_dump(dump)
    assert info.value.field == "user_id"
    first, second = parse_dump(dump, user_id="zoe"), parse_dump(dump, user_id="zoe")
    assert first.items[0].user_id == "zoe"
    assert first.items[0].turns[0].import_id == second.items[0].turns[0].import_id  # same record, same id
    assert first.items[0].turns[0].import_id != parse_dump(dump, user_id="ann").items[0].turns[0].import_id

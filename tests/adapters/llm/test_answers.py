"""Reading model answers without a server: what is repaired, what is dropped, what is unusable."""

from __future__ import annotations

import json
from typing import Any

import pytest
from accord.adapters.llm.answers import UnusableAnswer, json_from_text
from accord.adapters.llm.extraction_answer import extraction_parser, third_person_content

OBJ = {"memories": [{"content": "User lives in Rome", "category": "fact", "message_index": 0}]}
TEXT = json.dumps(OBJ)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (TEXT, OBJ),
        (f"  {TEXT}\n", OBJ),
        (f"Here you go: {TEXT} Anything else?", OBJ),
        (f"```json\n{TEXT}\n```", OBJ),
        (f"Sure!\n```\n{TEXT}\n```\nDone.", OBJ),
        ('{"a": [1, 2,],}', {"a": [1, 2]}),
        ('{"a": "1, ]"}', {"a": "1, ]"}),  # a comma and bracket inside a string stay
        ('I [think] {"a": "x}"}', {"a": "x}"}),  # prose in brackets is skipped, braces in strings kept
        (r'{"a": "say \"hi\" }"}', {"a": 'say "hi" }'}),
        ("[1, 2]", [1, 2]),
        ('[1, "a"]', [1, "a"]),  # a string after a comma is an item: the comma stays
        ('["a\\"", ]', ['a"']),  # an escaped quote does not end the string
    ],
)
def test_json_is_found_and_safely_repaired(text: str, value: Any) -> None:
    assert json_from_text(text) == value


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("You live in Rome.", "no JSON object"),
        (TEXT[:-20], "cut short"),
        # An item of a truncated list is complete JSON, but never the answer.
        ('{"memories": [{"content": "User lives in Rome"}, {"content": "User', "cut short"),
        ("{'memories': []}", "no JSON object"),  # single quotes: not guessed at
    ],
)
def test_unusable_text_says_why(text: str, problem: str) -> None:
    with pytest.raises(UnusableAnswer) as raised:
        json_from_text(text)
    assert problem in raised.value.problem


def item(**fields: Any) -> dict[str, Any]:
    return {"content": "User lives in Rome", "category": "fact", "message_index": 0, **fields}


ROLES = ["user", "assistant", "user", "tool"]


@pytest.mark.parametrize(
    ("raw", "kept", "dropped"),
    [
        ({"memories": [item(), item(category="hobby")]}, 1, ["memories.1: category"]),
        ({"memories": [item(), "User is nice"]}, 1, ["memories.1: not an object"]),
        ({"memories": [item(), item(message_index=1)]}, 1, ["memories.1: message_index 1: a assistant turn"]),
        ({"memories": [item(), item(message_index=3)]}, 1, ["memories.1: message_index 3: a tool turn"]),
        ({"memories": [item(), item(message_index=9)]}, 1, ["memories.1: message_index 9: no such turn"]),
        ({"memories": [item(), item(importance="high")]}, 1, ["memories.1: importance"]),
        ({"memories": [item(), {"category": "fact", "message_index": 0}]}, 1, ["memories.1: content"]),
        ({"memories": [item(), item(message_index=None)]}, 1, ["memories.1: message_index"]),  # two user turns
        ([item()], 1, []),
        (item(), 1, []),
        ({"memories": None}, 0, []),
        ({"memories": [item()] * 60}, 50, ["more than 50 memories"]),
    ],
)
def test_items_are_checked_one_by_one(raw: Any, kept: int, dropped: list[str]) -> None:
    answer = extraction_parser(ROLES)(json.dumps(raw))
    assert len(answer.items) == kept
    assert len(answer.dropped) == len(dropped)
    assert all(why.startswith(prefix) for why, prefix in zip(answer.dropped, dropped, strict=True)), answer.dropped


@pytest.mark.parametrize(
    "raw",
    [{"facts": [item()]}, {"memories": "none"}, {"memories": [item(category="episodic")]}, 42],
)
def test_a_wrong_shape_or_no_valid_item_is_unusable(raw: Any) -> None:
    with pytest.raises(UnusableAnswer):
        extraction_parser(ROLES)(json.dumps(raw))


def test_tool_turns_are_sources_only_when_asked() -> None:
    answer = extraction_parser(ROLES, keep_tool=True)(json.dumps({"memories": [item(message_index=3)]}))
    assert [i.message_index for i in answer.items] == [3]


def test_repairs() -> None:
    raw = item(
        category=" Preferences ",
        attribute_key="None",
        attribute_value=34,
        importance="0.9",
        confidence=None,
        negated="false",
        scope="personal",
        content="I'm vegan",
    )
    del raw["message_index"]
    (got,) = extraction_parser(["user", "assistant"])(json.dumps({"memories": [raw]})).items
    assert (got.content, got.category, got.attribute_key, got.attribute_value) == ("User is vegan", "preference", None, "34")
    assert (got.importance, got.confidence, got.negated, got.scope, got.message_index) == (0.9, 0.8, False, "user", 0)


def test_a_key_without_a_value_is_no_key_unless_it_is_denied() -> None:
    denial = item(content="User no longer smokes", attribute_key="smoking", negated="true")
    not_denied = item(content="User lives somewhere", attribute_key="city", negated="false")
    answer = {"memories": [item(attribute_key="city"), denial, not_denied]}
    plain, denied, other = extraction_parser(["user"])(json.dumps(answer)).items
    assert (plain.attribute_key, denied.attribute_key, other.attribute_key) == (None, "smoking", None)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("I live in Rome", "User lives in Rome"),
        ("I'm vegan", "User is vegan"),
        ("I've got two cats", "User has got two cats"),
        ("My sister is Maya", "User's sister is Maya"),
        ("user likes jazz", "User likes jazz"),
        ("User  works at  Acme", "User works at Acme"),
        ("Lives in Rome", "Lives in Rome"),  # no subject: left as written, not guessed
    ],
)
def test_first_person_content_becomes_third_person(written: str, stored: str) -> None:
    assert third_person_content(written) == stored

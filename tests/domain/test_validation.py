"""Input validation names the field at fault."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from accord import InvalidInputError, Message
from accord.domain.validation import (
    check_categories,
    check_format,
    check_identifier,
    check_int,
    check_memory_id,
    check_messages,
    check_metadata,
    check_query,
)


def msgs(raw: object) -> list[Message]:
    return check_messages(raw, max_messages=5, max_chars=100)


class ChatTurn(BaseModel):
    role: str
    content: str


def test_accepts_dicts_models_foreign_pydantic_models_and_plain_strings() -> None:
    got = msgs(["hi there", {"role": "assistant", "content": " hello "}, Message(role="tool", content="42"), ChatTurn(role="user", content="x")])
    assert [(m.role, m.content) for m in got] == [("user", "hi there"), ("assistant", "hello"), ("tool", "42"), ("user", "x")]
    assert msgs("just one")[0].role == "user"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([], "messages"),
        ([{"role": "user", "content": "   "}], "messages[0].content"),
        ([{"role": "wizard", "content": "x"}], "messages[0].role"),
        ([{"role": "user"}], "messages[0].content"),
        ([{"role": "user", "content": 5}], "messages[0].content"),
        (["ok", {"role": "user", "content": "y" * 101}], "messages[1].content"),
        (["a"] * 6, "messages"),
        ([42], "messages[0]"),
        (42, "messages"),
        ([{"role": "user", "content": "x", "extra": 1}], "messages[0].extra"),
    ],
)
def test_bad_messages_name_the_field(raw: object, field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        msgs(raw)
    assert err.value.field == field
    assert field in str(err.value)


@pytest.mark.parametrize("bad", ["", " alice", "a/b", "x" * 129, "héllo wörld", 7, None])
def test_bad_user_ids(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="user_id"):
        check_identifier("user_id", bad)


@pytest.mark.parametrize("good", ["alice", "user-42", "a.b@example.com", "tenant:7:user_9", "U"])
def test_good_user_ids(good: str) -> None:
    assert check_identifier("user_id", good) == good


def test_other_checks() -> None:
    with pytest.raises(InvalidInputError, match="limit"):
        check_int("limit", 0, 1, 200)
    with pytest.raises(InvalidInputError, match="limit"):
        check_int("limit", True, 1, 200)
    with pytest.raises(InvalidInputError, match="format"):
        check_format("yaml")
    with pytest.raises(InvalidInputError, match="categories"):
        check_categories(["hobbies"])
    with pytest.raises(InvalidInputError, match="query"):
        check_query("   ")
    with pytest.raises(InvalidInputError, match="metadata"):
        check_metadata({"f": object()})
    with pytest.raises(InvalidInputError, match="metadata"):
        check_metadata({"big": "x" * 20_000})
    with pytest.raises(InvalidInputError, match="memory_id"):
        check_memory_id("not-a-uuid")
    assert check_categories(["fact", "goal"]) == ["fact", "goal"]

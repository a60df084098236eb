"""Metadata's shape limits and the text every backend can store, named by the path at fault.

One write used to be able to take a user's memory offline (metadata nested 300 levels deep),
and SQLite accepted what PostgreSQL refused (NUL, NaN): these checks run before any store,
so every backend and every entry point answers the same.
"""

from __future__ import annotations

import math

import pytest
from accord import InvalidInputError
from accord.domain.validation import (
    MAX_METADATA_DEPTH,
    MAX_METADATA_KEY_CHARS,
    MAX_METADATA_KEYS,
    check_content,
    check_messages,
    check_metadata,
    check_metadata_filter,
    check_query,
)


def refused(call, *args, **kwargs) -> InvalidInputError:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInputError) as err:
        call(*args, **kwargs)
    assert err.value.problem.strip()
    return err.value


def nested(depth: int) -> dict[str, object]:
    """A mapping ``depth`` levels deep: ``nested(1) == {"k": "v"}``."""
    value: object = "v"
    for _ in range(depth):
        value = {"k": value}
    return value  # type: ignore[return-value]


def test_metadata_at_the_depth_limit_is_accepted_and_one_level_more_is_refused() -> None:
    assert check_metadata(nested(MAX_METADATA_DEPTH)) == nested(MAX_METADATA_DEPTH)
    err = refused(check_metadata, nested(MAX_METADATA_DEPTH + 1))
    assert err.field == "metadata." + ".".join(["k"] * MAX_METADATA_DEPTH)
    assert f"limit is {MAX_METADATA_DEPTH}" in err.problem


def test_lists_count_as_levels_and_the_path_names_the_index() -> None:
    value: object = "v"
    for _ in range(MAX_METADATA_DEPTH - 1):  # under the top mapping
        value = [value]
    assert check_metadata({"a": value}, "messages[1].metadata") == {"a": value}
    err = refused(check_metadata, {"a": [value]}, "messages[1].metadata")
    assert err.field.startswith("messages[1].metadata.a[0]")


def test_three_hundred_levels_are_refused_without_recursion_errors() -> None:
    assert refused(check_metadata, nested(300)).field.startswith("metadata.k.k")
    deep: list[object] = []
    for _ in range(100_000):  # deeper than the interpreter's recursion limit
        deep = [deep]
    assert refused(check_metadata, {"x": deep}).field.startswith("metadata.x[0]")
    wide = {"x": list(range(1_000_000))}  # refused on the count, before any byte is encoded
    assert "keys and list items" in refused(check_metadata, wide).problem


def test_key_count_is_limited_over_every_level() -> None:
    flat = {f"k{i}": i for i in range(MAX_METADATA_KEYS)}
    assert check_metadata(flat) == flat
    err = refused(check_metadata, {**flat, "one_more": 1})
    assert err.field == "metadata" and f"limit is {MAX_METADATA_KEYS}" in err.problem
    spread = {f"g{i}": {f"k{j}": j for j in range(MAX_METADATA_KEYS // 4)} for i in range(4)}
    assert "keys" in refused(check_metadata, spread).problem  # 4 + 256 keys in all
    assert check_metadata({"l": list(range(MAX_METADATA_KEYS - 1))})  # 1 key + 255 items
    assert refused(check_metadata, {"l": list(range(MAX_METADATA_KEYS))}).field == "metadata"


def test_keys_are_short_strings() -> None:
    assert check_metadata({"x" * MAX_METADATA_KEY_CHARS: 1})
    assert refused(check_metadata, {"x" * (MAX_METADATA_KEY_CHARS + 1): 1}).field == "metadata"
    assert refused(check_metadata, {"a": {3: "three"}}).field == "metadata.a"
    assert "string" in refused(check_metadata, {1: "one"}).problem


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused_where_they_stand(bad: float) -> None:
    err = refused(check_metadata, {"scores": [1.0, {"x": bad}]})
    assert err.field == "metadata.scores[1].x" and "finite" in err.problem


def test_nul_is_refused_in_values_and_keys() -> None:
    assert refused(check_metadata, {"a": "x\x00y"}).field == "metadata.a"
    assert "NUL" in refused(check_metadata, {"a\x00": "x"}).problem


def test_lone_surrogates_are_refused_in_every_text() -> None:
    assert refused(check_metadata, {"a": "\ud800"}).field == "metadata.a"
    assert refused(check_content, "content", "hello \udfff", 100).field == "content"
    assert refused(check_query, "tea \ud83d").field == "query"
    err = refused(check_messages, [{"role": "user", "content": "hi \ud800 there"}], max_messages=2, max_chars=100)
    assert err.field == "messages[0].content"
    assert refused(check_metadata_filter, {"k": "\ud800"}).field == "metadata.k"
    assert check_content("content", "emoji \U0001F600 ok", 100) == "emoji \U0001F600 ok"


def test_nul_in_a_query_or_filter_value_is_not_passed_to_a_store() -> None:
    assert check_query("tea\x00 time") == "tea time"
    assert refused(check_metadata_filter, {"k": "a\x00"}).field == "metadata.k"


def test_every_plain_json_value_is_kept_as_given() -> None:
    value = {"s": "é", "i": 10**30, "f": 1.5, "b": True, "n": None, "l": [1, "two", [3]], "m": {"x": {}}}
    got = check_metadata(value)
    assert got == value
    value["l"].append(4)  # type: ignore[attr-defined]
    assert got["l"] == [1, "two", [3]]  # a deep copy: the stored value cannot change later

"""The input rules of every public entry point, check by check, at their boundaries.

Each table pins, for one check, the values it accepts (and the normalised value it returns)
and the values it refuses (and the exact ``InvalidInputError.field`` it names, which the REST
API, the MCP tools and the adapters hand back to the caller as the field at fault). Where a
refusal states a limit ("the limit is 4000"), the test pins that figure too: it is how a caller
learns what to send instead.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from accord import InvalidInputError, Message
from accord.domain.models import Category
from accord.domain.validation import (
    MAX_LIMIT,
    MAX_METADATA_BYTES,
    MAX_METADATA_FILTERS,
    MAX_QUERY_CHARS,
    check_agent_ids,
    check_categories,
    check_content,
    check_datetime,
    check_format,
    check_idempotency_key,
    check_identifier,
    check_int,
    check_memory_id,
    check_messages,
    check_metadata,
    check_metadata_filter,
    check_positive_number,
    check_query,
    check_unit_interval,
)
from pydantic import BaseModel

UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def refused(call, *args, **kwargs) -> InvalidInputError:  # type: ignore[no-untyped-def]
    """The error a check raises; the test then says which field it must name.

    Every refusal also says what is wrong: the REST API and the MCP tools hand ``problem`` to
    the caller as the error's text, so it is never missing.
    """
    with pytest.raises(InvalidInputError) as err:
        call(*args, **kwargs)
    assert isinstance(err.value.problem, str) and err.value.problem.strip()
    return err.value


# --- identifiers: 1-128 characters of [A-Za-z0-9_.:@+-], starting with a letter or digit ---


@pytest.mark.parametrize(
    "good",
    ["a", "7", "x" * 128, "Z" + "_.:@+-" * 21, "tenant:7:user_9", "a.b@example.com"],
)
def test_identifier_accepts_the_grammar_up_to_128_characters(good: str) -> None:
    assert check_identifier("session_id", good) == good


@pytest.mark.parametrize("bad", ["", "x" * 129, "_a", "-a", ".a", "a b", "a/b", "é", "a\nb", 7, b"ab", None])
def test_identifier_refusals_name_the_field_given(bad: object) -> None:
    assert refused(check_identifier, "session_id", bad).field == "session_id"


def test_identifier_none_is_allowed_only_when_optional() -> None:
    assert check_identifier("agent_id", None, optional=True) is None
    assert refused(check_identifier, "agent_id", None).field == "agent_id"
    # Optional only excuses None, not a wrong value.
    assert refused(check_identifier, "agent_id", "", optional=True).field == "agent_id"


# --- memory ids: a lowercase UUID ---


def test_memory_id_accepts_a_lowercase_uuid() -> None:
    assert check_memory_id(UUID) == UUID
    assert check_memory_id(UUID, "supersedes") == UUID


@pytest.mark.parametrize("bad", [UUID.upper(), UUID[:-1], UUID + "0", UUID.replace("-", ""), " " + UUID, None, 7])
def test_memory_id_refusals_name_memory_id_or_the_field_given(bad: object) -> None:
    assert refused(check_memory_id, bad).field == "memory_id"
    assert refused(check_memory_id, bad, "supersedes").field == "supersedes"


# --- metadata: a JSON-serialisable mapping of at most 16 KiB as JSON ---


def _metadata_of_size(size: int) -> dict[str, str]:
    """A mapping whose JSON encoding is exactly ``size`` bytes."""
    value = {"k": ""}
    value["k"] = "x" * (size - len(json.dumps(value)))
    assert len(json.dumps(value)) == size
    return value


def test_metadata_none_is_empty_and_a_mapping_comes_back_as_a_copy() -> None:
    assert check_metadata(None) == {}
    given = {"source": "crm", "n": 2}
    got = check_metadata(given)
    assert got == {"source": "crm", "n": 2}
    assert got is not given  # what is stored cannot change when the caller reuses its dict


def test_metadata_at_the_size_limit_is_accepted_and_one_byte_more_is_refused() -> None:
    assert check_metadata(_metadata_of_size(MAX_METADATA_BYTES)) == _metadata_of_size(MAX_METADATA_BYTES)
    err = refused(check_metadata, _metadata_of_size(MAX_METADATA_BYTES + 1))
    assert err.field == "metadata"
    assert f"is {MAX_METADATA_BYTES + 1} bytes" in err.problem and f"limit is {MAX_METADATA_BYTES}" in err.problem


@pytest.mark.parametrize(
    ("bad", "under"), [(["a"], ""), ("text", ""), (3, ""), ({"f": object()}, ".f"), ({"s": {1, 2}}, ".s")]
)
def test_metadata_refusals_name_the_field_given(bad: object, under: str) -> None:
    assert refused(check_metadata, bad).field == "metadata" + under
    assert refused(check_metadata, bad, "messages[2].metadata").field == "messages[2].metadata" + under


def test_metadata_refusals_say_what_was_given() -> None:
    assert "got list" in refused(check_metadata, ["a"]).problem
    assert "JSON-serialisable" in refused(check_metadata, {"f": object()}).problem


# --- messages: one or a list, each a dict, a Message, a pydantic model or a string ---


def msgs(raw: object, *, max_messages: int = 3, max_chars: int = 10) -> list[Message]:
    return check_messages(raw, max_messages=max_messages, max_chars=max_chars)


class ChatTurn(BaseModel):
    role: str
    content: str
    name: str | None = None


def test_one_message_of_any_accepted_kind_becomes_a_list_of_one() -> None:
    assert [(m.role, m.content) for m in msgs("hello")] == [("user", "hello")]
    assert [(m.role, m.content) for m in msgs({"role": "tool", "content": "42"})] == [("tool", "42")]
    assert [(m.role, m.content) for m in msgs(ChatTurn(role="system", content="be brief"))] == [("system", "be brief")]
    assert [(m.role, m.content) for m in msgs(Message(role="assistant", content="ok"))] == [("assistant", "ok")]


def test_a_message_model_keeps_its_fields_and_only_its_content_is_stripped() -> None:
    when = dt.datetime(2026, 5, 8, 12, tzinfo=dt.UTC)
    given = Message(role="user", content="  hi  ", name="Ann", created_at=when, metadata={"k": "v"})
    (got,) = msgs(given)
    assert got == Message(role="user", content="hi", name="Ann", created_at=when, metadata={"k": "v"})
    assert given.content == "  hi  "  # the caller's model is not changed


def test_a_foreign_model_and_a_dict_carry_their_name() -> None:
    assert msgs(ChatTurn(role="user", content="hi", name="Mary Ann"))[0].name == "Mary Ann"
    assert msgs({"role": "user", "content": "hi", "name": "O'Brien"})[0].name == "O'Brien"


@pytest.mark.parametrize("role", ["user", "assistant", "system", "tool"])
def test_every_role_is_accepted(role: str) -> None:
    assert msgs({"role": role, "content": "x"})[0].role == role


def test_message_count_up_to_the_limit_is_accepted() -> None:
    assert [m.content for m in msgs(["a", "b", "c"], max_messages=3)] == ["a", "b", "c"]
    err = refused(msgs, ["a", "b", "c", "d"], max_messages=3)
    assert err.field == "messages"
    assert "has 4 messages" in err.problem and "limit is 3" in err.problem


def test_content_is_measured_after_stripping_up_to_the_limit() -> None:
    assert msgs("  " + "x" * 10 + "  ", max_chars=10)[0].content == "x" * 10
    err = refused(msgs, ["ok", "x" * 11], max_chars=10)
    assert err.field == "messages[1].content"
    assert "has 11 characters" in err.problem and "limit is 10" in err.problem


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ((), "messages"),
        (42, "messages"),
        (None, "messages"),
        (["ok", 42], "messages[1]"),
        (["ok", None], "messages[1]"),
        (["ok", {"content": "x"}], "messages[1].role"),
        (["ok", {"role": "User", "content": "x"}], "messages[1].role"),
        (["ok", {"role": "user"}], "messages[1].content"),
        (["ok", {"role": "user", "content": None}], "messages[1].content"),
        (["ok", " \n "], "messages[1].content"),
        (["ok", {"role": "user", "content": "x", "mood": "sunny"}], "messages[1].mood"),
        (["ok", {"role": "user", "content": "x", "created_at": "not a date"}], "messages[1].created_at"),
        (["ok", {"role": "user", "content": "x", "metadata": {"f": object()}}], "messages[1].metadata.f"),
        (["ok", {"role": "user", "content": "x", "name": "<b>Ann</b>"}], "messages[1].name"),
        (["ok", ChatTurn(role="robot", content="x")], "messages[1].role"),
    ],
)
def test_message_refusals_name_the_message_and_its_field(raw: object, field: str) -> None:
    assert refused(msgs, raw).field == field


def test_message_refusals_say_what_was_wrong() -> None:
    role = refused(msgs, {"role": "wizard", "content": "x"}).problem
    assert "user, assistant, system, tool" in role and "got 'wizard'" in role
    assert "got int" in refused(msgs, [42]).problem
    assert "got int" in refused(msgs, 42).problem


def test_a_fault_inside_a_message_field_is_named_by_its_dotted_path() -> None:
    # pydantic locates the fault (a metadata key that is not a string) inside the field.
    err = refused(msgs, {"role": "user", "content": "x", "metadata": {1: "a"}})
    assert err.field.startswith("messages[0].metadata.") and err.field != "messages[0].metadata."


def test_message_metadata_over_the_limit_is_refused_on_that_message() -> None:
    big = {"role": "user", "content": "x", "metadata": _metadata_of_size(MAX_METADATA_BYTES + 1)}
    assert refused(msgs, ["ok", big]).field == "messages[1].metadata"


@pytest.mark.parametrize("name", ["Ann", "Lucía", "Mary Ann", "O'Brien", "Jean-Luc", "J.R.", "a_b", "7of9", "x" * 64, "李雷"])
def test_speaker_names_people_write_are_accepted(name: str) -> None:
    assert msgs({"role": "user", "content": "x", "name": name})[0].name == name


@pytest.mark.parametrize("name", ["", " Ann", "_ann", "-ann", "x" * 65, "Ann\nBob", "<Ann>", "Ann:", "a;b"])
def test_speaker_names_with_markup_or_too_long_are_refused(name: str) -> None:
    assert refused(msgs, {"role": "user", "content": "x", "name": name}).field == "messages[0].name"


# --- query and content: a string, stripped, not empty, within a character limit ---


def test_query_is_stripped_and_accepted_up_to_its_limit() -> None:
    assert check_query("  coffee  ") == "coffee"
    assert check_query(" " + "q" * MAX_QUERY_CHARS + " ") == "q" * MAX_QUERY_CHARS
    err = refused(check_query, "q" * (MAX_QUERY_CHARS + 1))
    assert err.field == "query"
    assert f"has {MAX_QUERY_CHARS + 1} characters" in err.problem and f"limit is {MAX_QUERY_CHARS}" in err.problem


@pytest.mark.parametrize("bad", ["", " \t\n", None, 7, ["coffee"]])
def test_query_refusals_name_query(bad: object) -> None:
    assert refused(check_query, bad).field == "query"


def test_content_is_stripped_and_accepted_up_to_the_limit_given() -> None:
    assert check_content("content", "  five5  ", 5) == "five5"
    err = refused(check_content, "content", "sixsix", 5)
    assert err.field == "content"
    assert "has 6 characters" in err.problem and "limit is 5" in err.problem


def test_content_loses_its_control_characters_but_keeps_tabs_and_newlines() -> None:
    # The index's segment markers (\x1e, \x1f) among them: content cannot forge a weighted segment.
    raw = "tea\x1ek9\x1fcoffee \x00bell\x07 del\x7f\tline one\nline two\r\n"
    assert check_content("content", raw, 100) == "teak9coffee bell del\tline one\nline two"
    assert check_content("content", "\x1f\x1e\x00 ok", 100) == "ok"


def test_content_refuses_lone_surrogates_and_keeps_characters_beyond_the_bmp() -> None:
    # A lone surrogate cannot be encoded as UTF-8: storing it failed with a UnicodeEncodeError.
    with pytest.raises(InvalidInputError) as e:
        check_content("content", "a\ud800b\udfff c", 100)
    assert e.value.field == "content"
    assert check_content("content", "a c \U0001F600", 100) == "a c \U0001F600"


@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_content_refusals_name_the_field_given(bad: object) -> None:
    assert refused(check_content, "instructions", bad, 100).field == "instructions"


def test_type_refusals_name_the_type_given() -> None:
    assert "got int" in refused(check_query, 7).problem
    assert "got int" in refused(check_content, "content", 3, 5).problem
    assert "got int" in refused(check_identifier, "user_id", 7).problem


# --- numbers ---


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (2, True), (MAX_LIMIT, True), (MAX_LIMIT + 1, False), (-1, False)])
def test_int_is_accepted_between_low_and_high_inclusive(value: int, ok: bool) -> None:
    if ok:
        assert check_int("limit", value, 1, MAX_LIMIT) == value
    else:
        err = refused(check_int, "limit", value, 1, MAX_LIMIT)
        assert err.field == "limit"
        assert f"between 1 and {MAX_LIMIT}, got {value}" in err.problem


@pytest.mark.parametrize("bad", [True, False, 1.0, "1", None])
def test_int_refuses_bools_floats_and_strings(bad: object) -> None:
    err = refused(check_int, "limit", bad, 0, MAX_LIMIT)
    assert err.field == "limit"
    assert f"got {type(bad).__name__}" in err.problem


@pytest.mark.parametrize(("value", "expected"), [(1e-9, 1e-9), (1, 1.0), (0.5, 0.5), (1e9, 1e9)])
def test_positive_number_accepts_above_zero_up_to_the_default_maximum_as_a_float(value: float, expected: float) -> None:
    got = check_positive_number("ttl_seconds", value)
    assert got == expected and type(got) is float


@pytest.mark.parametrize("bad", [0, 0.0, -1, 1e9 + 1, float("inf"), float("nan"), True, "5", [5]])
def test_positive_number_refusals_name_the_field(bad: object) -> None:
    assert refused(check_positive_number, "ttl_seconds", bad).field == "ttl_seconds"


def test_positive_number_maximum_is_inclusive_and_stated() -> None:
    assert check_positive_number("half_life_days", 365, maximum=365) == 365.0
    err = refused(check_positive_number, "half_life_days", 366, maximum=365)
    assert "at most 365, got 366" in err.problem
    assert "at most 1e+09" in refused(check_positive_number, "ttl_seconds", 2e9).problem
    assert "got bool" in refused(check_positive_number, "ttl_seconds", True).problem


def test_positive_number_none_is_allowed_unless_required() -> None:
    assert check_positive_number("ttl_seconds", None) is None
    assert refused(check_positive_number, "ttl_seconds", None, optional=False).field == "ttl_seconds"


@pytest.mark.parametrize(("value", "expected"), [(0, 0.0), (0.0, 0.0), (0.25, 0.25), (1, 1.0), (1.0, 1.0)])
def test_unit_interval_accepts_zero_to_one_inclusive_as_a_float(value: float, expected: float) -> None:
    got = check_unit_interval("min_score", value)
    assert got == expected and type(got) is float


@pytest.mark.parametrize("bad", [-1e-9, 1.0000001, 2, float("nan"), True, False, "0.5", None])
def test_unit_interval_refusals_name_the_field(bad: object) -> None:
    err = refused(check_unit_interval, "min_score", bad)
    assert err.field == "min_score"
    assert f"got {bad!r}" in err.problem


# --- formats, categories, datetimes ---


@pytest.mark.parametrize("fmt", ["bullets", "json", "xml"])
def test_each_context_format_is_accepted(fmt: str) -> None:
    assert check_format(fmt) == fmt


@pytest.mark.parametrize("bad", ["yaml", "JSON", "", None, ["json"]])
def test_other_formats_are_refused_with_the_options(bad: object) -> None:
    err = refused(check_format, bad)
    assert err.field == "format"
    assert "bullets, json, xml" in err.problem and f"got {bad!r}" in err.problem


def test_categories_keep_order_accept_enums_and_one_name() -> None:
    assert check_categories(None) is None
    assert check_categories("goal") == ["goal"]
    assert check_categories(["goal", Category.FACT, "episodic"]) == ["goal", "fact", "episodic"]
    assert check_categories([c.value for c in Category]) == [c.value for c in Category]


@pytest.mark.parametrize("bad", [[], (), 7, {"fact"}, ["fact", "hobbies"], ["Fact"], [None]])
def test_category_refusals_name_categories(bad: object) -> None:
    assert refused(check_categories, bad).field == "categories"


def test_unknown_category_refusal_lists_the_known_ones() -> None:
    problem = refused(check_categories, ["hobbies"]).problem
    assert "'hobbies'" in problem
    assert ", ".join(sorted(c.value for c in Category)) in problem


def test_datetimes_come_back_in_utc_naive_ones_taken_as_utc() -> None:
    assert check_datetime("as_of", None) is None
    assert check_datetime("as_of", dt.datetime(2026, 5, 8, 12)) == dt.datetime(2026, 5, 8, 12, tzinfo=dt.UTC)
    lisbon_summer = dt.timezone(dt.timedelta(hours=1))
    got = check_datetime("as_of", dt.datetime(2026, 5, 8, 12, tzinfo=lisbon_summer))
    assert got == dt.datetime(2026, 5, 8, 11, tzinfo=dt.UTC) and got.tzinfo is dt.UTC
    assert got.hour == 11  # the wall time moved to UTC, not only relabelled


def test_naive_datetimes_are_utc_whatever_the_machine_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # A server in Tokyo must read a naive 12:00 as 12:00 UTC, not as 12:00 local time.
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        got = check_datetime("as_of", dt.datetime(2026, 5, 8, 12))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert got == dt.datetime(2026, 5, 8, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize("bad", [dt.date(2026, 5, 8), "2026-05-08T12:00:00Z", 1_780_000_000])
def test_datetime_refusals_name_the_field(bad: object) -> None:
    err = refused(check_datetime, "valid_from", bad)
    assert err.field == "valid_from"
    assert f"got {type(bad).__name__}" in err.problem


# --- metadata filters: up to 8 "path -> string" pairs, a path of 1-4 names ---


@pytest.mark.parametrize(
    "path",
    ["k", "langgraph_store.key", "a.b.c.d", "x" * 64, ".".join(["y" * 64] * 4), "A-9_z"],
)
def test_metadata_filter_paths_of_one_to_four_names_are_accepted(path: str) -> None:
    assert check_metadata_filter({path: "v"}) == {path: "v"}


@pytest.mark.parametrize("path", ["", "a.b.c.d.e", "x" * 65, "a..b", ".a", "a.", "a b", "a/b", "é", 7, None])
def test_metadata_filter_bad_paths_name_the_filter(path: object) -> None:
    assert refused(check_metadata_filter, {path: "v"}).field == "metadata"
    assert refused(check_metadata_filter, {path: "v"}, "filter").field == "filter"


def test_metadata_filter_takes_up_to_eight_paths() -> None:
    eight = {f"k{i}": str(i) for i in range(MAX_METADATA_FILTERS)}
    assert check_metadata_filter(eight) == eight
    err = refused(check_metadata_filter, {**eight, "k8": "8"})
    assert err.field == "metadata"
    assert f"at most {MAX_METADATA_FILTERS} paths, got {MAX_METADATA_FILTERS + 1}" in err.problem


def test_metadata_filter_values_are_strings_of_at_most_1000_characters() -> None:
    assert check_metadata_filter({"a.b": "v" * 1000}) == {"a.b": "v" * 1000}
    assert check_metadata_filter({"a.b": ""}) == {"a.b": ""}
    assert refused(check_metadata_filter, {"a.b": "v" * 1001}).field == "metadata.a.b"
    assert refused(check_metadata_filter, {"a.b": 1}).field == "metadata.a.b"
    assert refused(check_metadata_filter, {"a.b": None}, "filter").field == "filter.a.b"


@pytest.mark.parametrize("bad", [{}, [("k", "v")], "k=v", 3])
def test_metadata_filter_must_be_a_non_empty_mapping(bad: object) -> None:
    assert check_metadata_filter(None) is None
    assert refused(check_metadata_filter, bad).field == "metadata"


def test_metadata_filter_bad_path_refusal_names_the_path() -> None:
    assert "'a b'" in refused(check_metadata_filter, {"a b": "v"}).problem


# --- agent ids and idempotency keys ---


def test_agent_ids_are_a_non_empty_list_of_identifiers() -> None:
    assert check_agent_ids(None) is None
    assert check_agent_ids(["planner", "coder"]) == ["planner", "coder"]
    for bad in ([], ("planner",), "planner", ["planner", "bad id"], [None]):
        assert refused(check_agent_ids, bad).field == "agent_ids"


@pytest.mark.parametrize(("value", "ok"), [(None, True), ("k", True), ("k" * 200, True), ("", False), ("k" * 201, False), (7, False)])
def test_idempotency_key_is_one_to_200_characters(value: object, ok: bool) -> None:
    if ok:
        assert check_idempotency_key(value) == value
    else:
        assert refused(check_idempotency_key, value).field == "idempotency_key"


@pytest.mark.parametrize("value", ["a\x00b", "\x00", "key\ud800"])
def test_an_idempotency_key_no_backend_can_store_is_refused(value: str) -> None:
    # PostgreSQL refuses NUL in text (SQLite took it), and no UTF-8 store takes a lone surrogate.
    assert refused(check_idempotency_key, value).field == "idempotency_key"


# --- the id grammars are matched whole: "$" alone would let one trailing newline through ---


@pytest.mark.parametrize(
    "call",
    [
        lambda: check_identifier("user_id", "alice\n"),
        lambda: check_memory_id(UUID + "\n"),
        lambda: check_metadata_filter({"a.b\n": "v"}),
        lambda: msgs({"role": "user", "content": "x", "name": "Ann\n"}),
    ],
    ids=["identifier", "memory_id", "metadata_filter_path", "speaker_name"],
)
def test_a_trailing_newline_is_refused(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInputError):
        call()

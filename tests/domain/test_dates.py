"""Relative times resolved from when a turn was said; date ranges read from queries."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.domain.dates import query_date_range, resolved_dates

# Tuesday 14 November 2023, 1 pm
SAID = dt.datetime(2023, 11, 14, 13, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I ran a charity race last Saturday!", ["11 November 2023"]),
        ("We meet next Friday", ["17 November 2023"]),
        ("this Thursday works", ["16 November 2023"]),
        ("last Tuesday was rough", ["7 November 2023"]),
        ("I adopted him two weeks ago", ["31 October 2023"]),
        ("3 days ago I fell", ["11 November 2023"]),
        ("a few months ago", ["August 2023"]),
        ("a couple of years ago we moved", ["2021"]),
        ("we start in 2 weeks", ["28 November 2023"]),
        ("yesterday and the day before yesterday", ["13 November 2023", "12 November 2023"]),
        ("Tomorrow!", ["15 November 2023"]),
        ("next month I travel, last year I stayed", ["December 2023", "2022"]),
        ("last week was busy", ["7 November 2023"]),
        ("I love my cello", []),
        ("two weeks ago, and 2 weeks ago", ["31 October 2023"]),  # one date, once
    ],
)
def test_relative_times_resolve_from_when_the_turn_was_said(text: str, expected: list[str]) -> None:
    assert resolved_dates(text, SAID) == expected


def test_months_cross_the_year_and_clip_the_day() -> None:
    assert resolved_dates("one month ago", dt.datetime(2024, 1, 31, tzinfo=dt.UTC)) == ["December 2023"]
    assert resolved_dates("in one month", dt.datetime(2024, 1, 31, tzinfo=dt.UTC)) == ["February 2024"]


NOW = dt.datetime(2024, 3, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("query", "span"),
    [
        ("What did she do in the second week of November 2023?", ((2023, 11, 8), (2023, 11, 14))),
        ("the first week of June", ((2023, 6, 1), (2023, 6, 7))),  # June not after now: last year's
        ("the last week of February 2024", ((2024, 2, 23), (2024, 2, 29))),
        ("Where was Ann on 8 May 2023?", ((2023, 5, 8), (2023, 5, 8))),
        ("on May 8th, 2023", ((2023, 5, 8), (2023, 5, 8))),
        ("the 3rd of March", ((2024, 3, 3), (2024, 3, 3))),
        ("What happened in May 2023?", ((2023, 5, 1), (2023, 5, 31))),
        ("plans for February", ((2024, 2, 1), (2024, 2, 29))),
        ("trips in 2022", ((2022, 1, 1), (2022, 12, 31))),
        ("what did I do last month?", ((2024, 2, 1), (2024, 2, 29))),
        ("and last week?", ((2024, 2, 26), (2024, 3, 3))),
        ("next year", ((2025, 1, 1), (2025, 12, 31))),
        ("on 31 February 2023", ((2023, 2, 1), (2023, 2, 28))),  # no such day: the month it names
    ],
)
def test_query_date_ranges(query: str, span: tuple[tuple[int, int, int], tuple[int, int, int]]) -> None:
    assert query_date_range(query, NOW) == (dt.date(*span[0]), dt.date(*span[1]))


@pytest.mark.parametrize("query", ["May I ask what she likes?", "They march on", "What is her name?"])
def test_no_range_where_none_is_named(query: str) -> None:
    assert query_date_range(query, NOW) is None

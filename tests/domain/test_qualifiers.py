"""Context and time qualifiers found in a memory's wording."""

from __future__ import annotations

import datetime as dt

import pytest

from accord import ExtractedMemory
from accord.domain.qualifiers import find_context, find_interval, qualify


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("User lives in Hamburg on weekends", "on weekends"),
        ("User works from the office during the week", "during the week"),
        ("User drinks tea at work", "at work"),
        ("User swims in the summer", "in the summer"),
        ("User lives in Berlin", None),
        ("User works at Acme", None),
        # a change that happened once: the phrase says when or why, not where the value holds
        ("User and others moved to Bristol in the summer", None),
        ("User moved to Nairobi last year for work", None),
        ("User is looking for work now", None),
        ("User uses a Mac for work", "for work"),
    ],
)
def test_contexts(text: str, context: str | None) -> None:
    assert find_context(text) == context


def y(year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        ("User lived in Paris from 2015 to 2018", (y(2015), y(2019))),
        ("User worked at Initech until 2020", (None, y(2021))),
        ("User lived in Rome in 2012", (y(2012), y(2013))),
        ("User lives in Rome", (None, None)),
        ("User plans to move in 2030", (None, None)),  # future, not a closed past period
    ],
)
def test_intervals(text: str, interval: tuple[dt.datetime | None, dt.datetime | None]) -> None:
    assert find_interval(text) == interval


def test_qualify_keeps_what_the_extractor_set() -> None:
    m = ExtractedMemory(content="User lives in Hamburg on weekends", category="fact", attribute_key="city", importance=0.8)
    assert qualify(m).context == "on weekends"
    preset = m.model_copy(update={"context": "weekend home"})
    assert qualify(preset).context == "weekend home"
    plain = ExtractedMemory(content="User lives in Berlin", category="fact", importance=0.8)
    assert qualify(plain) is plain

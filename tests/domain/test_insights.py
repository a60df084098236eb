"""The dashboard's pure helpers: the word diff of a version and the hourly gate timeline."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from accord.domain.insights import timeline_rows, word_diff


def _ops(before: str | None, after: str) -> list[tuple[str, str]]:
    return [(p.op, p.text) for p in word_diff(before, after)]


def test_a_changed_phrase_is_one_removal_and_one_addition() -> None:
    assert _ops("likes the Rota Vicentina trail", "likes the Via Algarviana trail") == [
        ("same", "likes the "), ("removed", "Rota Vicentina"), ("added", "Via Algarviana"), ("same", " trail"),
    ]


def test_the_first_version_is_all_added_and_an_unchanged_one_all_same() -> None:
    assert _ops(None, "new text") == [("added", "new text")]
    assert _ops("same words", "same words") == [("same", "same words")]
    assert _ops("drop this end", "drop") == [("same", "drop"), ("removed", " this end")]
    assert _ops("a b", "a c d") == [("same", "a "), ("removed", "b"), ("added", "c d")]


def test_joining_the_pieces_gives_both_texts_back() -> None:
    before, after = "I live in Lisbon  since 2020", "I moved to Porto in 2024"
    pieces = word_diff(before, after)
    assert "".join(p.text for p in pieces if p.op != "added") == before
    assert "".join(p.text for p in pieces if p.op != "removed") == after


def test_the_timeline_has_one_row_per_hour_oldest_first_empty_hours_kept() -> None:
    end = dt.datetime(2026, 12, 3, 14, 35, tzinfo=dt.UTC)
    h = lambda hour: dt.datetime(2026, 12, 3, hour, tzinfo=dt.UTC)  # noqa: E731
    counts = Counter({(h(12), "queued"): 3, (h(12), "duplicate"): 1, (h(14), "low_quality"): 2, (h(9), "queued"): 7})
    rows = timeline_rows(counts, end=end, hours=3)
    assert [r.hour for r in rows] == [h(12), h(13), h(14)]
    assert [r.counts for r in rows] == [{"duplicate": 1, "queued": 3}, {}, {"low_quality": 2}]
    assert [r.total for r in rows] == [4, 0, 2]  # hour 9 is outside the window

"""Dates in conversation: relative times resolved at write time, date ranges read from queries.

A turn says "last Friday" or "two weeks ago"; a later question asks about "the second week of
November 2023" or "May 2023". Neither matches the other's words, so:

* :func:`resolved_dates` turns each relative time in a turn into the day, month or year it
  names, counted from when the turn was said, as words the index can match ("10 November 2023",
  "November 2023");
* :func:`query_date_range` reads the days a query names, for the reranker's date feature.

Plain functions, English only; a phrase they do not know is left alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

__all__ = ["month_words", "query_date_range", "resolved_dates"]

_MONTHS = [m.lower() for m in calendar.month_name[1:]]
_DAYS = [d.lower() for d in calendar.day_name]
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "couple of": 2, "a couple of": 2, "few": 3, "a few": 3,
}  # fmt: skip
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1, "final": -1}
_NUM = r"(\d{1,2}|a couple of|a few|couple of|few|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_AGO = re.compile(rf"\b{_NUM}\s+(day|week|month|year)s?\s+ago\b", re.I)
_IN = re.compile(rf"\bin\s+{_NUM}\s+(day|week|month|year)s?\b", re.I)
_NEIGHBOUR = re.compile(r"\b(last|next|this|coming|past)\s+(week(?:end)?|month|year|" + "|".join(_DAYS) + r")\b", re.I)
_SIMPLE = re.compile(r"\b(yesterday|today|tonight|tomorrow|the day before yesterday)\b", re.I)
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")(?:\s+(?:of\s+)?(\d{4}))?\b", re.I)
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(_MONTHS) + r")(?:,?\s+(\d{4}))?\b", re.I)
_MONTH_DAY = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", re.I)
_WEEK_OF = re.compile(
    r"\b(first|second|third|fourth|last|final)\s+week\s+of\s+(" + "|".join(_MONTHS) + r")(?:\s+(\d{4}))?\b", re.I
)
_ALSO_VERBS = frozenset({"may", "march"})
_YEAR = re.compile(r"\b(?:in|during|of)\s+((?:19|20)\d{2})\b", re.I)


def _day_words(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def month_words(day: dt.date) -> str:
    return f"{calendar.month_name[day.month]} {day.year}"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _count(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else _NUMBERS[text]


def _shift(base: dt.date, n: int, unit: str) -> str:
    unit = unit.lower()
    if unit == "day":
        return _day_words(base + dt.timedelta(days=n))
    if unit == "week":
        return _day_words(base + dt.timedelta(weeks=n))
    if unit == "month":
        return month_words(_add_months(base, n))
    return str(base.year + n)


def _neighbour(base: dt.date, which: str, unit: str) -> str:
    which, unit = which.lower(), unit.lower()
    step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(which, 0)
    if unit in _DAYS:
        # "last Friday": the latest Friday before the day it was said; "next Friday" the first after.
        delta = (_DAYS.index(unit) - base.weekday()) % 7
        if step < 0:
            delta = delta - 7 if delta > 0 else -7
        elif step > 0:
            delta = delta or 7
        return _day_words(base + dt.timedelta(days=delta))
    if unit in ("week", "weekend"):
        return _day_words(base + dt.timedelta(weeks=step))
    if unit == "month":
        return month_words(_add_months(base, step))
    return str(base.year + step)


def resolved_dates(text: str, said_at: dt.datetime) -> list[str]:
    """The dates ``text``'s relative times name, said at ``said_at``, as searchable words.

    Example: said on Tuesday 14 November 2023, "I ran a charity race last Saturday" gives
    ``["11 November 2023"]``; "two months ago" gives ``["September 2023"]``.
    """
    base = said_at.date()
    found: list[str] = []
    for m in _SIMPLE.finditer(text):
        shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "the day before yesterday": -2}
        found.append(_day_words(base + dt.timedelta(days=shift[m.group(1).lower()])))
    found += [_shift(base, -_count(m.group(1)), m.group(2)) for m in _AGO.finditer(text)]
    found += [_shift(base, _count(m.group(1)), m.group(2)) for m in _IN.finditer(text)]
    found += [_neighbour(base, m.group(1), m.group(2)) for m in _NEIGHBOUR.finditer(text)]
    return list(dict.fromkeys(found))


def _month(name: str) -> int:
    return _MONTHS.index(name.lower()) + 1


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def query_date_range(query: str, now: dt.datetime) -> tuple[dt.date, dt.date] | None:
    """The days a query names, or None: "the second week of November 2023", "on 8 May 2023",
    "May 2023", "in 2022", or a relative time counted from ``now`` ("last month").
    A month without a year is the latest one not after ``now``."""
    today = now.date()

    def year_of(raw: str | None, month: int) -> int:
        if raw:
            return int(raw)
        return today.year if month <= today.month else today.year - 1

    if m := _WEEK_OF.search(query):
        month = _month(m.group(2))
        first, last = _month_span(year_of(m.group(3), month), month)
        nth = _ORDINALS[m.group(1).lower()]
        start = last - dt.timedelta(days=6) if nth < 0 else first + dt.timedelta(weeks=nth - 1)
        return start, min(start + dt.timedelta(days=6), last)
    for pattern, day_group, month_group, year_group in ((_DAY_MONTH, 1, 2, 3), (_MONTH_DAY, 2, 1, 3)):
        if m := pattern.search(query):
            month = _month(m.group(month_group))
            try:
                day = dt.date(year_of(m.group(year_group), month), month, int(m.group(day_group)))
            except ValueError:
                continue
            return day, day
    for m in _MONTH_YEAR.finditer(query):
        if m.group(2) is None and m.group(1).lower() in _ALSO_VERBS:
            continue  # "may I ...", "they march ..."
        month = _month(m.group(1))
        return _month_span(year_of(m.group(2), month), month)
    if m := _YEAR.search(query):
        year = int(m.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := _NEIGHBOUR.search(query):
        unit = m.group(2).lower()
        step = -1 if m.group(1).lower() in ("last", "past") else (1 if m.group(1).lower() in ("next", "coming") else 0)
        if unit == "month":
            start = _add_months(today.replace(day=1), step)
            return _month_span(start.year, start.month)
        if unit == "year":
            return dt.date(today.year + step, 1, 1), dt.date(today.year + step, 12, 31)
        if unit in ("week", "weekend"):
            monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=step)
            return monday, monday + dt.timedelta(days=6)
    return None

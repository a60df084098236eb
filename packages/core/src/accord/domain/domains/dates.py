"""Dates in what people say ("on 15 March", "next Friday", "last Tuesday"), with dateparser.

A cheap regular expression finds the span first; dateparser reads only that span, relative to
when the message was said, so a relative date means what it meant then.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings

import dateparser

__all__ = ["DATE_SPAN", "find_date"]

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
DATE_SPAN = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {_MONTH}(?:,? \d{{4}})?"
    rf"|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|(?:next|last|this|on) (?:{_DAY}|week|month)"
    rf"|{_DAY}"
    r"|(?:to|yester)day|tomorrow"
    r"|in (?:\d+|a|one|two|three|four|five|six|a couple of) (?:days?|weeks?|months?)"
    r"|(?:\d+|a|one|two|three|four|five|six) (?:days?|weeks?) ago)\b",
    re.IGNORECASE,
)
_WORDS = {"a couple of": "2", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", " a ": " 1 "}


def find_date(text: str, said_at: dt.datetime, *, prefer: str = "future") -> tuple[dt.date, str] | None:
    """The first date ``text`` names, read relative to ``said_at``, and the words that named it."""
    for m in DATE_SPAN.finditer(text):
        span = m.group(0)
        words = f" {span.lower()} "
        for k, v in _WORDS.items():
            words = words.replace(f" {k.strip()} ", f" {v} ") if k.strip() else words
        words = words.strip().removeprefix("on ")
        base = said_at.astimezone(dt.UTC).replace(tzinfo=None)
        with warnings.catch_warnings():
            # dateparser warns about a pytz detail on some versions; nothing for callers to act on.
            warnings.simplefilter("ignore")
            parsed = dateparser.parse(
                words,
                languages=["en"],
                settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer, "RETURN_AS_TIMEZONE_AWARE": False},
            )
        if parsed is not None:
            return parsed.date(), span
    return None

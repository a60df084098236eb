"""Rules for when the user's events happen: "My exam is on May 12", "My flight got moved to March 5".

An event has one date, so each gets the key ``date:<event>`` (``date:exam``, ``date:aws exam``,
``date:flight to lisbon``), where the event is its noun phrase, lowercased, without the determiner or
a passing "next"/"upcoming". The value is the date: "may 12" without a year, ISO ("2027-09-12") with
one. A change ("was rescheduled to May 19") gives the same key and the new date; the conflict
resolver reads the change cue from the turn itself.

Only a concrete calendar date counts: a month and a day ("May 12", "12 September 2027", "the 3rd
of June") or an ISO date. "Friday", "Friday the 14th", "next week" and "5/12" (day or month
first?) are left alone, as are past dates ("My exam was on May 12"), questions and hypotheticals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import CONFIDENT, LIKELY, Clause, Draft, Rule, compile_rule

EVENT_DATE = 0.7

_MONTH_ALIASES = (
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec"),
)
_MONTH_NUMBERS = {name: number for number, names in enumerate(_MONTH_ALIASES, start=1) for name in names}
_MONTH_NAMES = ("", *(names[0].capitalize() for names in _MONTH_ALIASES))
MONTH = rf"(?:{'|'.join(sorted(_MONTH_NUMBERS, key=len, reverse=True))})\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,? )?"
# For embedding in a rule: no groups of its own.
DATE = (
    rf"{_WEEKDAY}(?:{MONTH} (?:the )?{_DAY}(?:,? {_YEAR})?|(?:the )?{_DAY} (?:of )?{MONTH}(?:,? {_YEAR})?"
    r"|\d{4}-\d{2}-\d{2})"
)
_DATE_PARTS = re.compile(
    rf"^{_WEEKDAY}(?:(?P<m1>{MONTH}) (?:the )?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,? (?P<y1>{_YEAR}))?"
    rf"|(?:the )?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<m2>{MONTH})(?:,? (?P<y2>{_YEAR}))?"
    r"|(?P<iso>(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})))$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CalendarDate:
    """A date as said: ``value`` is the attribute value, ``display`` the form for content."""

    value: str
    display: str


def parse_date(text: str) -> CalendarDate | None:
    """ "May 12" -> ("may 12", "May 12"); "12 September 2027" -> ("2027-09-12", "September 12, 2027").

    ``None`` when ``text`` is not one concrete calendar date, or names a day that does not exist.
    """
    m = _DATE_PARTS.match(" ".join(text.split()))
    if m is None:
        return None
    year: int | None
    if m["iso"]:
        month, day, year = int(m["m3"]), int(m["d3"]), int(m["y3"])
    else:
        month = _MONTH_NUMBERS[(m["m1"] or m["m2"]).lower().rstrip(".")]
        day, year_text = int(m["d1"] or m["d2"]), m["y1"] or m["y2"]
        year = int(year_text) if year_text else None
    try:
        date = dt.date(year or 2000, month, day)  # 2000 is a leap year: "February 29" is a date
    except ValueError:
        return None
    if year is None:
        return CalendarDate(f"{_MONTH_NAMES[month].lower()} {day}", f"{_MONTH_NAMES[month]} {day}")
    return CalendarDate(date.isoformat(), f"{_MONTH_NAMES[month]} {day}, {year}")


# --- event dates -------------------------------------------------------------------------------

_EVENT = lex.alternation(lex.EVENT_NOUNS)
# "my flight to Lisbon", "my interview at Google": the place or host keeps two events apart.
_QUALIFIER = r"(?P<qual> (?:to|in|at|with|from) [\w'&.-]+(?: [\w'&.-]+){0,2})?"
_SUBJECT = rf"^(?P<det>my|our|the) (?P<event>(?:[\w'&-]+ ){{0,3}}?{_EVENT}){_QUALIFIER}"
_AT_TIME = r"(?:,? (?:at|from) \d{1,2}(?::\d{2})?(?: ?(?:am|pm|a\.m|p\.m))?)?"
_IS_ON = (
    r"(?:is|will be|falls|takes place|is taking place|is happening)(?: now| still)? "
    r"(?:on |scheduled (?:for|on) |set for |planned for |booked (?:for|on) |due (?:on )?)?"
)
_CHANGED = (
    r"(?:(?:is|was|has been|had been|got|has|just got) )?(?:(?:now|just|officially) )?"
    r"(?:moved|rescheduled|postponed|pushed back|pushed|changed|brought forward|moved up|shifted|delayed|"
    r"bumped)(?: again)? (?:to|until|till|for) "
)
_EVENT_DATE = compile_rule(rf"{_SUBJECT} (?:{_IS_ON}|{_CHANGED})(?P<date>{DATE}){_AT_TIME}$")

# Words that place an event in time relative to now, not name it: "my next exam" is "my exam".
_PASSING = frozenset("next upcoming big important scheduled actual official first".split())
_NOT_MODIFIERS = lex.DEICTIC | lex.DETERMINERS | frozenset({"last", "previous", "old", "other"})


def _event_words(event: str, qualifier: str, clause: Clause) -> list[str] | None:
    words = event.split()
    while len(words) > 1 and words[0].lower() in _PASSING:
        words = words[1:]
    if any(w.lower() in _NOT_MODIFIERS for w in words):
        return None  # "my last exam", "the other flight": which one is unclear
    if qualifier:
        name = qualifier.split()[1]
        if clause.cased and not name[:1].isupper():
            return None  # "my flight to the airport" names no place
        words += qualifier.split()
    return words


def _event_date(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    date = parse_date(m["date"])
    words = _event_words(m["event"], m["qual"] or "", clause)
    if date is None or words is None:
        return ()
    event = " ".join(words)
    # "The exam" is very likely the user's, but less surely than "my exam".
    confidence = LIKELY if m["det"].lower() == "the" else CONFIDENT
    content = f"User's {event} is on {date.display}"
    return (Draft(content, Category.FACT, EVENT_DATE, f"date:{event.lower()}", date.value, confidence),)


DATE_RULES: tuple[Rule, ...] = (Rule("event_date", _EVENT_DATE, _event_date),)

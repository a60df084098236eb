"""Rules for facts that held in the past: "I lived in Paris from 2015 to 2018".

They use the keys of the current facts (``city``, ``employer``, ``job_title``, ``school``,
``diet``) but carry a validity interval, so the conflict resolver keeps them beside the current
value instead of letting either supersede the other. The interval follows
``accord.domain.qualifiers.find_interval``: UTC, from the first day of the first year (or month) to the
first day after the last one, so "until 2020" ends on 2021-01-01 and "until May 2020" on
2020-06-01.

Only a stated year makes a past fact: "I used to live in Rome" has no end we could give it, and a
past fact without one would read as current, so it is left alone. These rules run before the
present-tense ones, so "I've worked at Initech from 2015 to 2020" is not read as a current job.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import ADV, Clause, Draft, Rule, compile_rule, stated
from accord.adapters.extractors.rules._dates import MONTH
from accord.adapters.extractors.rules._facts import place_value
from accord.adapters.extractors.rules._phrasing import fix_articles, normalise_value
from accord.adapters.extractors.rules._work import org_value, title_value

PAST = 0.6

_YEAR = r"(?:19|20)\d\d"
_MONTH_YEAR = rf"(?:{MONTH} )?{_YEAR}"
_INTERVAL = (
    rf"(?:from {_MONTH_YEAR} (?:to|until|till|through|thru|-) {_MONTH_YEAR}|between {_MONTH_YEAR} and "
    rf"{_MONTH_YEAR}|(?:from |in )?{_YEAR} ?[-\u2013] ?{_YEAR}|(?:until|till|up to|up until|through|thru) "
    rf"{_MONTH_YEAR}|(?:back )?in {_MONTH_YEAR})"
)
# "for five years until 2020": the duration adds nothing the interval does not say.
_DURATION = r"(?:,? for (?:about |almost |over |nearly )?(?:[\w-]+ ){1,3}?(?:years?|months?))?"
_TAIL = rf"{_DURATION},? (?P<when>{_INTERVAL})$"
_POINT = re.compile(rf"(?:(?P<month>{MONTH}) )?(?P<year>{_YEAR})", re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _bounds(month: str | None, year: str) -> tuple[dt.datetime, dt.datetime]:
    """(first day, first day after) of a year or of a month of it, in UTC."""
    y = int(year)
    if month is None:
        return dt.datetime(y, 1, 1, tzinfo=dt.UTC), dt.datetime(y + 1, 1, 1, tzinfo=dt.UTC)
    m = _MONTHS.index(month.lower()[:3]) + 1
    end = dt.datetime(y + 1, 1, 1, tzinfo=dt.UTC) if m == 12 else dt.datetime(y, m + 1, 1, tzinfo=dt.UTC)
    return dt.datetime(y, m, 1, tzinfo=dt.UTC), end


def parse_interval(when: str) -> tuple[dt.datetime | None, dt.datetime] | None:
    """(valid_from, valid_to) of "from 2015 to 2018", "until May 2020", "in 2019"; ``None`` if reversed."""
    points = [_bounds(p["month"], p["year"]) for p in _POINT.finditer(when)]
    if not points:
        return None
    if re.match(r"(?:until|till|up|through|thru)\b", when, re.IGNORECASE):
        return None, points[-1][1]
    start, end = points[0][0], points[-1][1]
    return (start, end) if start < end else None


_LIVED = compile_rule(
    rf"^I {ADV}(?:lived|used to live|was living|had lived|have lived|resided|was based|used to be based) "
    rf"in (?P<place>.+?){_TAIL}"
)
_WORKED = compile_rule(
    rf"^I {ADV}(?:worked|used to work|was working|had worked|have worked|was employed) (?:at|for|by) "
    rf"(?P<org>.+?){_TAIL}"
)
_WORKED_AS = compile_rule(
    rf"^I {ADV}(?:(?:worked|used to work|was working|had worked|have worked) as|was|used to be) "
    rf"(?P<article>an? |the )?(?P<title>.+?){_TAIL}"
)
_STUDIED = compile_rule(
    rf"^I {ADV}(?:studied|used to study|was a student|went to (?:school|college|university|uni)|attended) "
    rf"(?:at )?(?P<school>.+?){_TAIL}"
)
_DIET = compile_rule(
    rf"^I {ADV}(?:was|used to be|had been|have been) (?:an? )?(?:strict )?"
    rf"(?P<diet>{lex.alternation(lex.DIETS)}){_TAIL}"
)


def _past(clause: Clause, when: str, key: str, value: str, content: str | None = None) -> Draft | None:
    """A past fact; ``content`` replaces the clause when one clause says two facts."""
    interval = parse_interval(when)
    if interval is None:
        return None
    draft = stated(clause, Category.FACT, PAST, key=key, value=value)
    if content is not None:
        draft = replace(draft, content=fix_articles(f"{content} {' '.join(when.split())}"))
    return replace(draft, valid_from=interval[0], valid_to=interval[1])


def _widens(rest: str, clause: Clause) -> bool:
    """Whether what follows a place only widens it ("Porto, Portugal")."""
    words = rest.strip(" ,").split()
    return not words or (clause.cased and len(words) <= 3 and all(w[:1].isupper() for w in words))


def _lived(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    found = place_value(m["place"], clause)
    if found is None or not _widens(found[1], clause):
        return ()
    draft = _past(clause, m["when"], "city", found[0])
    return (draft,) if draft else ()


def _worked(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    found = org_value(m["org"], clause)
    if found is None or normalise_value(found[0]) in lex.WELL_KNOWN_PLACES:
        return ()
    org, rest = found
    title = None
    if rest:  # "at Initech as a tester from 2015 to 2018"
        as_title = re.match(r"^as (?:an? |the )?(.+)$", rest, re.IGNORECASE)
        title = title_value(as_title[1], need_job_noun=False) if as_title else None
        if title is None or title[1]:
            return ()
    drafts = [_past(clause, m["when"], "employer", normalise_value(org))]
    if title is not None:
        role = f"User worked as a {title[0]}"
        drafts.append(_past(clause, m["when"], "job_title", normalise_value(title[0]), role))
    return [d for d in drafts if d is not None]


def _worked_as(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    found = title_value(m["title"], need_job_noun=True)
    if found is None:
        return ()
    title, rest = found
    org = None
    if rest:  # "a nurse at St Mary's until 2019"
        at = re.match(r"^(?:at|for|with) (.+)$", rest, re.IGNORECASE)
        org = org_value(at[1], clause) if at else None
        if org is None or org[1]:
            return ()
    key = "school" if title.lower().split()[-1] == "student" else "employer"
    drafts = [_past(clause, m["when"], "job_title", normalise_value(title))]
    if org is not None:
        place = f"User {'studied' if key == 'school' else 'worked'} at {org[0]}"
        drafts.append(_past(clause, m["when"], key, normalise_value(org[0]), place))
    return [d for d in drafts if d is not None]


def _studied(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    # Only a capitalised name: "I studied physics until 2010" names a subject, not a school.
    found = org_value(m["school"], clause, strict=True)
    if found is None or found[1]:
        return ()
    draft = _past(clause, m["when"], "school", normalise_value(found[0]))
    return (draft,) if draft else ()


def _diet(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    diet = {"pescetarian": "pescatarian"}.get(m["diet"].lower(), m["diet"].lower())
    draft = _past(clause, m["when"], "diet", diet)
    return (draft,) if draft else ()


PAST_RULES: tuple[Rule, ...] = (
    Rule("past_city", _LIVED, _lived),
    Rule("past_employer", _WORKED, _worked),
    Rule("past_diet", _DIET, _diet),
    Rule("past_job_title", _WORKED_AS, _worked_as),
    Rule("past_school", _STUDIED, _studied),
)

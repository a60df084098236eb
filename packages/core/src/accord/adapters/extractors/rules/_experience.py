"""Years of experience, wherever they are said: "15 years on Postgres", "Python, 8 yrs.",
"been codin javascript like 5 yrs", "about fifteen years, mostly Fortran", "I've been doing
woodworking for about 20 years". A duration tied to a skill says how well the user knows it, so
each becomes an expertise memory keyed ``expertise:<skill>``, unless the sentence's own clauses
already said it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import LIKELY, Draft
from accord.adapters.extractors.rules._phrasing import normalise_value

__all__ = ["with_experience"]

_NUM = r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|a few|several)"
_YEARS = r"\+?\s*(?:years?|yrs?|decades?)"
_SKILL = r"(?P<skill>[A-Za-z][\w#+.-]*(?: (?-i:[A-Z])[\w#+.-]*)?)"
_PATTERNS = (
    # "15 years on Postgres", "10 years of Java" ("twenty years as a chef" is a job, read by the job rules)
    re.compile(rf"\b{_NUM}{_YEARS}\s+(?:of\s+(?:experience\s+(?:with|in)\s+)?|on\s+|with\s+|in\s+|doing\s+|using\s+|writing\s+|coding\s+(?:in\s+)?|programming\s+(?:in\s+)?){_SKILL}", re.I),
    # "Python, 8 yrs", "Go - 3 years"
    re.compile(rf"^\W*{_SKILL}\s*[,:-]\s*(?:about\s+|like\s+|over\s+)?{_NUM}{_YEARS}\b", re.I),
    # "been coding javascript like 5 yrs", "I've been doing woodworking for about 20 years"
    re.compile(rf"\bbeen\s+(?:\w+ing)\s+{_SKILL}\s+(?:for\s+)?(?:like\s+|about\s+|over\s+|almost\s+|nearly\s+)?{_NUM}{_YEARS}", re.I),
)
_NOT_SKILLS = frozenset(
    """the a an my our this that it them him her me now ago old and or but so years year time times here there
    work home school married together""".split()
)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30}


def with_experience(sentence: str, said: Sequence[Draft]) -> list[Draft]:
    """``said`` with an expertise memory for each skill the sentence gives years of, that ``said`` does not name."""
    out = list(said)
    for pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            skill = m["skill"].strip(" .,")
            before = sentence[: m.start()]
            if skill.lower().split()[0] in _NOT_SKILLS or re.search(r"\bold\b", sentence[m.end():m.end() + 5]):
                continue  # "ten years old"
            if skill.lower() in lex.WELL_KNOWN_PLACES:
                continue  # "two years in New York": time lived somewhere, not a skill
            if _SOMEONE_ELSE.search(before) or not (_FIRST_PERSON.search(before) or len(before.split()) <= 2):
                continue  # "my brother has 10 years of Java" is his
            n = m["n"].lower()
            draft = Draft(f"User has {_WORDS.get(n, n)} years of experience with {skill}", Category.EXPERTISE, 0.6,
                          f"expertise:{normalise_value(skill)}", None, LIKELY)
            # A clause that named the skill without its years ("User has been coding javascript") gives way.
            naming = [d for d in out if skill.lower() in d.content.lower()]
            if any(re.search(r"\d|year", d.content) for d in naming):
                continue
            out = [d for d in out if d not in naming] + [draft]
    return out


_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I am|I have|me|my)\b")
_SOMEONE_ELSE = re.compile(
    r"\b(?:he|she|they|his|her|their|it)\b|\bmy (?:\w+ )?(?:brother|sister|wife|husband|partner|friend|son|daughter|"
    r"mom|mum|dad|mother|father|boss|colleague|coworker|manager|team)\b",
    re.I,
)

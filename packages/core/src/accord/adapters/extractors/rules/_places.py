"""Where the user lives, read from a place named in passing. Pure functions, no I/O.

"I teach high school chemistry in Denver", "my husband and I run a dairy farm outside Trondheim",
"I live with my girlfriend in a walk-up in Chicago", "we grew up together in Galway": the
sentence is about something else, and the place is said on the way. When a first-person
sentence does standing work or living at a place and no clause gave the user's city, the place
becomes the city (or, for where the user grew up, the hometown), at lower confidence than a
plain "I live in Denver". A place must be capitalised by a writer who capitalises, and must not
be a language, a technology or a month.
"""

from __future__ import annotations

import re

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import HOME, Draft

__all__ = ["places_in"]

_CONFIDENCE = 0.7
# The user (alone or with others) doing standing work or living somewhere, then the place.
_STANDING_AT_PLACE = re.compile(
    r"\b(?:I|we|(?:my \w+ and I))(?:'m| am| are|'re)? (?:\w+ ){0,2}?"
    r"(?:(?P<home>live|living|lives|rent|renting|based|settled|grew up|raised|born)\b[^.!?;]{0,80}?"
    # work of some kind, with its object first: "teach chemistry in Denver", not "work in Finance"
    r"|(?P<work>work|working|teach|teaching|run|running|own|study|studying|practise|practice|farm)\b[^.!?;]{2,80}?)"
    r"\b(?P<prep>in|outside|outside of|near|just outside|around)\s+"
    r"(?P<place>[A-Z][a-zà-ÿ'-]+(?:[ -][A-Z][a-zà-ÿ'-]+){0,2})",
)
_HOMETOWN_VERBS = frozenset({"grew up", "raised", "born"})
_NOT_PLACES = frozenset(
    """january february march april may june july august september october november december monday
    tuesday wednesday thursday friday saturday sunday christmas easter summer winter spring autumn fall
    english french spanish german python java the i""".split()
)
# A time or a hypothetical: the place is not where the user is now.
_NOT_NOW = re.compile(
    r"\b(?:used to|would|will|might|if|someday|one day|next \w+|tomorrow|tonight|today|this weekend|for the weekend|"
    r"right now|when I was|going to|visiting|trip|holiday|vacation)\b",
    re.I,
)


def places_in(sentence: str, said: list[Draft], *, cased: bool) -> list[Draft]:
    """``said`` with the user's city (or hometown) named in passing, where nothing said gives it."""
    if not cased or _NOT_NOW.search(sentence):
        return said
    keys = {d.key for d in said}
    for m in _STANDING_AT_PLACE.finditer(sentence):
        place = m["place"]
        lowered = place.lower()
        if lowered in _NOT_PLACES or lowered in lex.SPOKEN_LANGUAGES or lowered in lex.TECH_TERMS:
            continue
        hometown = m["home"] in _HOMETOWN_VERBS
        key = "hometown" if hometown else "city"
        if key in keys or any(lowered in d.content.lower() and d.key in {"city", "hometown", "region"} for d in said):
            continue
        content = f"User grew up in {place}" if hometown else f"User is based in {place}"
        said = [*said, Draft(content, Category.FACT, HOME, key, lowered, _CONFIDENCE)]
        keys.add(key)
    return said

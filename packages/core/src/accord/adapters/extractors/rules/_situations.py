"""Where the user stands in life, said in a few common shapes the specific rules do not read:

- an age bracket: "I'm in my thirties", "in my early 20s" (the ``age`` slot, like "I'm 34");
- being in an institution: "I'm in college", "I am currently in the third grade", "I'm in the
  army" (the ``school`` or ``military`` slot), with what it is for kept ("in college to become a
  nurse");
- fears: "I'm deathly afraid of heights", "I have a fear of flying" (a lasting dislike, keyed by
  what is feared).

A fear of something passing ("scared of the interview tomorrow", "afraid of that") is a mood, not
a fact, and gives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules._base import ADV, LIKELY, Clause, Draft, Rule, compile_rule, stated
from accord.adapters.extractors.rules._phrasing import normalise_value, object_words

__all__ = ["SITUATION_RULES"]

_DECADES = (
    "teens twenties thirties forties fifties sixties seventies eighties nineties "
    "20s 30s 40s 50s 60s 70s 80s 90s 20's 30's 40's 50's 60's 70's 80's 90's"
).split()
_AGE_BRACKET = compile_rule(
    rf"^I am {ADV}(?:now |still )?in my (?P<part>early |mid |mid-|late )?(?P<decade>{'|'.join(_DECADES)})(?: now)?$"
)

# The institutions a person is "in" for years, by the slot each fills.
_SCHOOLS = (
    r"(?:high|middle|elementary|primary|secondary|grade|grad|graduate|med|medical|law|nursing|dental|vet|"
    r"veterinary|art|film|drama|culinary|cooking|business|boarding|summer|night|trade|flight|beauty|language|"
    r"divinity|pharmacy) school|school|college|community college|university|uni|grad school|kindergarten|"
    r"preschool|junior high|sixth form|the (?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth|tenth|eleventh|twelfth) grade|(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|eleventh|twelfth) grade|year (?:\d{1,2}|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|thirteen)"
)
_MILITARY = (
    r"the (?:army|navy|air force|marines|marine corps|coast guard|national guard|military|reserves?|"
    r"territorial army|space force|peace corps|raf|royal navy|foreign legion)"
)
_IN_INSTITUTION = compile_rule(
    rf"^I am {ADV}(?:now |still |currently )?(?:in|at) (?:(?P<school>{_SCHOOLS})|(?P<military>{_MILITARY}))"
    r"(?P<purpose> (?:to (?:become|be|study|get|learn)|for|studying|majoring in) .{1,50})?(?: now| right now| still)?$"
)

_FEAR_ADV = r"(?:(?:deathly|really|very|so|terribly|absolutely|super|genuinely|seriously|irrationally|always been) )?"
_FEAR = compile_rule(
    rf"^I am {ADV}{_FEAR_ADV}(?:afraid|scared|terrified|frightened|petrified) of (?P<x>.+)$"
    rf"|^I {ADV}have (?:an? |this )?(?:(?:huge|big|real|irrational|serious|deep|crippling|lifelong) )?"
    r"(?:fear|phobia|terror) of (?P<y>.+)$"
)
# What someone fears for a moment, not for good.
_PASSING = re.compile(
    r"\b(?:tomorrow|tonight|today|this (?:week|weekend|morning|afternoon|evening|time)|next|later|soon|"
    r"the (?:test|exam|interview|meeting|results|call|appointment|surgery|operation|presentation)|"
    r"what (?:happens|will)|that|it|this|missing|losing (?:my|the) (?:job|flight))\b",
    re.I,
)


def _age_bracket(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    part = (m["part"] or "").strip().rstrip("-")
    decade = m["decade"].lower().replace("'", "")
    value = f"{part} {decade}".strip()
    return (Draft(f"User is in their {value}", Category.FACT, 0.6, "age", value, LIKELY),)


def _in_institution(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    if re.search(r"\bat (?:school|the \w+ grade)\b", clause.text, re.I):
        return ()  # "I'm at school right now": where the user is today
    key = "school" if m["school"] else "military"
    value = normalise_value(m["school"] or m["military"]).removeprefix("the ")
    return (stated(clause, Category.FACT, 0.65, key=key, value=value),)


def _fear(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    feared = m["x"] or m["y"]
    words = object_words(feared, 4)
    if words is None or _PASSING.search(feared):
        return ()
    value = normalise_value(" ".join(words))
    return (stated(clause, Category.PREFERENCE, 0.6, key=f"fear:{value}", value="afraid"),)


SITUATION_RULES: tuple[Rule, ...] = (
    Rule("age_bracket", _AGE_BRACKET, _age_bracket),
    Rule("institution", _IN_INSTITUTION, _in_institution),
    Rule("fear", _FEAR, _fear),
)

"""Rules for the user's health and diet: allergies, intolerances, conditions and diets."""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import (
    ADV,
    HEALTH,
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
from accord.adapters.extractors.rules._phrasing import object_words, without_aside

FACT = Category.FACT

_SEVERITY = r"(?:(?:severely|very|mildly|deathly|highly|seriously|slightly|extremely|life-threateningly) )?"
_ALLERGY_ADJ = r"(?:(?:severe|mild|bad|serious|life-threatening|slight|deadly) )?"
_NOT_ALLERGIC = compile_rule(rf"^I am {ADV}(?:not|no longer) allergic to (?P<items>.+?){NEG_TAIL}$")
_ALLERGIC = compile_rule(rf"^I am {ADV}{_SEVERITY}allergic to (?P<items>.+)$")
_ALLERGY_TO = compile_rule(rf"^I have (?:an? )?{_ALLERGY_ADJ}allerg(?:y|ies) to (?P<items>.+)$")
_ALLERGY_NOUN = compile_rule(
    rf"^I have (?:an? )?{_ALLERGY_ADJ}(?P<items>[a-z][\w ,-]{{1,40}}?) allerg(?:y|ies)$"
)
_INTOLERANT = compile_rule(
    rf"^I am {ADV}(?:(?:very|severely|mildly|slightly) )?(?P<x>lactose|gluten|fructose|histamine|"
    rf"caffeine|dairy|wheat|soy|egg|alcohol) intolerant{TAIL}$"
    r"|^I have (?:an? )?(?:(?:severe|mild) )?(?P<y>lactose|gluten|fructose|histamine|dairy|wheat|soy) "
    r"intolerance$"
)
_CONDITION = compile_rule(
    rf"^I {ADV}(?:have|have had|was diagnosed with|have been diagnosed with|suffer from|live with|"
    rf"am living with) (?P<cond>{lex.alternation(lex.HEALTH_CONDITIONS)}){TAIL}$"
)
_CONDITION_ADJ = compile_rule(
    rf"^I am {ADV}(?:(?:partially|fully|legally|totally) )?"
    rf"(?P<adj>{lex.alternation(lex.HEALTH_ADJECTIVES)}){TAIL}$"
)
_DIET_WORD = lex.alternation(lex.DIETS)
_DIET_IS = compile_rule(
    rf"^I am {ADV}(?:an? )?(?:(?:strict|full[- ]time|committed|lifelong) )?(?P<diet>{_DIET_WORD}){TAIL}$"
)
_DIET_FOLLOW = compile_rule(
    rf"^I {ADV}(?:am on|follow|eat|do|stick to|keep) (?:an? |the )?(?:strict )?(?P<diet>keto|paleo|vegan|"
    rf"vegetarian|pescatarian|plant[- ]based|low[- ]carb|gluten[- ]free|kosher|halal|mediterranean|"
    rf"carnivore)(?: diet)?{TAIL}$"
)
_DIET_NOT = compile_rule(
    rf"^I (?:am {ADV}(?:not|no longer)(?: an?)?|(?:have )?(?:stopped|quit|gave up) being(?: an?)?) "
    rf"(?P<diet>{_DIET_WORD}){NEG_TAIL}$"
)
_EATS_MEAT = compile_rule(
    rf"^I {ADV}(?:eat|am eating|have started eating|started eating|have been eating|eat some) "
    rf"(?:some |a lot of |lots of )?(?P<food>{lex.alternation(lex.MEATS)})\b(?P<rest>(?: [\w-]+){{0,6}})$"
)
_AVOIDS_FOOD = compile_rule(
    rf"^I {ADV}(?:do not|don't|never|no longer|cannot|won't) eat (?:any )?(?P<food>meat|animal products|"
    rf"red meat|pork|beef|fish|seafood|dairy|eggs|gluten|shellfish|sugar){NEG_TAIL}$"
)


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


_NOT_ALLERGENS = frozenset("nothing none anything mondays monday work people life mornings exercise".split())


def _allergens(text: str) -> list[str]:
    items = []
    for part in re.split(r"\s*(?:,|\band\b|\bor\b|&|/)\s*", without_aside(text)):
        words = object_words(part, 3)
        if words and all(w.replace("-", "").isalpha() for w in words):
            items.append(" ".join(words))
    # "allergic to Mondays" is a joke, and "allergic to nothing" is no allergy: drop the whole claim.
    return [] if any(i.lower() in _NOT_ALLERGENS for i in items) else items


def _allergy_builder(template: str, *, negated: bool = False) -> Builder:
    def build(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
        drafts = []
        for item in _allergens(m["items"]):
            # "peanuts" and "a peanut allergy" are the same allergy.
            allergen = " ".join(_singular(w) for w in item.lower().split())
            content = template.format(item=item, article="an" if item[:1].lower() in "aeiou" else "a")
            drafts.append(Draft(content, FACT, HEALTH, f"allergy:{allergen}", allergen, negated=negated))
        return drafts

    return build


def _intolerance(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    what = (m["x"] or m["y"]).lower()
    return (stated(clause, FACT, HEALTH, key=f"intolerance:{what}", value=what),)


def _condition_builder(group: str, table: dict[str, str]) -> Builder:
    def build(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
        condition = table[" ".join(m[group].lower().split())]
        return (stated(clause, FACT, HEALTH, key=f"health:{condition}", value=condition),)

    return build


def _canonical_diet(word: str) -> str:
    word = " ".join(word.lower().split())
    return {"pescetarian": "pescatarian"}.get(word, word.replace(" ", "-"))


def _diet(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    return (stated(clause, FACT, HEALTH, key="diet", value=_canonical_diet(m["diet"])),)


def _not_diet(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    # Only the old value is denied; what the user eats now is unknown.
    return (stated(clause, FACT, HEALTH, key="diet", value=_canonical_diet(m["diet"]), negated=True),)


def _eats_meat(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    return (stated(clause, FACT, HEALTH, key="diet", value="omnivore", confidence=LIKELY),)


def _avoids_food(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    food = m["food"].lower()
    diet = {"meat": "vegetarian", "animal products": "vegan"}.get(food)
    if diet:
        return (stated(clause, FACT, HEALTH, key="diet", value=diet, confidence=LIKELY),)
    return (stated(clause, FACT, ROLE),)


HEALTH_RULES: tuple[Rule, ...] = (
    Rule("not_allergic", _NOT_ALLERGIC, _allergy_builder("User is not allergic to {item}", negated=True)),
    Rule("allergy", _ALLERGIC, _allergy_builder("User is allergic to {item}")),
    Rule("allergy", _ALLERGY_TO, _allergy_builder("User is allergic to {item}")),
    Rule("allergy", _ALLERGY_NOUN, _allergy_builder("User has {article} {item} allergy")),
    Rule("intolerance", _INTOLERANT, _intolerance),
    Rule("condition", _CONDITION, _condition_builder("cond", lex.HEALTH_CONDITIONS)),
    Rule("condition", _CONDITION_ADJ, _condition_builder("adj", lex.HEALTH_ADJECTIVES)),
    Rule("diet_not", _DIET_NOT, _not_diet),
    Rule("diet", _DIET_IS, _diet),
    Rule("diet", _DIET_FOLLOW, _diet),
    Rule("diet_avoids", _AVOIDS_FOOD, _avoids_food),
    Rule("diet_meat", _EATS_MEAT, _eats_meat),
)

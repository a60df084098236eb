"""Tastes said in idioms rather than with "like": "nothing beats a good ramen", "team Android all
the way", "horror movies aren't for me", "country music is overrated", "I'm a sucker for rom-coms".

Each frame is a fixed phrase around one slot, the thing. A frame says whether the user is for the
thing or against it; the thing goes under the same key as "I love X" / "I hate X"
(``likes:<thing>``, value ``like`` or ``dislike``), so a later "I love X now" supersedes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules._base import PREFERENCE, Clause, Draft, Rule, compile_rule
from accord.adapters.extractors.rules._phrasing import normalise_value

__all__ = ["FRAME_RULES", "OPINION"]

_THING = r"(?P<thing>[\w][\w .&'+/-]{1,48}?)"
_INTENSE = r"(?:really |just |totally |so |truly |honestly |absolutely |definitely |basically |a )?"
_FOR = (
    # slot after the frame
    rf"^(?:nothing|nothing really|you can't|you cannot|you can not|can't|cannot|can not) "
    rf"(?:beats?|beat|compares? to|tops?) (?:a good |a great |an? |the |some )?{_THING}$",
    rf"^team {_THING}(?: all the way| forever| for life| always| till I die| 100%)?$",
    rf"^I {_INTENSE}live for {_THING}$",
    rf"^I could (?:eat|watch|listen to|drink|play|read|do) {_THING} (?:every day|everyday|all day|forever|for days|"
    rf"every single day|nonstop|every night|on repeat)$",
    rf"^(?:I )?can(?:'t|not| not) get enough of {_THING}$",
    rf"^I am {_INTENSE}(?:an? )?(?:total |huge |big |real |complete )?(?:sucker|softie) for {_THING}$",
    rf"^I am {_INTENSE}(?:really |very )?(?:big on|hooked on|addicted to|nuts about|mad about|keen on|fond of) {_THING}$",
    rf"^I am (?:an? )?(?:huge |big |total |real |massive )?{_THING} (?:person|drinker|lover|fan|addict|junkie|nerd|"
    rf"geek|buff|enthusiast|aficionado|snob|fiend|head)$",
    # slot before the frame
    rf"^{_THING} (?:is|are) (?:literally |honestly |basically |simply )?(?:life|everything|the best|the greatest|"
    rf"my everything|elite|goated|the goat|unbeatable|the one for me)$",
    rf"^{_THING} (?:always |really |just )?(?:makes|make) me (?:so |really |very |genuinely )?happy$",
    rf"^{_THING} (?:is|are) (?:a |one of my )(?:favou?rites?|faves?) of mine$",
    rf"^my (?:guilty pleasure|comfort food|comfort show|happy place|weakness) (?:is|are) {_THING}$",
    rf"^I find {_THING} (?:so |really |very |super |incredibly )?(?:relaxing|calming|soothing|fun|fascinating|beautiful|"
    rf"delicious|satisfying|addictive|therapeutic)$",
)
_AGAINST = (
    rf"^{_THING} (?:(?:is|are)(?: just)? (?:not|never|definitely not|really not|just not|so not)|(?:isn't|aren't|ain't)(?: really| just)?) "
    rf"(?:for me|my thing|my cup of tea|my scene|my style|my jam|my vibe|my kind of thing|my favou?rite)$",
    rf"^{_THING} (?:does|do) (?:absolutely |literally )?nothing for me$",
    rf"^(?:I am )?(?:really |just )?not (?:big on|into|a fan of|a big fan of|a huge fan of|really into|crazy about|keen on|"
    rf"fond of|much of an? \w+ (?:person|fan)) {_THING}$",
    rf"^(?:I )?(?:have )?never been (?:a|much of a|a big|a huge) fan of {_THING}$",
    rf"^{_THING} (?:is|are) (?:so |totally |way |massively |seriously |wildly |hugely |completely )?overrated$",
    rf"^{_THING} (?:tastes?|smells?) like (?:soap|dirt|garbage|feet|nothing|cardboard|medicine)(?: to me)?$",
    rf"^{_THING} (?:is|are) (?:way |far |much |just )?too (?:bitter|sweet|spicy|salty|sour|loud|slow|boring|greasy|rich|"
    rf"heavy|much|strong) for me$",
    rf"^(?:hard pass|pass|no thanks|no thank you|big no|nope) on {_THING}$",
    rf"^I am (?:really |just |honestly )?not (?:really |much of |exactly )?(?:an? )?(?:big |huge )?{_THING} (?:person|fan|drinker|lover|eater)$",
    rf"^{_THING} (?:really |totally |kind of |kinda )?(?:freaks?|creeps?|grosses?|stresses?|weirds?) me out$",
    rf"^I find {_THING} (?:so |really |very |super |incredibly |kind of |kinda )?(?:exhausting|boring|annoying|stressful|"
    rf"draining|overwhelming|gross|disgusting|tedious|unbearable|pointless)$",
)
# The frames that need no "I": an opinion said of the thing ("Country music is overrated").
OPINION = re.compile(
    r"^(?:nothing|you can't|you cannot|can't|cannot)\s+(?:beats?|compares?|tops?)\b|^team \w"
    r"|\s(?:is|are)\s+(?:literally |honestly |basically |simply )?(?:life|everything|elite|goated|the goat|unbeatable)$"
    r"|\soverrated$|\snothing for me$|\s(?:tastes?|smells?) like (?:soap|dirt|garbage|feet|nothing|cardboard|medicine)$"
    r"|\smakes? me (?:so |really |very |genuinely )?happy$|\s(?:freaks?|creeps?|grosses?|stresses?|weirds?) me out$"
    r"|^\w[\w .&'+/-]{1,40} over [\w .&'+/-]{1,40}(?:,? for me|,? any day|,? every time|,? always)$",
    re.I,
)
_NOT_THINGS = frozenset(
    "it this that which what everything nothing something anything there here me you them him her one".split()
)
_PREFER = compile_rule(
    rf"^(?:give me |I would (?:pick|choose|take|go for) |I'?d (?:pick|choose|take|go for) |I (?:pick|choose) )?{_THING} over "
    rf"(?P<other>[\w][\w .&'+/-]{{1,40}}?),?(?: any day| every time| anytime| always| for me| all day)+$"
    rf"|^give me {_THING.replace('thing', 'thing1')} over (?P<other1>[\w][\w .&'+/-]{{1,40}}?)$"
)


def _numbered(patterns: Sequence[str]) -> re.Pattern[str]:
    """One pattern of alternatives, each with its own named slot (``thing0``, ``thing1``, ...)."""
    return compile_rule("|".join(f"(?:{p.replace('(?P<thing>', f'(?P<thing{i}>')})" for i, p in enumerate(patterns)))


_FOR_PATTERN = _numbered(_FOR)
_AGAINST_PATTERN = _numbered(_AGAINST)


# "a morning person" is about the hours someone keeps, not a taste for mornings.
_CHRONOTYPES = frozenset("morning night evening early late day".split())


_WHEN = re.compile(
    r"\s+(?:on (?:a |the )?\w+days?|on weekends|at the weekend|in the (?:morning|evening|summer|winter)|after work|"
    r"at night|every \w+)$",
    re.I,
)
_OCCASION = re.compile(r"\s+(?:after|before|during|while|when) (?:a |an |the |my |work|school|\w+ing\b).*$", re.I)
_CLAUSE_WORDS = re.compile(
    r"\b(?:says?|said|thinks?|thought|told|tells|believes?|claims?|feels?|reckons?|knows?|is|are|was|were|"
    r"you|he|she|they|we|if|when|because)\b",
    re.I,
)


def _slot(m: re.Match[str]) -> str | None:
    thing = next((v for k, v in m.groupdict().items() if k.startswith("thing") and v), None)
    if thing is None:
        return None
    thing = re.sub(r"^(?:my|our|the|a|an|some|good|great)\s+", "", thing.strip(" ,"), flags=re.I)
    thing = _WHEN.sub("", thing)  # "a cold IPA on a Friday": the time is no part of the thing
    thing = _OCCASION.sub("", thing)  # "a cold beer after a long hike": nor the occasion
    if thing.lower().startswith(("not ", "never ", "no ")):
        return None  # "I'm not really a cat person" is against cats, never for "not really a cat"
    if not thing or thing.lower() in _NOT_THINGS or thing.lower() in _CHRONOTYPES or len(thing.split()) > 5:
        return None
    if _CLAUSE_WORDS.search(thing):
        return None  # "my sister says country music": someone else's opinion, or a whole clause
    return thing


def _draft(thing: str, liked: bool) -> Draft:
    content = f"User loves {thing}" if liked else f"User dislikes {thing}"
    return Draft(content, Category.PREFERENCE, PREFERENCE, f"likes:{normalise_value(thing)}", "like" if liked else "dislike")


def _for(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    thing = _slot(m)
    return () if thing is None else (_draft(thing, liked=True),)


def _against(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    thing = _slot(m)
    return () if thing is None else (_draft(thing, liked=False),)


def _prefer(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    thing, other = _slot(m), (m["other"] or m["other1"] or "").strip()
    if thing is None or other.lower() in _NOT_THINGS:
        return ()
    content = f"User prefers {thing} over {other}"
    return (Draft(content, Category.PREFERENCE, PREFERENCE, f"likes:{normalise_value(thing)}", "like"),)


FRAME_RULES: tuple[Rule, ...] = (
    Rule("taste_frame", _FOR_PATTERN, _for),
    Rule("distaste_frame", _AGAINST_PATTERN, _against),
    Rule("prefer_over", _PREFER, _prefer),
)

"""Tastes told with the thing first: "Bouldering is my thing", "horror is my genre now", "it's
Fontaines D.C. for me these days", "bullets are my love language" (the last is about replies and
left to the request reader)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules._base import Clause, Draft, Rule, compile_rule
from accord.adapters.extractors.rules._phrasing import normalise_value

__all__ = ["TASTE_RULES"]

# "SQL is not my strong suit", "Statistics is my forte": how well, told thing-first.
_THING_IS_MY_LEVEL = compile_rule(
    r"^(?P<thing>[\w][\w .&'+#-]{1,40}?) (?:is|are) (?P<neg>not |never )?(?:really |honestly |definitely )?my "
    r"(?P<noun>strong suit|strong point|forte|speciality|specialty|weak spot|weak point|weakness|achilles heel)(?:,.*)?$"
)

_TASTE_NOUNS = (
    r"thing|jam|genre|vibe|go-to|go to|favorite|favourite|fave|passion|obsession|weakness|guilty pleasure|"
    r"comfort (?:show|food|movie|book|game|show)|happy place|religion|whole personality|drink|sport|band|team"
)
_THING_IS_MINE = compile_rule(
    rf"^(?P<thing>[\w][\w .&'+-]{{1,40}}?) (?:is|are) (?:totally |really |definitely |honestly |basically )?"
    rf"my (?:(?:new|current|absolute|all-time|number one) )?(?P<noun>{_TASTE_NOUNS})(?: now| these days| lately)?(?:,.*)?$"
)
# "it's X for me" says a taste only with a time that sets it against an earlier one.
_FOR_ME = compile_rule(
    r"^(?:.*?(?:,|\bbut|\band)\s+)?(?:it is|it's) (?P<thing>[\w][\w .&'+-]{1,40}?) for me (?:now|these days|lately)\b.*$"
)
_NOT_THINGS = frozenset("it this that which what everything nothing something anything".split())
_OPTION = re.compile(
    r"^(?:this|that|these|those|the (?:first|second|third|last|latter|former|other|next|previous|top|bottom))\b"
    r"|\b(?:one|option|version|choice|suggestion|answer|draft)s?$",
    re.I,
)
_ABOUT_REPLIES = re.compile(r"\b(?:bullets?|answers?|replies|emojis?|tables?|lists?)\b", re.I)


def _taste(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    thing = m["thing"].strip()
    if m.re is _FOR_ME and clause.cased and not thing[:1].isupper():
        return ()  # "it's cold for me now" is the weather; "it's Fontaines D.C. for me" a band
    if thing.lower() in _NOT_THINGS or _ABOUT_REPLIES.search(thing) or thing.lower().startswith(("my ", "our ")):
        return ()
    if _OPTION.match(thing):
        return ()  # "this one is my favorite", "the second option is my fave": a choice on screen
    noun = (m.groupdict().get("noun") or "thing").lower()
    value = normalise_value(thing)
    content = f"User's {noun} is {thing}" if noun not in {"thing", "jam", "vibe"} else f"User loves {thing} (their {noun})"
    return (Draft(content, Category.PREFERENCE, 0.6, f"likes:{value}", "like"),)


def _level(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    thing = m["thing"].strip()
    if thing.lower() in _NOT_THINGS or thing.lower().startswith(("my ", "our ")):
        return ()
    weak = m["noun"].lower().startswith(("weak", "achilles")) != bool(m["neg"])
    content = f"User is {'not strong' if weak else 'strong'} at {thing}"
    return (Draft(content, Category.EXPERTISE, 0.6, f"expertise:{normalise_value(thing)}", "weak" if weak else "strong"),)


TASTE_RULES: tuple[Rule, ...] = (
    Rule("skill_level", _THING_IS_MY_LEVEL, _level),
    Rule("taste", _THING_IS_MINE, _taste),
    Rule("taste", _FOR_ME, _taste),
)

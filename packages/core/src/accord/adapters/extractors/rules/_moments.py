"""Sentences about this moment: what they state is a passing state, not who the user is.

"I'm on the train right now so I might drop off", "I'm using my work laptop for now", "I'm in a
meeting in 5 mins": a marker of the present moment anywhere in the sentence makes its states and
habits passing, whichever clause carries the marker. What *happened* stays ("I got engaged
today!"), and so do the people named, standing requests and a change that starts now ("as of
today I'm vegan"). Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules._base import Draft

__all__ = ["drop_passing", "is_moment"]

# "right now", "rn", "atm" also mean "currently" of a standing fact ("living in atl rn"): they make
# only the states no attribute claims passing. The others bound the sentence to this moment.
_SOFT_MOMENT = re.compile(r"\b(?:right now|rn|atm|at the moment|currently)\b", re.I)
_MOMENT = re.compile(
    r"\b(?:for now|for the moment|for the time being|today|tonight|tonite|2nite|omw|brb|"
    r"this wk|in an? (?:hour|minute|min|sec|second)|(?:til+|until) \d{1,2}(?![\d/-])(?::\d\d)?(?:\s?[ap]m)?|"
    r"this (?:morning|afternoon|evening|week|weekend)|in (?:\d+|a few|a couple of|five|ten|twenty) ?"
    r"(?:mins?|minutes?|hours?|hrs?|secs?)|for the (?:weekend|day|night|week)|"
    r"until (?:tomorrow|tonight|(?:mon|tues|wednes|thurs|fri|satur|sun)day|next week|the weekend))\b",
    re.I,
)
# A change that begins at the moment is no passing state.
_STARTS_NOW = re.compile(
    r"\b(?:as of|from|starting|since|beginning|effective)\s+(?:today|now|tonight|this (?:week|weekend|morning))\b", re.I
)
# What happened: a past-tense event the rules already judged lasting ("User got engaged").
_EVENT = re.compile(
    r"^User(?: and others)? (?:just |finally |officially )?(?:\w+ed|got|went|bought|made|took|began|became|left|quit|"
    r"joined|sold|won|lost|passed|finished|hit|gave|met|wrote|built|ran|swam|broke)\b",
    re.I,
)
_KEPT = frozenset({Category.RELATIONSHIP, Category.PROCEDURE})
# The people named stay ("User has a niece", "User's sister is Maya"); what the user does with them
# at this moment does not ("User is working from their parents' place").
_NAMES_SOMEONE = re.compile(
    r"^User has (?:a|an|two|three|four|\d+) [\w-]+(?: [\w-]+)?(?: named [A-Z][\w'-]+)?$"
    r"|^User's [\w-]+(?: [\w-]+)? (?:is|are) (?:named |called )?[A-Z][\w'-]+(?: [A-Z][\w'-]+)?$"
    r"|^User and [A-Z][\w'-]+ are no longer together$"
)
# Ailments and shortages that pass on their own, whenever they are said: "got a cold", "out of milk".
_PASSING = re.compile(
    r"^User (?:has|had|got|is getting|is fighting|is recovering from) (?:a |the |this |some )?(?:bad |nasty |awful |mild )?"
    r"(?:cold|flu|headache|migraine|hangover|fever|cough|sore throat|stomach bug|bug|jet ?lag|sunburn|toothache|"
    r"stiff neck)\b"
    r"|^User is out of (?:coffee|milk|bread|eggs|time|battery|data|gas|petrol|snacks|ideas|patience|toilet paper|cash)\b"
    # a pause or a stay away: "on their lunch break", "on vacation in Bali", "staying at a hotel"
    r"|^User is (?:on (?:their |a )?(?:lunch |coffee |short )?break|on (?:vacation|holiday|a trip|a business trip)|"
    r"staying (?:at|in) (?:a |the )?(?:hotel|hostel|motel|airbnb|b&b))\b",
    re.I,
)


def drop_passing(sentence: str, drafts: Sequence[Draft]) -> list[Draft]:
    """``drafts`` without the passing states of a sentence about this moment."""
    drafts = [d for d in drafts if not _PASSING.match(d.content)]
    if _STARTS_NOW.search(sentence) or not (hard := bool(_MOMENT.search(sentence))) and not _SOFT_MOMENT.search(sentence):
        return drafts
    # A taste "right now" is a current taste ("lowkey obsessed w matcha rn"), not a passing state.
    return [
        d
        for d in drafts
        if (d.category in _KEPT and (d.category is Category.PROCEDURE or (d.key or "").startswith("relationship:")
                                     or _NAMES_SOMEONE.match(d.content)))
        or d.key == "name"
        or (d.key or "").startswith("likes:")
        or _EVENT.match(d.content)
        or (not hard and d.key is not None and ":" not in d.key)  # a vocabulary attribute, "currently"
    ]


def is_moment(sentence: str) -> bool:
    """Whether a sentence is about this moment (and says no change that starts now)."""
    return bool(_MOMENT.search(sentence) or _SOFT_MOMENT.search(sentence)) and not _STARTS_NOW.search(sentence)

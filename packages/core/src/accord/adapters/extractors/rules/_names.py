"""Names and pronouns wherever they stand in a sentence, questions included.

The clause rules read "Call me Liz" and "My name is Ana" when the clause is only that. People
rename themselves inside longer sentences and requests: "can you call me Maggie from now on?",
"Please call me Beth instead of Liz", "I'm Tom, 34, from Glasgow", "Small update: I use they/them
pronouns these days". A name is a capitalised word that is no demonym, diet, job or filler word
(``NOT_A_NAME``); a request to be called something is a statement about the user even when it is
asked as a question, so this reader runs on every sentence.
"""

from __future__ import annotations

import re

from accord.domain.models import Category
from accord.adapters.extractors.rules import _vocab as vocab
from accord.adapters.extractors.rules._base import IDENTITY, LIKELY, Draft
from accord.adapters.extractors.rules._facts import NOT_A_NAME

__all__ = ["names_in"]

_NAME = r"(?P<name>[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)?)"
_CALL_ME = re.compile(rf"(?<![Dd]on't )(?<!never )(?<!not )\b(?:call me|go by|going by|be called) {_NAME}\b(?! (?:a|an|the)\b)")
# "I'm Tom, 34, from Glasgow" / "Hi, I'm Emma, ..." / "I'm Jon Smith": an introduction opens the
# sentence and the name is followed by a comma or ends it; one word alone needs that context.
_INTRO = re.compile(rf"^(?:(?i:hi|hello|hey|hiya|so|okay|ok)[,!]?\s+)?I(?:'m| am) {_NAME}(?P<after>,|$)")
_PRONOUNS = re.compile(
    r"\b(?P<p>(?:she|he|they|xe|ze)/(?:her|him|them|hers|his|theirs|xem|zir|they|she|he))\b(?:/[a-z]+)?", re.I
)
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december tonight""".split()
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|my|me)\b")


def _plain_name(name: str) -> str | None:
    words = name.split()
    if any(w.lower() in NOT_A_NAME or w.lower() in vocab.RELIGIONS or w.lower() in _CALENDAR for w in words):
        return None
    if len(words) == 1 and re.search(r"(?:ian|ish|ese|ean|ic)$", words[0]):
        return None  # "I'm Canadian", "I'm Catholic": adjectives, not names
    return name


def names_in(sentence: str, *, cased: bool) -> list[Draft]:
    """The name and pronouns a sentence gives for the user (at most one of each)."""
    found: list[Draft] = []
    if cased:
        if m := _CALL_ME.search(sentence):
            if name := _plain_name(m["name"]):
                found.append(Draft(f"User goes by {name}", Category.FACT, IDENTITY, "name", name.lower()))
        elif (m := _INTRO.match(sentence)) and (" " in m["name"] or m["after"] == "," or sentence.strip() == m.group(0)):
            if name := _plain_name(m["name"]):
                found.append(Draft(f"User's name is {name}", Category.FACT, IDENTITY, "name", name.lower(), LIKELY))
    if _FIRST_PERSON.search(sentence) and (p := _PRONOUNS.search(sentence)):
        pronouns = p["p"].lower()
        found.append(Draft(f"User uses {pronouns} pronouns", Category.FACT, IDENTITY, "pronouns", pronouns))
    return found

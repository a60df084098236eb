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

_NAME = r"(?P<name>[A-Z][a-z']+(?:-[A-Z]?[a-z']+)*(?: [A-Z][a-z']+(?:-[A-Z]?[a-z']+)*)?)"  # "Okafor-Lee"
_CALL_ME = re.compile(
    rf"(?<![Dd]on't )(?<!never )(?<!not )\b(?:call me|calls me|called me|call me by|go by|going by|be called|"
    rf"use|prefer to be called|changed my (?:first |last |middle |legal )?(?:name|surname) to) {_NAME}\b(?! (?:a|an|the)\b)"
)
# "I use Alex instead of Alexander" and "use Alex" need the "instead"; "use" alone names tools.
_INSTEAD = re.compile(rf"\b(?:use|call me|prefer) {_NAME} (?:instead of|not|rather than) [A-Z]")
# "My new name is Kate Alvarez", "my last name is Nguyen now", "New surname: Okafor".
_NAME_IS = re.compile(
    rf"(?:\b(?i:my|the) |^)(?i:(?:new|real|legal|full|first|last|middle|married|maiden|preferred) )*(?i:name|surname)"
    rf"(?:'s| is|:|,(?= [A-Z][a-z']+ [A-Z])) {_NAME}\b",
)
# "Please use Kit from now on, it's the name I chose", "so it's Priya Malhotra now" (after the
# wedding): a name said with no verb of naming counts when the sentence speaks of names.
_NAMING_TALK = re.compile(r"\b(?:name|names|surname|nickname|called|call me|married|wedding|deed poll|maiden)\b", re.I)
_NAMED_LOOSELY = re.compile(
    rf"\b(?:(?i:use|prefer|go with|stick with)|(?i:it's|it is)) {_NAME}(?=\s+(?i:now|from now on|instead|these days|please)\b|\s*[,.!]|$)"
)
# "It's Kate now", "I'm Dani now", "The name's Jess now", "Since the wedding I'm Mrs. Lee".
_NOW_CALLED = re.compile(
    rf"\b(?:(?i:I'm|I am|the name's))\s+(?P<title>(?:Mrs|Mr|Ms|Mx|Dr)\.?\s+)?{_NAME}"
    rf"(?=\s+(?i:now|these days|from now on|since|after)\b)"
)
# "It's Kate now, not Katherine": "it's" names the user only beside the name it replaces.
_ITS_NOT = re.compile(
    rf"\b(?i:it's|it is)\s+{_NAME}(?:\s+(?i:now|these days))?,?\s+(?i:not)\s+[A-Z][a-z]+"
    rf"|\b(?i:not)\s+[A-Z][a-z]+(?:\s+(?i:any ?more|any longer))?,\s+(?i:it's|it is)\s+(?P<name2>[A-Z][a-z'-]+)"
)
_TITLED = re.compile(rf"\bI(?:'m| am) (?P<title>(?:Mrs|Mr|Ms|Mx|Dr)\.?\s+){_NAME}")
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
        called = _INSTEAD.search(sentence) or _CALL_ME.search(sentence)
        if called is not None and called.group(0).split()[0].lower() == "use" and not _INSTEAD.search(sentence):
            called = None  # "I use Figma" is a tool
        said = called or _NAME_IS.search(sentence) or _NOW_CALLED.search(sentence) or _ITS_NOT.search(sentence) or _TITLED.search(sentence)
        if said is None and _NAMING_TALK.search(sentence):
            said = _NAMED_LOOSELY.search(sentence)
        if said is not None and (name := _plain_name(said.groupdict().get("name") or said["name2"])):
            title = (said.groupdict().get("title") or "").strip()
            name = f"{title} {name}" if title else name
            verb = "goes by" if said is called else "'s name is"
            content = f"User goes by {name}" if verb == "goes by" else f"User's name is {name}"
            found.append(Draft(content, Category.FACT, IDENTITY, "name", name.lower()))
        elif (m := _INTRO.match(sentence)) and (" " in m["name"] or m["after"] == "," or sentence.strip() == m.group(0)):
            if name := _plain_name(m["name"]):
                found.append(Draft(f"User's name is {name}", Category.FACT, IDENTITY, "name", name.lower(), LIKELY))
    if _FIRST_PERSON.search(sentence) and (p := _PRONOUNS.search(sentence)):
        pronouns = p["p"].lower()
        found.append(Draft(f"User uses {pronouns} pronouns", Category.FACT, IDENTITY, "pronouns", pronouns))
    return found

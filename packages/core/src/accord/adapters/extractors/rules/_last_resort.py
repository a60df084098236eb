"""The last resort: a first-person statement no reader understood is still remembered.

When a whole user turn yields nothing, each of its sentences that speaks of the user in the
first person, states something (no question, supposition, request, joke or passing moment) and
is short enough to be one statement becomes a low-confidence memory in the user's own words,
its category read from the words around its verb (:func:`_cues.category_of`). It carries no
attribute key, so it never supersedes anything; a later, better-understood statement merges into
it or stands beside it. Pure functions, no I/O.
"""

from __future__ import annotations

import re

from accord.domain.models import Category
from accord.adapters.extractors.rules import _vocab as vocab
from accord.adapters.extractors.rules._base import Draft
from accord.adapters.extractors.rules._cues import category_of
from accord.adapters.extractors.rules._moments import is_moment
from accord.adapters.extractors.rules._phrasing import third_person
from accord.adapters.extractors.rules._clause import analyse
from accord.adapters.extractors.rules._text import asks, expand_contractions, is_usable, opens_hypothetical, split_clauses

__all__ = ["last_resort"]

_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|my|me|mine|myself|im|ive)\b")
_SPEAKS_TO_MODEL = re.compile(
    r"^\W*(?:please|pls|can|could|would|will|help|tell|give|show|explain|write|make|let's|lets|thanks|thank|sorry|ok|okay|"
    r"hi|hey|hello|lol|haha)\b|\byou\b",
    re.I,
)
_LEAD = re.compile(r"^\W*(?:oh|so|and|also|btw|anyway|well|okay|ok|fun fact|for the record|just so you know)\b[\s,:!-]*", re.I)
# The statement opens on the user: "I ...", "my ...". Not "Iceland ... that's what I read".
_OPENS_ON_USER = re.compile(r"^(?:I|I'm|I am|I've|I have|my|im|ive)\b", re.I)
# What happened once or what was heard is no standing fact: "I've heard mixed things", "I went quiet".
_EPISODE = re.compile(
    r"^I (?:have |had )?(?:\w+ed|went|got|heard|saw|read|said|told|had|was|did|made|took|never|just|came|left|forgot|"
    r"guess|think|suppose|mean|wonder|bet|hope|wish|know|feel|will|would|should|could|might|may|can't|cannot|can)\b",
    re.I,
)
# Someone else's words, and a tone that may not mean what it says: not the user's own statement.
_REPORTED = re.compile(r"\b(?:said|says|told|tells|asked|asks|wrote|writes|texted|posted|tweeted|quoted|goes like)\b", re.I)
_TONE = re.compile(
    r"\b(?:lol|lmao|lmfao|rofl|haha\w*|jk|/s|yeah right|not|totally|obviously|of course|sure)\W*$|[\U0001F300-\U0001FAFF\u2600-\u27BF]",
    re.I,
)
_STATE = re.compile(r"^I am (?:so |really |super |a bit |a little |kinda |kind of |pretty |very |just )*(\S+)", re.I)
_MIN_WORDS, _MAX_WORDS = 4, 30
CONFIDENCE = 0.5
IMPORTANCE = 0.4


def _statement(sentence: str) -> str | None:
    text = _LEAD.sub("", sentence.strip()).strip(" ,.;:!")
    words = text.split()
    if not (_MIN_WORDS <= len(words) <= _MAX_WORDS) or not _FIRST_PERSON.search(text):
        return None
    if _SPEAKS_TO_MODEL.search(text) or asks(text) or opens_hypothetical(text) or is_moment(text):
        return None
    if _REPORTED.search(text) or _TONE.search(sentence):
        return None
    expanded = expand_contractions(text)
    clauses = split_clauses(expanded)
    if len(clauses) == 1 and analyse(clauses[0]) is not None:
        return None  # one clause the clause reader understood: the rules' refusal stands
    if not _OPENS_ON_USER.match(expanded) or _EPISODE.match(expanded):
        return None
    if (state := _STATE.match(expanded)) and (state[1].lower() in vocab.MOMENTARY or state[1].lower() in {"in", "at", "on"}):
        return None  # "I'm so nervous about ...", "I'm in the dentist's waiting room"
    return expanded if is_usable(expanded) else None


def last_resort(sentences: list[tuple[str, bool]]) -> list[Draft]:
    """Memories for the first-person statements of a turn that gave nothing else."""
    out = []
    for sentence, is_question in sentences:
        if is_question or (text := _statement(sentence)) is None:
            continue
        content = third_person(text[:1].upper() + text[1:] if text[:1] != "i" else "I" + text[1:])
        out.append(Draft(content, category_of(text, Category.FACT), IMPORTANCE, None, None, CONFIDENCE))
    return out

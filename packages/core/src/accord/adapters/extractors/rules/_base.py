"""Shared building blocks of the extraction rules: clause context, drafts, rules, regex pieces."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from accord.domain.models import Category, Scope
from accord.adapters.extractors.rules._phrasing import third_person

# Importance at extraction time: who the user is outranks what they happen to like.
IDENTITY = 0.9
HEALTH = 0.9
WORK = 0.85
GOAL = 0.8
GOAL_WITH_DEADLINE = 0.85
HOME = 0.8
ROLE = 0.75
PREFERENCE = 0.6
SKILL = 0.6
PROCEDURE = 0.6
DETAIL = 0.5
MINOR = 0.45

CONFIDENT = 0.9
LIKELY = 0.8
HEDGED_FACTOR = 0.6


@dataclass(frozen=True, slots=True)
class Clause:
    """One cleaned clause of a user turn, ready for pattern matching.

    Attributes:
        text: First-person text with contractions spelled out and fillers removed.
        cased: Whether the writer capitalises names, so lowercase words are not names.
        greeting: Whether a greeting came just before ("Hi! I'm Dana" is an introduction).
        hedged: Whether the writer sounded unsure ("I think", "probably").
        standing: Whether it carried a standing marker such as "from now on".
    """

    text: str
    cased: bool = True
    greeting: bool = False
    hedged: bool = False
    standing: bool = False


@dataclass(frozen=True, slots=True)
class Draft:
    """A memory a rule proposes, before it is tied to a message and turned into a model.

    ``scope`` is ``Scope.TENANT`` for shared organisational facts; ``valid_from``/``valid_to``
    bound a fact that held only in the past ("I lived in Paris from 2015 to 2018").
    """

    content: str
    category: Category
    importance: float
    key: str | None = None
    value: str | None = None
    confidence: float = CONFIDENT
    negated: bool = False
    scope: Scope = Scope.USER
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None
    # "I used to live in Paris": held until the turn was said; the extractor dates it from the
    # message, and drops it when the message has no date (an undated past value would read as current).
    ended: bool = False
    # "Upgraded to a PS5": a new value whose old one is not named; resolution replaces the stored
    # value of the same kind ("User games on a PS4").
    replaces_kind: bool = False


Builder = Callable[[re.Match[str], Clause], Sequence[Draft]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern anchored at the start of a clause and the builder that reads its match.

    A builder may return no drafts when the match turns out not to fit (say the "employer" is a
    pronoun); the next rule then gets its turn.
    """

    name: str
    pattern: re.Pattern[str]
    build: Builder


def compile_rule(pattern: str) -> re.Pattern[str]:
    """Compile a clause pattern: case-insensitive, whole clause."""
    return re.compile(pattern, re.IGNORECASE)


def stated(
    clause: Clause,
    category: Category,
    importance: float,
    *,
    key: str | None = None,
    value: str | None = None,
    confidence: float = CONFIDENT,
    negated: bool = False,
) -> Draft:
    """A draft whose content is the clause itself in the third person ("User lives in Berlin")."""
    return Draft(third_person(clause.text), category, importance, key, value, confidence, negated)


# Adverbs a speaker may put between "I" and the verb ("I now prefer", "I really love").
ADV = (
    r"(?:(?:really|also|now|still|just|actually|currently|recently|definitely|absolutely|generally|"
    r"mostly|honestly|truly|totally|strongly|much|finally|officially|already|personally|very|so|"
    r"even|originally|happily|newly)\s+)*"
)
# Time words a statement may end with without changing what it says.
TAIL = (
    r"(?:,?\s+(?:now|again|too|as well|these days|nowadays|currently|at the moment|right now|for now|"
    r"any ?more|lately|today|already|officially|full[- ]time|part[- ]time|since \w+|for \w+ \w+))*"
)
# When an event happened says nothing against it: "got engaged last weekend", "laid off in June".
EVENT_TIME = (
    r"(?:,?\s+(?:last \w+|this \w+|in (?:the )?\w+(?: \d{4})?|on \w+|yesterday|today|over the \w+|"
    r"(?:a|\w+) (?:few )?(?:days?|weeks?|months?|years?) ago))*"
)
NEG_TAIL = r"(?:,?\s+(?:any ?more|now|any longer|these days|for good|since \w+))*"

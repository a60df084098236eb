"""What "I am ..." says when no attribute row claims it: a kind of person, a taste, a skill level,
or only a passing evaluation.

- "I'm a big Joni Mitchell person", "a coffee snob", "a total spreadsheet nerd": the noun is a
  taste (``likes:<what>``, preference);
- "I'm a self-taught woodworker", "an intermediate Spanish speaker": a level word makes it a
  skill (``expertise:<what>``);
- "I'm so proud of him", "I'm accountable", "I'm completely hooked": a bare adjective describes
  the moment or the speaker's mood, not a durable fact, and is refused. A number ("I'm 42",
  "about 5'6") and a noun phrase with an article ("a night owl", "a Libra") stay facts.
"""

from __future__ import annotations

import re

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules import _vocab as vocab
from accord.adapters.extractors.rules._clause import ADVERBS, Analysis

__all__ = ["TRAITS", "complement_key", "is_passing_evaluation"]

# Words that grade, not name: "so proud", "a big reader", "a total nerd".
_INTENSITY = frozenset(
    """so very really super completely totally just still absolutely pretty kinda kind sort sorta quite
    such big huge massive total real true complete proper absolute die-hard lifelong major serious
    little bit""".split()
)
# Heads that name a taste: "a Joni Mitchell person", "a coffee snob", "a sci-fi reader".
_TASTE_HEADS = frozenset(
    """fan lover enthusiast addict buff junkie nut fanatic snob person nerd geek girlie foodie
    reader watcher listener head freak""".split()
)
_TIME_OF_DAY = frozenset("morning night evening early late day afternoon".split())
_LEVELS = frozenset(
    """beginner novice newbie intermediate advanced expert self-taught fluent proficient competent
    seasoned experienced""".split()
)
# Agent nouns of a skill: "a Spanish speaker" is about Spanish.
_AGENT = frozenset("speaker user learner player programmer developer coder".split())
_ARTICLE = frozenset("a an the one".split())
_NOT_EVALUATIONS = frozenset("called named from in at on into with allergic born based ex former retired".split())
_PREPOSITIONS = frozenset("of about with to for at in on by".split())
_PRONOUN_OBJECTS = frozenset("him her them it you me us this that everyone everything".split())
_KNOWN = vocab.DIET_WORDS | vocab.CONDITION_ADJECTIVES | vocab.RELIGIONS | frozenset(
    "married single divorced widowed engaged separated pregnant".split()
)
# Adjectives that describe who someone is, not how they feel right now (data, not rules).
TRAITS = frozenset(
    """shy tall short overweight underweight skinny thin slim petite muscular strong fit athletic sporty lazy
    introverted extroverted outgoing creative organized organised messy tidy punctual religious spiritual
    competitive ambitious loud quiet stubborn patient impatient clumsy adventurous curious introvert
    extrovert vegan bald blonde brunette redheaded freckled left-handed right-handed ambidextrous
    colorblind nearsighted farsighted wealthy rich poor broke frugal unemployed employed homeless
    disabled deaf blind autistic dyslexic allergic overweight obese healthy active sedentary old young
    elderly middle-aged""".split()
)
_NUMBER = re.compile(r"^(?:about |around |almost |nearly )?\d")


def is_passing_evaluation(a: Analysis) -> bool:
    """ "I'm so proud of him", "I'm accountable": a bare adjective after the copula.

    Kept: a trait ("I'm shy", "I'm very tall"), a word the vocabulary knows ("married", "vegan"),
    an age ("I'm four"), a noun phrase ("wealthy bankers", "ex military"), an -ing predicate
    ("always wearing a hat") and an attitude towards a thing ("terrified of clowns"); only an
    adjective alone or aimed at a pronoun ("proud of him", "awful at it") is refused.
    """
    if a.predicate != "be" or not a.obj:
        return False
    words = [w for w in a.obj.split() if w.lower() not in _INTENSITY and w.lower() not in ADVERBS]
    if not words:
        return True  # "I'm very"
    first = words[0].lower().strip(",.")
    if _NUMBER.match(" ".join(words)) or first in lex.NUMBER_WORDS or first in _NOT_EVALUATIONS:
        return False
    if first in _ARTICLE or words[0][:1].isupper() or first.endswith("ing") or first in _KNOWN:
        return False
    rest = [w.lower() for w in words[1:]]
    if not rest:
        return first not in TRAITS
    if rest[0] in _PREPOSITIONS:  # an adjective aimed at something: a pronoun is this moment
        return len(rest) < 2 or rest[1] in _PRONOUN_OBJECTS
    if rest[0] in {"and", "but"}:  # "overweight and unhappy": as its first adjective
        return first not in TRAITS
    return rest[0] in {"af", "til", "till", "until"}


def complement_key(a: Analysis, value: str) -> tuple[str, Category] | None:
    """The key and category of a noun complement that names a taste or a skill level, or None."""
    if a.predicate != "be":
        return None
    words = [w for w in value.lower().split() if w not in _INTENSITY]
    if len(words) < 2 or len(words) > 5:
        return None
    if _LEVELS & set(words):
        skill = [w for w in words if w not in _LEVELS and w not in _AGENT]
        return (f"expertise:{' '.join(skill)}", Category.EXPERTISE) if skill else None
    head, modifier = words[-1], words[:-1]
    if head in _TASTE_HEADS and modifier[0] not in _TIME_OF_DAY:
        return f"likes:{' '.join(modifier)}", Category.PREFERENCE
    return None

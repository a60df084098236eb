"""Rules for how the user learns: what they find hard, and the way they learn best.

"I struggle with integration by parts" is expertise with the level ``struggling`` under
``expertise:<topic>``, so a later "I'm good at integration by parts now" supersedes it. Only a
recognisable subject counts as a topic (a study topic, a known skill, a language or a technology):
"I struggle with anxiety" or "with mornings" is not a gap in knowledge, and stays unread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules._base import ADV, PREFERENCE, SKILL, Clause, Draft, Rule, compile_rule, stated
from accord.adapters.extractors.rules._expertise import study_topic
from accord.adapters.extractors.rules._phrasing import normalise_value, object_words

STRUGGLING = "struggling"

# --- struggles ---------------------------------------------------------------------------------

_TOPIC_END = r"(?:,? (?:sometimes|a lot|a bit|a little|still|too|as well|in general|generally))*"
_HARD = r"(?:hard|difficult|confusing|challenging|tricky|tough)"
# Simple present says "in general"; "I'm struggling with Docker" is more often today's error.
_STRUGGLE = compile_rule(
    rf"^I {ADV}(?:(?:always |often |sometimes )?struggle|have (?:always )?struggled|have (?:real |a lot of |"
    rf"some )?(?:trouble|difficulty|difficulties)|have a hard time) with (?P<topic>.+?){_TOPIC_END}$"
    rf"|^I {ADV}(?:(?:always |often )?find) (?P<topic2>.+?) (?:really |very |quite |so |pretty )?{_HARD}"
    rf"{_TOPIC_END}$"
)
_STRUGGLING_NOW = compile_rule(
    rf"^I am {ADV}(?:struggling|having (?:a hard time|trouble|difficulty)) with (?P<topic>.+?){_TOPIC_END}$"
)


def _struggle(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    topic = study_topic(m["topic"] or m["topic2"], allow_tech=True)
    return () if topic is None else (_struggling(clause, topic),)


def _struggling_now(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    topic = study_topic(m["topic"], allow_tech=False)
    return () if topic is None else (_struggling(clause, topic),)


def _struggling(clause: Clause, topic: str) -> Draft:
    return stated(clause, Category.EXPERTISE, SKILL, key=f"expertise:{topic}", value=STRUGGLING)


# --- learning style ----------------------------------------------------------------------------

LEARNING_STYLE_KEY = "preference:learning_style"
_WAYS = r"with|through|by|from|via|using|when there are|when I (?:get|have|see|can see)"
_LEARN_BEST = compile_rule(
    rf"^I {ADV}learn (?:things |stuff )?(?:best|better|most|more|faster|fastest|most easily|more easily|"
    rf"most effectively|more effectively|well|quickly|easily) (?P<prep>{_WAYS}) (?P<obj>.+)$"
    rf"|^I {ADV}(?:would )?(?:prefer|like|love) (?:to learn|learning) (?:things |stuff )?"
    rf"(?P<prep2>{_WAYS}) (?P<obj2>.+)$"
    r"|^my (?:preferred )?learning style is (?P<obj3>.+)$"
)
_LEARNER = compile_rule(
    rf"^I am {ADV}(?:more of |mostly |mainly )?an? (?P<style>visual|auditory|aural|verbal|kinesthetic|"
    r"kinaesthetic|hands-on|practical|reading/writing|reading and writing) learner$"
)


def _learning_style(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    obj = m["obj"] or m["obj2"] or m["obj3"]
    prep = (m["prep"] or m["prep2"] or "").lower()
    words = object_words(obj, 8)
    if words is None or len(obj.split()) > 10:
        return ()
    value = normalise_value(" ".join(words))
    if prep == "by":  # "by doing" reads better than "doing"
        value = f"by {value}"
    return (stated(clause, Category.PREFERENCE, PREFERENCE, key=LEARNING_STYLE_KEY, value=value),)


def _learner(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    style = m["style"].lower().replace("kinaesthetic", "kinesthetic").replace(" and ", "/")
    return (stated(clause, Category.PREFERENCE, PREFERENCE, key=LEARNING_STYLE_KEY, value=style),)


LEARNING_RULES: tuple[Rule, ...] = (
    Rule("struggle", _STRUGGLE, _struggle),
    Rule("struggle", _STRUGGLING_NOW, _struggling_now),
    Rule("learning_style", _LEARN_BEST, _learning_style),
    Rule("learning_style", _LEARNER, _learner),
)

"""How well the user does something, said in everyday frames rather than with a level word:
"I suck at math", "I know my way around a kitchen", "cooking comes naturally to me", "Kubernetes
is new to me", "I've dabbled in pottery", "I taught piano for ten years", "I'm the go-to person
for Excel", "I'm no expert in wine".

The frame gives the level; the slot is the skill. After a frame this specific almost any short
noun phrase is a skill, so the slot is read like "I've been doing X for years" reads it
(:func:`accord.adapters.extractors.rules._expertise.skill_value`, else a plain short phrase).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import ADV, Builder, Clause, Draft, Rule, compile_rule
from accord.adapters.extractors.rules._expertise import expertise_each, skill_value
from accord.adapters.extractors.rules._phrasing import normalise_value, object_words

__all__ = ["SKILL_FRAME_RULES"]

_SKILL = r"(?P<tech>[\w][\w .&'+#/-]{0,40}?)"
_WHERE = r"(?: at work| in my (?:team|office|family|house|group)| around here| lol| haha)?"
_DURATION = (
    r"(?:(?:over|about|around|almost|nearly|more than|roughly|like|close to) )?"
    rf"(?:\d{{1,2}}|{lex.alternation(lex.NUMBER_WORDS)})\+? (?P<unit>years?|yrs?|decades?)"
)
_FRAMES: tuple[tuple[str, str], ...] = (
    ("beginner", rf"^I {ADV}(?:suck|stink|am (?:rubbish|hopeless|useless|awful|clueless|a disaster|hopeless))"
                 rf" (?:at|with|about|when it comes to) {_SKILL}{_WHERE}$"),
    ("beginner", rf"^I am {ADV}no (?:expert|pro|master|genius|whiz|wizard) (?:at|in|on|with|when it comes to) {_SKILL}$"),
    ("beginner", rf"^{_SKILL} (?:is|are) (?:all |completely |totally |brand |pretty |fairly |still )?new to me$"),
    ("beginner", rf"^I (?:have )?{ADV}(?:dabbled|dabble|tinkered|tinker)(?: a bit| a little)? (?:in|with) {_SKILL}$"),
    ("none", rf"^I {ADV}know (?:nothing|zilch|zero|next to nothing|absolutely nothing) about {_SKILL}$"),
    ("intermediate", rf"^I {ADV}know my way around (?:a |an |the )?{_SKILL}$"),
    ("intermediate", rf"^I am {ADV}(?:pretty |fairly |quite |really )?(?:handy|useful) with {_SKILL}$"),
    ("advanced", rf"^{_SKILL} (?:comes|come) (?:naturally|easily|easy|natural) to me$"),
    ("advanced", rf"^{_SKILL} (?:is|are) (?:like )?second nature to me$"),
    ("advanced", rf"^I am (?:basically |kind of |sort of )?(?:the |our |their )?(?:go-to|go to|resident) "
                 rf"(?:person|guy|gal|girl|one|expert|nerd) (?:for|on) {_SKILL}{_WHERE}$"),
    ("expert", rf"^I (?:have )?{ADV}(?:taught|teach|coached|coach|tutored|tutor|have been teaching|have been coaching) "
               rf"{_SKILL} (?:for|over the (?:last|past)) {_DURATION}(?: now)?$"),
)
_TAIL = r"(?: now| these days| at this point| by now| honestly| tbh)?$"
_PATTERNS = tuple((level, compile_rule(p.removesuffix("$") + _TAIL)) for level, p in _FRAMES)
_NOT_SKILLS = frozenset("it this that them everything anything something people life work things stuff".split())


def _slot(text: str, clause: Clause) -> str | None:
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(" ,"), flags=re.I)
    if not text or text.lower() in _NOT_SKILLS or text.lower().startswith(("my ", "our ", "your ")):
        return None
    known = skill_value(text, clause)
    if known is not None:
        return known
    words = object_words(text, 3)
    return normalise_value(" ".join(words)) if words else None


def _builder(level: str) -> Builder:
    def build(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
        skill = _slot(m["tech"], clause)
        return () if skill is None else expertise_each(m, "tech", clause, [(m["tech"], skill)], level)

    return build


SKILL_FRAME_RULES: tuple[Rule, ...] = tuple(Rule("skill_frame", pattern, _builder(level)) for level, pattern in _PATTERNS)

"""Rules for what the user aims at: "My goal is to ...", "I want to ...", "I'm saving up for ..."."""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import ADV, GOAL, GOAL_WITH_DEADLINE, LIKELY, Clause, Draft, Rule, compile_rule, stated
from accord.adapters.extractors.rules._phrasing import swap_pronouns

__all__ = ["GOAL_RULES", "deictic", "for_the_moment"]


def for_the_moment(goal: str) -> bool:
    """Whether a wish is for the next few minutes ("play a game", "watch a movie"), not an aim."""
    return bool(_PASTIME_NOW.match(goal))


def deictic(text: str) -> bool:
    """Whether ``text`` points at something in the conversation ("this", "that") rather than naming it."""
    return any(w.lower() in lex.DEICTIC for w in re.findall(r"[\w']+", text))


_GOAL_ADJ = (
    r"(?:(?:main|big|biggest|primary|ultimate|long[- ]term|short[- ]term|current|top|personal|only|"
    r"new year's|new) )*"
)
# "My goal is to ...", "It is my aim to ...", "the goal is to ...", "goal is 100 pushups by summer".
# "The plan is to meet at 5" is about the day: only "my" owns a plan.
_GOAL_MY = compile_rule(
    rf"^(?:(?:my|it is my|it's my|one|another) {_GOAL_ADJ}(?:goal|aim|objective|target|dream|ambition|resolution|mission|plan)s?"
    rf"|(?:the )?{_GOAL_ADJ}(?:goal|aim|objective|target|dream|ambition|resolution)s?)"
    r"(?: for (?P<when>[\w ]{1,25}?))?(?: of mine)?(?: (?:is|are|=))?(?P<to> to)?:? (?P<goal>.+)$"
)
_GOAL_WANT = compile_rule(
    rf"^I {ADV}(?P<verb>want|would like|would love|would really like|hope|plan|intend|aim|am planning|"
    r"am hoping|am aiming|am trying|am determined|have decided|decided|am going|need|am working hard|"
    r"am learning|am saving up|am saving) to (?P<goal>.+)$"
)
_GOAL_FOR = compile_rule(
    rf"^I am {ADV}(?:preparing|studying|training|cramming|revising|saving(?: up)?|working towards?|"
    r"applying|getting ready|practicing|practising) for (?P<goal>.+)$"
    rf"|^I am {ADV}(?:actively )?(?:looking|searching|hunting) for (?P<search>(?:an? |some )?(?:new )?"
    r"(?:job|role|position|apartment|house|flat|home|place to live|partner|internship|cofounder|"
    r"co-founder)s?)(?: .*)?$"
)
_TRANSIENT = frozenset(
    """know ask see understand check talk say tell thank clarify confirm find make continue stop go share
    show mention point discuss hear add change update try use do give print copy paste compare review
    sleep leave cancel delete remove repeat double-check follow look rephrase edit explain summarize
    summarise clear note reply respond answer chat focus be come circle order book rest eat get send
    fix test make""".split()
)
# Verbs from the list above that can still open a long-term goal when a time frame is given.
_PASTIME_NOW = re.compile(
    r"^(?:play|watch|hear|read|do|try|have|grab|get)\s+(?:a|an|some|something|the)?\s*"
    r"(?:game|movie|film|joke|story|song|break|nap|snack|coffee|drink|quiz|riddle|round|something|fun)\b",
    re.I,
)
_TIMED_OK = frozenset("get fix go see make".split())
# ... or when what follows makes the goal plain ("get fit", "be a doctor").
_GOAL_PHRASE = re.compile(
    r"^(?:get (?:fit|healthy|better|stronger|in shape|an? (?:new )?job|promoted|a promotion|married|"
    r"certified|a degree|my degree|into|back into)|be(?:come)? (?:an? |the |more |less |fluent|able|"
    r"healthier|fitter|debt-free|financially)|eat (?:healthier|better|less|more)|make (?:an? |my own|"
    r"more|money))\b",
    re.I,
)
_DEADLINE = re.compile(
    r"\b(?:by|before|until|deadline|due)\b|\b(?:next|this) (?:week|month|year|quarter|semester|summer|"
    r"winter|spring|fall|autumn|weekend)\b|\btomorrow\b|\bin \d+ (?:days|weeks|months|years)\b|"
    r"\b(?:january|february|march|april|june|july|august|september|october|november|december|jan|feb|"
    r"mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b|\b\d{1,2}/\d{1,2}\b|\b(?:19|20)\d{2}\b|"
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)
_TIME_PHRASE = re.compile(
    r"\b(?:this|next|last) (?:year|month|week|weekend|summer|winter|spring|fall|autumn|quarter|semester|"
    r"term|time)\b",
    re.I,
)


def _goal_ok(goal: str, *, timed_only: bool) -> bool:
    words = goal.split()
    if not words or len(words) > 15 or deictic(_TIME_PHRASE.sub(" ", goal)):
        return False
    first = words[0].lower()
    timed = bool(_DEADLINE.search(goal))
    if timed_only and not timed:
        return False
    if _PASTIME_NOW.match(goal):
        return False  # "wanna play a game", "want to watch a movie": the next ten minutes
    return first not in _TRANSIENT or (first in _TIMED_OK and timed) or bool(_GOAL_PHRASE.match(goal))


def _importance(goal: str) -> float:
    return GOAL_WITH_DEADLINE if _DEADLINE.search(goal) else GOAL


def _goal_my(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    goal = m["goal"]
    # "My plan is simple": without "to", a goal needs to be more than one word.
    if not _goal_ok(goal, timed_only=False) or (not m["to"] and len(goal.split()) < 2):
        return ()
    when = f" for {m['when']}" if m["when"] else ""
    return (Draft(f"User's goal{when}: {swap_pronouns(goal)}", Category.GOAL, _importance(goal)),)


_PLACES_GONE_TO = frozenset("the a an my our his her their work school bed church class college uni town".split())


def _goal_want(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    verb = " ".join(m["verb"].lower().split())
    # "I need to" and "I'm going to" are usually about the next five minutes unless a date is given.
    timed_only = verb in {"need", "am going"}
    if verb == "am going" and m["goal"].split()[0].lower() in _PLACES_GONE_TO:
        return ()  # "I'm going to the gym before work" goes somewhere; it aims at nothing
    if not _goal_ok(m["goal"], timed_only=timed_only):
        return ()
    return (stated(clause, Category.GOAL, _importance(m["goal"]), confidence=LIKELY + 0.05),)


def _goal_for(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    goal = m["goal"] or m["search"]
    if deictic(_TIME_PHRASE.sub(" ", goal)) or len(goal.split()) > 15:
        return ()
    return (stated(clause, Category.GOAL, _importance(goal), confidence=LIKELY + 0.05),)



GOAL_RULES: tuple[Rule, ...] = (
    Rule("goal", _GOAL_MY, _goal_my),
    Rule("goal", _GOAL_FOR, _goal_for),
    Rule("goal", _GOAL_WANT, _goal_want),
)

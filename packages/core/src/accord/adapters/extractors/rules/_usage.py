"""Rules for what the user uses: tools and devices, their plan or tier, and their pronouns.

Tools are many-valued, so each gets its own key (``tool:figma``): "I no longer use Figma" then
supersedes just that one. A tool must be recognisable, either on a list (``TECH_TERMS``,
``TOOL_NAMES``, ``DEVICES``) or, from a writer who uses capitals, a capitalised name; "I use the
bathroom" or "I use a lot of salt" name no tool. Only the first-person present counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import (
    ADV,
    DETAIL,
    IDENTITY,
    NEG_TAIL,
    Builder,
    Clause,
    Draft,
    Rule,
    compile_rule,
    stated,
)
from accord.adapters.extractors.rules._phrasing import leading_phrase, normalise_value, split_list, third_person

FACT = Category.FACT

# --- tools -------------------------------------------------------------------------------------

_USE = compile_rule(
    rf"^I {ADV}(?:mainly |mostly |primarily |only |exclusively )?(?:use|am using|have been using) "
    r"(?P<obj>.+)$"
)
_NO_LONGER_USE = compile_rule(
    rf"^I {ADV}(?:no longer use|do not use|don't use|stopped using|have stopped using|quit using) "
    rf"(?P<obj>.+?){NEG_TAIL}$"
)
# What may follow the tool: a purpose, a place or a frequency, never more of the object.
_AFTER_TOOL = re.compile(
    r"^(?:for|to|at|as|on|in|with|when|instead of|over|every|daily|mostly|mainly|exclusively|a lot|"
    r"all the time|most days|now|again|too|these days|nowadays|at the moment|right now)\b",
    re.I,
)
_NOT_TOOLS = (
    lex.DEMONYMS
    | lex.SPOKEN_LANGUAGES
    | lex.WELL_KNOWN_PLACES
    | frozenset(
        """i monday tuesday wednesday thursday friday saturday sunday mondays weekends january february
        march april may june july august september october november december""".split()
    )
)
_CONTEXT_WORDS = frozenset("it this that these those you your here there".split())


def tool_value(text: str, clause: Clause) -> tuple[str, str] | None:
    """The tool a phrase starts with, canonical and lowercase, and the text after it, or ``None``.

    What follows the tool may only say what it is for or how often ("for prototyping", "daily"),
    and must not point at the conversation ("for this").
    """
    words = text.split()
    while words and words[0].lower() in {"the", "a", "an", "my", "our"}:
        words = words[1:]
    found = leading_phrase(" ".join(words), 4, clause.cased)
    if found is None:
        return None
    phrase, rest = found
    value = lex.canonical_tech(phrase)
    if value in _NOT_TOOLS or any(w in _CONTEXT_WORDS for w in value.split()):
        return None
    if rest and not _AFTER_TOOL.match(rest):
        return None
    if rest and any(w.lower().strip(",.") in _CONTEXT_WORDS for w in rest.split()):
        return None  # "I use VS Code for this" is about the task at hand
    listed = value in lex.TECH_TERMS or value in lex.TOOL_NAMES or value in lex.DEVICES
    named = clause.cased and all(w[:1].isupper() or w[:1].isdigit() for w in phrase.split())
    if not listed and not (named and phrase[:1].isupper()):
        return None
    return value, rest


def _uses(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    found = tool_value(m["obj"], clause)
    if found is not None:
        return (stated(clause, FACT, DETAIL, key=f"tool:{found[0]}", value=found[0]),)
    # "I use Figma and Procreate": one memory per tool, each naming only its own.
    items = split_list(m["obj"], every_conjunction=True)
    tools = [tool_value(item, clause) for item in items] if 2 <= len(items) <= 5 else []
    if not tools or any(t is None for t in tools):
        return ()
    head = clause.text[: m.start("obj")]
    return [
        Draft(third_person(head + item), FACT, DETAIL, f"tool:{tool[0]}", tool[0])
        for item, tool in zip(items, tools, strict=True)
        if tool is not None
    ]


def _no_longer_uses(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    found = tool_value(m["obj"], clause)
    if found is None or found[1]:
        return ()
    return (stated(clause, FACT, DETAIL, key=f"tool:{found[0]}", value=found[0], negated=True),)


# --- plan --------------------------------------------------------------------------------------

_PLAN_NOUN = r"(?P<noun>plan|tier|subscription|membership|package|account|license|licence)"
_PLAN_NAME = r"(?P<name>[\w+-]+(?: [\w+-]+)?)"
_FOR_NOW = r"(?: (?:now|currently|at the moment|right now))?"
_ON_PLAN = compile_rule(
    rf"^I am {ADV}(?:on|using|subscribed to|signed up for|paying for|enrolled in) (?:the |a |an |my )?"
    rf"{_PLAN_NAME} {_PLAN_NOUN}{_FOR_NOW}$"
)
_HAVE_PLAN = compile_rule(
    rf"^I {ADV}(?:have|pay for|subscribe to|subscribed to|signed up for|upgraded to|downgraded to|"
    rf"switched to|bought|purchased) (?:the |a |an )?{_PLAN_NAME} {_PLAN_NOUN}{_FOR_NOW}$"
)
_PLAN_IS = compile_rule(
    r"^my (?:current )?(?P<noun>plan|tier|subscription|membership) is (?:the )?(?P<name>[\w+-]+)"
    r"(?: plan| tier)?$"
)
_UPGRADED = compile_rule(rf"^I {ADV}(?:upgraded|downgraded|switched) to (?:the )?(?P<name>[\w+-]+)$")


# Tier names that mean nothing else: "I have a business plan" is a document, "a Pro plan" is not.
_UNMISTAKABLE_TIERS = frozenset(
    "free pro premium plus enterprise starter gold silver platinum max lite".split()
)


def _plan_builder(*, clear_verb: bool) -> Builder:
    """Build a plan memory; unless ``clear_verb`` ("I'm on", "subscribed to"), the tier must be
    capitalised or unmistakable, since "I have a business plan" and "my plan is basic" are no tiers.
    """

    def build(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
        name = m["name"]
        noun = (m.groupdict().get("noun") or "").lower()
        value = normalise_value(name)
        tier = value.split()[-1]
        capitalised = clause.cased and all(w[:1].isupper() for w in name.split())
        if clear_verb:
            # Any tier word, or a capitalised name before "plan"/"tier" ("the Spotify Family plan");
            # "a Netflix subscription" names a service, "a meal plan" no tier at all.
            ok = tier in lex.PLAN_TIERS or (capitalised and noun in {"plan", "tier"})
        else:
            ok = tier in _UNMISTAKABLE_TIERS or (capitalised and tier in lex.PLAN_TIERS)
        if not ok:
            return ()
        return (stated(clause, FACT, DETAIL + 0.15, key="plan", value=value),)

    return build


# --- pronouns ----------------------------------------------------------------------------------

_PRONOUN_SET = r"(?:she|he|they|xe|ze|it)/(?:her|him|them|hers|his|theirs|xem|zir|its)(?:/[a-z]+)?"
_PRONOUNS = compile_rule(
    rf"^I {ADV}(?:use|go by|prefer) (?P<p>{_PRONOUN_SET})(?: pronouns)?$"
    rf"|^my pronouns are (?P<p2>{_PRONOUN_SET})$"
)


def _pronouns(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    pronouns = (m["p"] or m["p2"]).lower()
    return (Draft(f"User uses {pronouns} pronouns", FACT, IDENTITY, "pronouns", pronouns),)


USAGE_RULES: tuple[Rule, ...] = (
    Rule("pronouns", _PRONOUNS, _pronouns),
    Rule("plan", _ON_PLAN, _plan_builder(clear_verb=True)),
    Rule("plan", _HAVE_PLAN, _plan_builder(clear_verb=False)),
    Rule("plan", _PLAN_IS, _plan_builder(clear_verb=False)),
    Rule("plan", _UPGRADED, _plan_builder(clear_verb=False)),
    Rule("tool", _USE, _uses),
    Rule("tool_dropped", _NO_LONGER_USE, _no_longer_uses),
)

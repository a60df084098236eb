"""Statements of change: what ended, what replaced it, and the terse follow-ups people use.

Life changes are rarely said as a new full statement. People say what ended ("quit smoking",
"sold the Fit", "no more night shift"), drop the subject ("Don't live in Tucson anymore"), and
give the new value as a bare fragment that borrows the verb of the sentence before it
("... Portland.", "Used to play hockey. Pickleball these days."). Three general readings cover
these shapes, whatever the attribute:

- :func:`implied_subject` gives a clause that opens on a past-tense verb, a denial or a state
  word ("Stopped drinking", "Not doing keto", "Off coffee", "Back in Asheville") its "I" back;
- the ``ended`` rule reads an ending verb as a *denial* of its object (``negated``, value = the
  object's content words), so conflict resolution archives whichever stored memory states it;
  "traded A for B" and "switched from A to B" deny A and state B;
- :func:`elliptical` rewrites a verbless fragment that follows a denial or a former habit in the
  same turn with that clause's predicate ("Portland." after "I don't live in Tucson" ->
  "I live in Portland").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._cues import category_of
from accord.adapters.extractors.rules._kinds import kind_of
from accord.adapters.extractors.rules._base import ADV, MINOR, Clause, Draft, Rule, compile_rule
from accord.adapters.extractors.rules._clause import Analysis, analyse, lemma
from accord.adapters.extractors.rules._vocab import HABIT_VERBS
from accord.adapters.extractors.rules._phrasing import normalise_value, third_person

__all__ = ["CHANGE_RULES", "elliptical", "implied_subject", "soften", "source_of_ellipsis"]

# Verbs whose object is a value that has ended, as data: what the user no longer has or does.
ENDING_VERBS = (
    # "Got rid of" reads "I have rid of" once normalised.
    "quit", "stopped", "stoped", "have stopped", "have rid of", "gave up", "have given up", "got rid of",
    "have gotten rid of",
    "sold", "cancelled", "canceled", "cancelld", "dropped", "ditched", "tapered off", "came off",
    "closed", "broke up with", "split up with", "split with", "deleted", "uninstalled",
    "unsubscribed from", "moved out of", "am off", "am done with", "am out of", "am no longer on",
    "am no longer at", "am no longer in", "am no longer with", "no longer have", "no longer use",
    "wiped", "retired from", "stepped down from", "left",
)
# "I left early", "I left it": only a named place or organisation, or a group ("the book club"),
# ends with "left".
_NAMED_ONLY = frozenset({"left"})
_GROUPS = re.compile(
    r"\b(?:club|team|band|league|choir|group|gym|company|firm|church|union|board|committee|program|programme|"
    r"course|class|school|university|college|job|agency|startup|lab|orchestra|squad|crew|society|party)s?$",
    re.I,
)
# Verbs that replace an old value (first object) with a new one (second object).
_TRADE = compile_rule(
    rf"^I {ADV}(?:traded|swapped|exchanged|replaced) (?:in )?(?P<old>.+?) (?:for|with) (?P<new>.+)$"
    rf"|^I {ADV}(?:switched|moved|changed|went|upgraded|converted) (?:over )?from (?P<old2>.+?) to (?P<new2>.+)$"
)
_ENDED = compile_rule(
    rf"^I {ADV}(?:have |had )?(?:finally |just |officially |recently )?"
    rf"(?P<verb>{'|'.join(sorted((re.escape(v) for v in ENDING_VERBS), key=len, reverse=True))})\s+(?P<obj>.+)$"
)
_NO_MORE = compile_rule(r"^(?:so |and |but )?no (?:more|longer) (?P<obj>[\w' -]+?)(?: for me| in my life)?$")
# Where the ended object stops: its reasons, times and other clauses are not part of it.
_OBJECT_STOP = re.compile(
    r"\s*(?:,|;|:|\(|\s-\s|\s(?:because|cause|cuz|since|after|before|when|while|so|but|and|last|this|"
    r"in (?:january|february|march|april|may|june|july|august|september|october|november|december|the|"
    r"spring|summer|autumn|fall|winter|\d{4})|on (?:monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday)|for good|completely|entirely|altogether|at last|a while ago|ago|with my|yesterday|today)\b)",
    re.I,
)
_DETERMINERS = re.compile(r"^(?:my|our|the|a|an|all(?: of)?(?: my| the)?|his|her|their|that)\s+", re.I)
# Container nouns: "my Wells Fargo account" ends "Wells Fargo"; the noun adds nothing to match on.
_CONTAINERS = re.compile(
    r"\s+(?:account|accounts|membership|subscription|plan|habit|job|position|role|thing|pods?|season ticket)$", re.I
)
_PRONOUNS = frozenset(
    """it that this them him her there one everything something all now again home here today soon later
    online offline normal work early late""".split()
)

# A clause that opens on a verb form or state word with its subject dropped.
_PAST_START = frozenset(
    """sold quit left got went took gave bought lost made broke passed moved switched stopped
    cancelled canceled started joined finished traded swapped upgraded closed dropped ditched
    tapered picked learned learnt became began married divorced adopted graduated retired
    renamed resubscribed returned replaced changed converted wiped stepped stoped""".split()
)
_STATE_START = re.compile(r"^(?:not|no longer|off|back|done with|out of)\b", re.I)
_DENIAL_START = re.compile(r"^(?:don't|do not|didn't|never|can't|cannot)\s+(?=\w)", re.I)


def implied_subject(text: str) -> str:
    """ "Stopped drinking" -> "I stopped drinking"; "Not doing keto" -> "I am not doing keto"."""
    first = text.split(" ", 1)[0].lower()
    if first in _PAST_START:
        return f"I {text[:1].lower()}{text[1:]}"
    if _DENIAL_START.match(text):
        return f"I {text[:1].lower()}{text[1:]}"
    if _STATE_START.match(text):
        return f"I am {text[:1].lower()}{text[1:]}"
    return text


def _cut(obj: str) -> str:
    """The object without what follows it; the leading space lets an object that is only a time
    ("quit last week") cut to nothing."""
    return _OBJECT_STOP.split(" " + obj, maxsplit=1)[0].strip(" ,.!")


def _ended_value(obj: str) -> str:
    obj = _cut(obj)
    obj = _DETERMINERS.sub("", obj)
    obj = _CONTAINERS.sub("", obj)
    return normalise_value(" ".join(obj.split()[:4]))


def _denial(text: str, value: str) -> Draft:
    return Draft(third_person(text), Category.FACT, MINOR + 0.15, None, value, 0.85, negated=True)


def _ended(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    value = _ended_value(m["obj"])
    if not value or value in _PRONOUNS:
        return ()
    named = _DETERMINERS.sub("", m["obj"])[:1].isupper() or _GROUPS.search(value)
    if m["verb"].lower() in _NAMED_ONLY and clause.cased and not named:
        return ()
    core = (clause.text[: m.start("obj")] + _cut(m["obj"])).replace("have rid of", "got rid of").replace("stoped", "stopped")
    denial = _denial(core, value)
    if " " not in value and value.endswith("ing") and (habit := lemma(value)) in HABIT_VERBS:
        # "quit smoking" denies the habit "I smoke" under its own key
        denial = Draft(denial.content, denial.category, denial.importance, f"habit:{habit}", habit, 0.85, negated=True)
    return (denial,)


def _no_more(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    value = _ended_value(m["obj"])
    if not value or value in _PRONOUNS:
        return ()
    return (Draft(f"User said: no more {value}", Category.FACT, MINOR + 0.15, None, value, 0.85, negated=True),)


def _traded(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    traded = m["old"] is not None
    old, new = (m["old"], m["new"]) if traded else (m["old2"], m["new2"])
    old_value, new_value = _ended_value(old), _ended_value(new)
    if not old_value or not new_value or {old_value, new_value} & _PRONOUNS:
        return ()
    new_text = _cut(new)
    said = f"User now has {new_text}" if traded else f"User switched to {new_text}"
    current = Draft(said, Category.FACT, 0.6, None, new_value, 0.85)
    return (_denial(f"I no longer have {_DETERMINERS.sub('', old)}", old_value), current)


# Verbs that move to a new value without naming the old one. A purchase ("got", "picked up") is a
# replacement only with a sign of one ("finally", "new", "the old one").
_SWITCH = compile_rule(
    rf"^I {ADV}(?:have |had )?(?:finally |just |now |recently |officially )?"
    r"(?P<verb>upgraded|switched|switchd|moved over|moved|changed|converted|went back|went over|swapped in|swapped"
    r"|bumped|resubscribed|returned|got|bought|picked up|traded up|am back)"
    r"(?: (?:to|on|onto|for|in|with|at))? (?P<obj>.+)$"
)
_PREPOSITION = re.compile(r"\s(?:for|on|at|with|from|to|in|into|because|after|so)\s", re.I)
_PURCHASE = frozenset("got bought picked up".split())
_REPLACEMENT_SIGN = re.compile(r"\b(?:finally|finaly|new|old|upgrade|upgraded|replac\w*|instead|now|again)\b", re.I)
_PLACES = re.compile(r"^(?:in|to|into|out|home|back|here|there|house|apartment|flat)\b", re.I)


_BACK_IN_PLACE = re.compile(r"^(?P<place>(?-i:[A-Z])[\w'-]+(?: (?-i:[A-Z])[\w'-]+){0,2})(?:,|$| now| again| for good| after)", re.I)


def _a_place(name: str) -> bool:
    """A capitalised name that is no tool or known product ("back in Slack" is not a move)."""
    value = name.lower()
    return value in lex.WELL_KNOWN_PLACES or not (value in lex.TECH_TERMS or kind_of(value))


def _switched(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    verb = m["verb"].lower()
    place = _BACK_IN_PLACE.match(m["obj"]) if verb == "am back" and clause.cased else None
    if place and re.search(r"\bback in\b", clause.text, re.I) and _a_place(place["place"]):
        # "I'm back in Asheville": the user lives there again (a capitalised name; "back in the office" is not)
        city = place["place"]
        return (Draft(f"User lives in {city} again", Category.FACT, 0.8, "city", normalise_value(city), 0.85),)
    if verb in _PURCHASE and not _REPLACEMENT_SIGN.search(clause.text):
        return ()
    obj = _cut(m["obj"])
    if verb == "moved" and re.match(r"^(?:my|our|the|a|an|it|them)\b", m["obj"], re.I) and not re.match(
        r"^I \w*\s*moved (?:to|onto|on|over to)\b", clause.text
    ):
        return ()  # "moved my desk by the window" moves a thing, it changes nothing of the user's
    # The value names the thing only: "Slack for work" must not match "User works at Acme".
    value = _ended_value(_PREPOSITION.split(m["obj"], maxsplit=1)[0])
    if not value or value in _PRONOUNS or _PLACES.match(obj) or len(obj.split()) > 6:
        return ()  # "moved in", "got home": not a value
    said = third_person(clause.text[: m.start("obj")] + obj)
    # "switched to trail running" is a taste; "switched to Slack" a fact
    category = category_of(said, Category.FACT)
    return (Draft(said, category, 0.6, None, value, 0.85, replaces_kind=True),)


# "Hana and I broke up": the end of a relationship denies the person (relationship category).
_BROKE_UP = compile_rule(
    r"^(?P<name>[A-Z][a-z'-]+) and I (?:have |had )?(?:just |finally |officially |recently )?"
    r"(?:broke up|split up|split|separated|divorced|got divorced|ended things|ended it|called it off|called it quits"
    r"|are done|are over|are through|are no longer together|are not together any ?more)\b.*$"
)


def _broke_up(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    name = m["name"]
    if name.lower() in _PRONOUNS or not clause.cased:
        return ()
    return (Draft(f"User and {name} are no longer together", Category.RELATIONSHIP, 0.7, None, name.lower(), 0.85, negated=True),)


# "I'm more of an Airbnb person", "I'm kind of a night owl": the hedge is not part of the object.
_SOFTENER = re.compile(r"^I am (?:more of|kind of|sort of|kinda|sorta|basically|mostly|pretty much) (?=an? |the )", re.I)


def soften(text: str) -> str:
    """ "I am more of a freelance illustrator" -> "I am a freelance illustrator"; else ``text``."""
    if not _SOFTENER.match(text):
        return text
    return _SOFTENER.sub("I am ", re.split(r",\s*(?:though|but|although|even though|which)\b", text, maxsplit=1)[0])


CHANGE_RULES: tuple[Rule, ...] = (
    Rule("broke_up", _BROKE_UP, _broke_up),
    Rule("traded", _TRADE, _traded),
    Rule("ended", _ENDED, _ended),
    Rule("no_more", _NO_MORE, _no_more),
    Rule("switched", _SWITCH, _switched),
)

# The verb a fragment borrows, in the first person: the analysis' lemma with its particles.
_FRAGMENT = re.compile(r"^[\w'+#.&-]+(?: [\w'+#.&-]+){0,3}$")
_FRAGMENT_TAIL = re.compile(r"(?:,?\s+(?:now|these days|nowadays|nowdays|from now|from now on|since \w+|instead))+$", re.I)
_NOT_FRAGMENTS = frozenset(
    """yes no yeah nope ok okay thanks thank sure anyway so well cool great nice just fyi btw lol haha tbh
    honestly though tho please pls not at all really much totally""".split()
)


_ENDED_MARKER = re.compile(r"\b(?:any ?more|no longer|any longer|used to|not \w+ing)\b", re.I)


def source_of_ellipsis(a: Analysis | None, text: str) -> Analysis | None:
    """A clause whose predicate a following fragment may borrow: a value said to have ended
    ("don't live in Tucson anymore", "no longer at IBM", "used to play hockey")."""
    if a is None or a.modal or a.subject == "possessive" or not (a.negated or a.used_to):
        return None
    return a if _ENDED_MARKER.search(text) else None


def elliptical(fragment: str, source: Analysis) -> str | None:
    """ "Portland" after "I don't live in Tucson" -> "I live in Portland now"; else None."""
    text = fragment.strip(" .!")
    bare = _FRAGMENT_TAIL.sub("", text)
    if not bare or not _FRAGMENT.match(bare) or bare.split()[0].lower() in _NOT_FRAGMENTS:
        return None
    if analyse(f"I {bare}") is not None and lemma(bare.split()[0]) != bare.split()[0].lower():
        return None  # it has a verb of its own ("went home")
    verb, *particles = source.predicate.split()
    verb = "am" if verb == "be" else verb
    return " ".join(["I", verb, *particles, bare, "now"])

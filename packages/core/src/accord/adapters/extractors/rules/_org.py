"""Rules for shared organisational facts: "Our VPN server is vpn1.acme.com", "Our team uses Jira".

These are about the user's organisation, not the user, so they carry ``Scope.TENANT`` and are
shared with everyone in the tenant; content is a neutral statement ("The VPN server is
vpn1.acme.com"). Only a first-person-plural owner counts ("our X", "our company's X") or the
organisation's own ("the company's X", "the team's X"), plus a workplace facility's hours ("the
cafeteria closes at 3pm"). "My team lead is Tom" stays the user's own relationship.

Keys: ``org:<thing>``, where the thing is the subject noun phrase, lowercased ("org:vpn server",
"org:office", "org:support email", "org:standup"). When the verb, not "to be", names the
attribute, the attribute is appended: "closes at 3pm" gives ``org:cafeteria closing time``,
"opens at" ``... opening time``, "ends at" ``... end time`` ("starts at" is plain: the standup is at
9:30). Tools are many-valued, one key each: "our team uses Jira" gives ``org:team uses jira``.

Precision comes from closed lists: the thing's last word must be an organisation body, thing or
facility (``_lexicon.ORG_*``), never a household word ("our kids", "our house", "our wedding"), and
the value must have a recognisable shape (an e-mail, a host or URL, an IP, a time, a date, a phone
number, a known tool, a place, or a capitalised name), so "our VPN server is down" says nothing.
Secrets never get here: the clause gate drops passwords and keys, and secret-ish things ("our door
code") are refused below.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category, Scope
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import LIKELY, Clause, Draft, Rule, compile_rule
from accord.adapters.extractors.rules._dates import parse_date
from accord.adapters.extractors.rules._facts import place_value
from accord.adapters.extractors.rules._phrasing import normalise_value, split_list
from accord.adapters.extractors.rules._usage import tool_value

SHARED = 0.6

_BODY = lex.alternation(lex.ORG_BODIES)
_SUBJECT = rf"(?:our(?: (?:{_BODY})'s)?|the (?:{_BODY})'s)"
_THING = r"(?P<thing>[\w'&.-]+(?: [\w'&.-]+){0,3}?)"
TIME = (
    r"(?:(?:[01]?\d|2[0-3])(?::[0-5]\d)?\s?(?:am|pm|a\.m|p\.m)\.?|(?:[01]?\d|2[0-3]):[0-5]\d|noon|midnight)"
)
# Contexts ``accord.domain.qualifiers`` reads from the content, so "on weekends" keeps both hours.
_CONTEXT = r"(?: (?:on weekdays|on weekends|during the week|every day|daily))?"

_LOCATION = compile_rule(
    rf"^{_SUBJECT} {_THING} (?:(?:is|are)(?: now| still)? (?:(?:based|located|headquartered|situated) )?in|"
    r"(?:has |have )?(?:moved|relocated) to) (?P<place>.+)$"
)
_HOURS = compile_rule(
    rf"^(?:{_SUBJECT} {_THING}|the (?P<facility>{lex.alternation(lex.FACILITIES)})) "
    rf"(?P<verb>opens|closes|starts|begins|ends|finishes|is open until|is open till) (?:at )?"
    rf"(?P<time>{TIME}){_CONTEXT}$"
)
_USES = compile_rule(
    rf"^{_SUBJECT} {_THING} (?P<verb>uses|is using|has been using|relies on|has switched to|switched to|"
    r"no longer uses|does not use|doesn't use|stopped using|has stopped using) (?P<obj>.+)$"
)
_IS = compile_rule(rf"^{_SUBJECT} {_THING} (?:is|are)(?: now| still)? (?P<prep>at |on )?(?P<value>.+)$")

_NEGATIVE_USE = ("no longer", "does not", "doesn't", "stopped", "has stopped")
_ATTRIBUTE_VERBS = {
    "opens": " opening time", "closes": " closing time", "is open until": " closing time",
    "is open till": " closing time", "ends": " end time", "finishes": " end time",
}
_SECRET_WORDS = frozenset("password passcode passphrase pin code key token secret credentials login".split())
_TRANSIENT = frozenset("next last this today's tomorrow's yesterday's".split())
_ROLE_WORDS = frozenset(w for w in lex.SINGLE_ROLES | lex.MULTI_ROLES if " " not in w)
_NOT_IN_THING = (
    lex.HOUSEHOLD_NOUNS | _ROLE_WORDS | lex.DEICTIC | lex.DETERMINERS | _TRANSIENT | _SECRET_WORDS
)


def _head(words: list[str], names: frozenset[str]) -> bool:
    return words[-1] in names or (len(words) > 1 and " ".join(words[-2:]) in names)


def _thing(m: re.Match[str], *, body: bool) -> str | None:
    """The normalised subject noun phrase, or ``None`` when it is not the organisation's.

    ``body`` also admits the organisation itself ("our office", "our team") as the subject.
    """
    if m.groupdict().get("facility"):
        return " ".join(m["facility"].lower().split())
    words = m["thing"].lower().split()
    if any(w in _NOT_IN_THING for w in words) or _head(words, lex.EVENT_NOUNS):
        return None
    if _head(words, lex.ORG_THINGS) or (body and _head(words, lex.ORG_BODIES)):
        return " ".join(words)
    # "our email" may be the household's; "our support email" is not.
    if len(words) > 1 and _head(words, lex.ORG_GENERIC_THINGS):
        return " ".join(words)
    return None


def _neutral(text: str) -> str:
    """ "our VPN server is X" -> "The VPN server is X": a statement anyone in the tenant can read."""
    text = re.sub(r"\bour\b", "the", text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:]


def _shared(content: str, key: str, value: str, *, negated: bool = False) -> Draft:
    return Draft(content, Category.FACT, SHARED, key, value, LIKELY, negated, scope=Scope.TENANT)


# --- values ------------------------------------------------------------------------------------

_SHAPED = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|https?://\S+|(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:/\S*)?"  # URL or host
    r"|\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?"  # IP address
    r"|\+?\d[\d ()/-]{6,}\d",  # phone number
    re.IGNORECASE,
)
_TIME = re.compile(TIME, re.IGNORECASE)
_NOT_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today tomorrow tbd unknown""".split()
)


def _proper(text: str, clause: Clause) -> str | None:
    """A capitalised name or address of one to five words ("Jane Doe", "AWS", "5 Main Street")."""
    words = text.split()
    if not clause.cased or not 1 <= len(words) <= 5:
        return None
    if not all(re.fullmatch(r"[\w][\w.&'-]*", w) and (w[:1].isupper() or w[:1].isdigit()) for w in words):
        return None
    first = words[0].lower()
    if first in lex.DETERMINERS or first in lex.DEICTIC or first in _NOT_NAMES:
        return None
    return normalise_value(text)


def _value(text: str, prep: str, clause: Clause) -> str | None:
    """The normalised value of "is <value>", or ``None`` when it has no recognisable shape."""
    text = text.strip()
    if _TIME.fullmatch(text) and prep != "on":
        return re.sub(r"[\s.]", "", text.lower())
    if (date := parse_date(text)) is not None and prep != "at":
        return date.value
    if prep == "on":
        return None  # "on the 3rd floor", "on Zoom": not a value this rule can keep apart
    if _SHAPED.fullmatch(text):
        return normalise_value(text)
    tool = lex.canonical_tech(text)
    if not prep and (tool in lex.TECH_TERMS or tool in lex.TOOL_NAMES):
        return tool
    return _proper(text, clause)


# --- builders ----------------------------------------------------------------------------------


def _location(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    thing = _thing(m, body=True)
    found = place_value(m["place"], clause)
    if thing is None or found is None or (found[1].strip(" ,") and not _widens(found[1], clause)):
        return ()
    place = found[0]
    if place in lex.TOOL_NAMES:  # "our team moved to Jira" is no move
        return ()
    return (_shared(_neutral(clause.text), f"org:{thing}", place),)


def _widens(rest: str, clause: Clause) -> bool:
    """ "Berlin, Germany": what follows the place only widens it."""
    words = rest.strip(" ,").split()
    return clause.cased and len(words) <= 3 and all(w[:1].isupper() for w in words)


def _hours(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    thing = _thing(m, body=True)
    if thing is None:
        return ()
    attribute = _ATTRIBUTE_VERBS.get(m["verb"].lower(), "")
    time = re.sub(r"[\s.]", "", m["time"].lower())
    return (_shared(_neutral(clause.text), f"org:{thing}{attribute}", time),)


def _uses(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    thing = _thing(m, body=True)
    if thing is None or not _head(thing.split(), lex.ORG_BODIES):
        return ()  # only the organisation uses tools: "our VPN server uses ..." is not about that
    negated = m["verb"].lower().startswith(_NEGATIVE_USE)
    found = tool_value(m["obj"], clause)
    if found is not None and not (negated and found[1]):
        return (_shared(_neutral(clause.text), f"org:{thing} uses {found[0]}", found[0], negated=negated),)
    items = split_list(m["obj"], every_conjunction=True)
    tools = [tool_value(item, clause) for item in items] if 2 <= len(items) <= 5 and not negated else []
    if not tools or any(t is None or t[1] for t in tools):
        return ()
    head = _neutral(clause.text[: m.start("obj")])
    return [
        _shared(head + item, f"org:{thing} uses {tool[0]}", tool[0])
        for item, tool in zip(items, tools, strict=True)
        if tool is not None
    ]


def _is(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    thing = _thing(m, body=False)
    if thing is None:
        return ()
    value = _value(m["value"], (m["prep"] or "").strip().lower(), clause)
    if value is None:
        return ()
    return (_shared(_neutral(clause.text), f"org:{thing}", value),)


ORG_RULES: tuple[Rule, ...] = (
    Rule("org_location", _LOCATION, _location),
    Rule("org_hours", _HOURS, _hours),
    Rule("org_tool", _USES, _uses),
    Rule("org_fact", _IS, _is),
)

"""Clause analysis: subject, predicate (with lemma), object, negation, tense and change markers.

A small, hand-written reading of one normalised clause, enough to map it onto the attribute
vocabulary in ``_vocab``. It does not parse English; it reads the shape most first-person
statements share::

    [lead-in,] SUBJECT [adverbs] [aux / negation] VERB [particles] OBJECT [, qualifiers]

so "I drove / drive / am driving a Civic" all give the predicate ``drive`` and the object
"a Civic", and "I'm not a fan of jazz any more" gives ``be_a_fan_of`` + "jazz", negated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accord.adapters.extractors.rules._vocab import ATTRIBUTES, RELATION_PREDICATES

_IRREGULAR = {
    "am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be", "be": "be",
    "has": "have", "had": "have", "having": "have", "does": "do", "did": "do", "done": "do",
    "went": "go", "gone": "go", "goes": "go", "drove": "drive", "driven": "drive", "ran": "run",
    "got": "get", "gotten": "get", "made": "make", "took": "take", "taken": "take", "ate": "eat",
    "eaten": "eat", "rode": "ride", "ridden": "ride", "grew": "grow", "grown": "grow", "began": "begin",
    "begun": "begin", "bought": "buy", "brought": "bring", "came": "come", "felt": "feel", "found": "find",
    "gave": "give", "given": "give", "kept": "keep", "knew": "know", "known": "know", "left": "leave",
    "lost": "lose", "met": "meet", "paid": "pay", "said": "say", "saw": "see", "seen": "see", "sold": "sell",
    "spoke": "speak", "spoken": "speak", "spent": "spend", "taught": "teach", "thought": "think",
    "understood": "understand", "won": "win", "wrote": "write", "written": "write", "swam": "swim",
    "sang": "sing", "fell": "fall", "led": "lead", "quit": "quit", "read": "read", "wore": "wear",
    "worn": "wear", "built": "build", "sent": "send", "held": "hold", "stood": "stand", "sat": "sit",
    "fought": "fight", "caught": "catch", "chose": "choose", "broke": "break", "flew": "fly",
    "drank": "drink", "drunk": "drink", "born": "be_born", "raised": "raise", "lives": "live", "heard": "hear", "told": "tell", "tried": "try",
}
# Verbs whose past is their present, and the words that make them a present habit.
_SAME_FORMS = frozenset({"read", "quit", "put", "cut", "set", "hit", "let"})
_HABITUAL = re.compile(
    r"\b(?:every|each|per|daily|weekly|nightly|monthly|usually|always|often|regularly|twice|"
    r"(?:a|an|one|two|three|\w+) (?:times? )?(?:a|per) (?:day|week|month|year|night))\b",
    re.I,
)
# Verbs whose -ing/-ed stem needs its final "e" back ("living" -> "live").
_E_VERBS = frozenset(
    """live move love like hate have make take bake ride drive hike dance skate use prefer
    save serve share write type code care come become practise practice manage change retire
    believe dine smoke vape race bike surf skate juggle whittle knit hope scrape date adore
    loathe relocate settle graduate promote volunteer figure lose close continue reside commute vibe
    practise practice""".split()
)
_DOUBLED = re.compile(r"([bdfgklmnprtvz])\1$")
_MODALS = frozenset("will would could should might may must shall can wo ca".split())
_NEGATIONS = frozenset("not never no_longer n't".split())
_AUX_DO = frozenset("do does did".split())
_ADVERBS = frozenset(
    """really also now still just actually currently recently definitely absolutely generally mostly
    honestly truly totally strongly much finally officially already personally very so even
    originally happily newly usually always often sometimes typically normally mainly primarily
    rarely occasionally frequently regularly only kind sort kinda sorta pretty literally basically
    lowkey highkey deadass def totally seriously super mainly again hardly barely obviously
    certainly surely""".split()
)
ADVERBS = _ADVERBS
_CHANGE_WORDS = re.compile(
    r"\b(?:now|these days|nowadays|nowdays|any ?more|no longer|any longer|switched|moved|upgraded|"
    r"changed|finally|since|instead|recently|just|new|became|become|started|anymore)\b",
    re.I,
)
_OBJECT_END = re.compile(
    r"\s*(?:,|;|:|\(|\s-\s|\s(?:because|cause|cuz|since|which|who|that is|when|where|while|so that|so|but|"
    r"though|although|like|lol|haha|tbh|ngl|honestly|fwiw)\b)",
    re.I,
)
_SUBJECT = re.compile(
    r"^(?:(?P<pair>me and my \w+|my \w+ and I|(?:[A-Z][a-z]+) and I)\s+|(?P<i>I|we)\s+"
    r"|(?P<poss>(?:my|our)\s+(?:[\w'-]+\s+){0,3}?)(?=(?:is|are|was|were|has|have|had|lives|works|s)\b))",
    re.I,
)

PREDICATES: frozenset[str] = frozenset(p for a in ATTRIBUTES for p in a.predicates) | RELATION_PREDICATES | {
    "have_got", "cannot_stand", "can_not_stand", "be_born_in", "used_to"
}
_MAX_PARTICLES = 5


@dataclass(frozen=True, slots=True)
class Analysis:
    """What one clause says, read off its shape.

    Attributes:
        subject: ``self`` (I), ``household`` (we, me and my wife) or ``possessive`` ("my gym").
        owner: The possessed noun phrase for a possessive subject ("gym", "favorite food").
        verb: The verb as written ("drove").
        predicate: The lemma and the particles that belong to it (``"work at"``, ``"be"``).
        obj: The object phrase as written, without trailing qualifiers ("a Honda Fit").
        negated: Whether the predicate is denied ("not", "never", "no longer", "don't").
        past: Whether it is told in the past tense ("I lived", "I was").
        used_to: Whether it is a former habit or state ("I used to live in Paris").
        progressive: Whether the verb is in the -ing form ("I am learning").
        modal: Whether a modal governs it ("I would", "I could", "I will").
        changed: Whether a change marker is present ("now", "switched", "no longer").
        core: The clause up to the end of the object, for the memory's content.
    """

    subject: str
    owner: str
    verb: str
    predicate: str
    obj: str
    negated: bool
    past: bool
    used_to: bool
    progressive: bool
    modal: bool
    changed: bool
    core: str


def lemma(word: str) -> str:
    """The base form of a verb: "drove" -> "drive", "living" -> "live", "studies" -> "study"."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)]
            if stem.endswith("i") and suffix == "ed":
                return stem[:-1] + "y"
            if stem + "e" in _E_VERBS:
                return stem + "e"
            if _DOUBLED.search(stem) and stem[-1] != "l":
                return stem[:-1]
            return stem
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("shes", "ches", "sses", "xes", "oes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def analyse(text: str) -> Analysis | None:
    """Read a first-person clause; ``None`` when it has no first-person subject and verb."""
    m = _SUBJECT.match(text)
    if m is None:
        return None
    if m["poss"]:
        subject, owner = "possessive", " ".join(m["poss"].split()[1:])
    else:
        subject, owner = ("household" if m["pair"] or m["i"].lower() == "we" else "self"), ""
    rest = text[m.end():].split()
    negated = past = used_to = progressive = modal = False
    i = 0
    while i < len(rest):
        w = rest[i].lower().strip(",")
        nxt = rest[i + 1].lower() if i + 1 < len(rest) else ""
        if w in _ADVERBS or (w in {"of", "a"} and i and rest[i - 1].lower() in {"kind", "sort", "bit"}):
            i += 1
        elif w in {"not", "never", "cannot"} or w.endswith("n't"):
            if w == "cannot" and nxt == "stand":
                break
            negated, past = True, past or w in {"didn't", "wasn't", "weren't", "hadn't"}
            if w in {"wouldn't", "couldn't", "won't", "shouldn't", "can't", "cannot"}:
                modal = modal or w not in {"can't", "cannot"}
            i += 1
        elif w == "no" and nxt in {"longer", "more"}:
            negated, i = True, i + 2
        elif w == "used" and nxt == "to":
            used_to, i = True, i + 2
        elif w in _MODALS and not (w == "would" and nxt in {"like", "love"}):
            modal, i = True, i + 1
        elif w == "would":
            i += 1
        elif w in _AUX_DO and nxt and (nxt in _ADVERBS or nxt.endswith("n't") or nxt in {"not", "never"}):
            past, i = past or w == "did", i + 1
        elif w in {"have", "has", "had"} and nxt in {"been", "got", "gotten"} | {"not", "never", "always", "just"}:
            past = past or w == "had"
            i += 1
            if nxt == "been" and i + 1 < len(rest) and rest[i + 1].lower().endswith("ing"):
                i += 1  # "have been living" reads as "living"
        elif w in {"am", "is", "are", "was", "were"} and nxt.endswith("ing") and nxt not in {"thing", "king"}:
            past, progressive, i = past or w in {"was", "were"}, True, i + 1
        elif w in {"have", "has", "had"} and (
            (nxt.endswith("ed") and nxt not in {"need", "seed", "feed"}) or (nxt in _IRREGULAR and lemma(nxt) != "have")
        ):
            i += 1  # "I have moved" reads as "moved", told as a present perfect
        else:
            break
    if i >= len(rest):
        return None
    verb = rest[i]
    lower = verb.lower()
    if lower in {"cannot", "can't"}:
        base = "cannot"
    else:
        base = lemma(lower)
    past = past or lower in {"was", "were", "had"} or (lower != base and lower.endswith("ed")) or (
        lower in _IRREGULAR and lower not in {"am", "is", "are", "has", "be", "been", "being", "does", "goes", "lives"}
        and not lower.endswith("ing")
        # "I read a book every week", "I quit by 5 every day": the same form as a present habit
        and not (lower in _SAME_FORMS and _HABITUAL.search(text))
    )
    dropped = 0
    if base == "be":
        # "I am no longer at IBM", "I'm not vegan": the denial may follow the copula
        after = [w.lower() for w in rest[i + 1:i + 3]]
        if after[:1] and after[0] in {"not", "never"}:
            negated, rest, dropped = True, rest[: i + 1] + rest[i + 2:], 1
        elif after == ["no", "longer"]:
            negated, rest, dropped = True, rest[: i + 1] + rest[i + 3:], 2
    predicate, taken = _predicate(base, rest[i + 1:])
    obj_words = rest[i + 1 + taken:]
    obj = _OBJECT_END.split(" ".join(obj_words), maxsplit=1)[0].strip(" ,.")
    core_words = text[m.end():].split()[: i + 1 + dropped + taken] + obj.split()
    core = " ".join(text[: m.end()].split() + core_words)
    return Analysis(
        subject=subject,
        owner=owner,
        verb=verb,
        predicate=predicate,
        obj=obj,
        negated=negated,
        past=past and not progressive or (past and lower.endswith("ed")),
        used_to=used_to,
        progressive=progressive or (lower.endswith("ing") and base != lower),  # "sing", "bring" are no -ing forms
        modal=modal,
        changed=bool(_CHANGE_WORDS.search(text)),
        core=core,
    )


def _predicate(base: str, after: list[str]) -> tuple[str, int]:
    """The longest known predicate from ``base`` and the words after it: ("be", "allergic to ...")."""
    skipped = 0
    while skipped < len(after) and after[skipped].lower() in _ADVERBS:
        skipped += 1  # "I am now in Valencia": the adverb is not part of the object
    words = [w.lower().strip(",.") for w in after[skipped:skipped + _MAX_PARTICLES]]
    for n in range(len(words), 0, -1):
        candidate = "_".join([base, *words[:n]]).replace("_", " ")
        if candidate in PREDICATES and words[n - 1] not in {"a", "an", "the"}:
            return candidate, skipped + n
    return base, 0


def object_head(obj: str) -> str:
    """The head word of an object phrase: "a big old Honda Fit" -> "fit" (its last word)."""
    head = re.split(r"\s+(?:in|at|from|for|with|of|on|to|since|by|named|called)\s+", obj, maxsplit=1)[0]
    tokens = head.lower().split()
    return tokens[-1].strip(".,!?'\"") if tokens else ""

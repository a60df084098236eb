"""Terse shapes that carry a fact without a full clause: lists that drop the subject, counted
people and animals, keyed fragments and answers to the assistant's question.

- "I'm 42, divorced, one daughter, live in Phoenix": after a first-person opening, each short
  comma item is a clause of its own with the subject dropped (:func:`list_items`);
- "Two kids", "one daughter", "3 cats": a count of people or animals is what the user has
  (:func:`counted`);
- "Roommate: Jordan", "Laptop: ThinkPad X1": a keyed fragment is "my <key> is <value>"
  (:func:`keyed_fragment`);
- assistant "Where do you live?" / user "Lisbon, for now.": the answer fills the question, read
  back in the first person ("I live in Lisbon") (:func:`answer_to`).
"""

from __future__ import annotations

import re

from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules import _vocab as vocab

__all__ = ["answer_to", "counted", "keyed_fragment", "list_items"]

_ITEM_WORDS = 6
_OPENING = re.compile(r"^(?:(?:quick intro|about me|me|intro|so|ok|okay|hi|hey|hello)\s*[:,-]\s*)?(?P<rest>.+)$", re.I)
_FIRST_PERSON_START = re.compile(r"^(?:I|I'm|I am|my)\b", re.I)
_NUMBER = r"(?:\d+|" + "|".join(sorted(lex.NUMBER_WORDS, key=len, reverse=True)) + r"|a|an|no)"
_COUNTED = re.compile(rf"^(?P<n>{_NUMBER})\s+(?:(?:little|young|grown|adult|small|big|old|rescue)\s+)?(?P<noun>[\w-]+)$", re.I)


_APPOSITION = re.compile(rf"\b(?:my|our) (?:\w+ )?(?:{'|'.join(sorted(vocab.FAMILY | vocab.ANIMALS, key=len, reverse=True))})$", re.I)


def list_items(sentence: str) -> list[str] | None:
    """The items of a subject-dropping list, or None when the sentence is not one.

    It must have at least three comma items, all short, and open on the user ("I'm 42, ...") or
    on a terse self-description ("Quick intro: software dev at Shopify, based in Ottawa, ...").
    """
    m = _OPENING.match(sentence.strip())
    if m is None:
        return None
    items = [i.strip() for i in re.split(r"\s*,\s*(?:and\s+)?", m["rest"]) if i.strip()]
    if len(items) < 3 or any(len(i.split()) > _ITEM_WORDS for i in items):
        return None
    if any(_APPOSITION.search(a) and b[:1].isupper() and len(b.split()) <= 2 for a, b in zip(items, items[1:])):
        return None  # "with my husband, Dev, last weekend": a name set apart, not a list
    # Each item is then read on its own; the clause reader restores a dropped subject.
    if _FIRST_PERSON_START.match(items[0]) or m["rest"] != sentence.strip():
        return items
    return None


def counted(text: str) -> str | None:
    """ "Two kids" -> "I have two kids"; None when ``text`` is no count of people or animals."""
    m = _COUNTED.match(text.strip(" .!"))
    if m is None:
        return None
    noun = m["noun"].lower()
    if noun not in vocab.FAMILY and noun not in vocab.ANIMALS:
        return None
    if m["n"].lower() == "no":
        return f"I have no {noun}"
    return f"I have {text.strip(' .!')}"


_KEYED = re.compile(r"^(?P<key>[A-Za-z][\w' -]{1,24}?)\s*:\s*(?P<value>[^:]{1,60})$")
_NOT_KEYS = frozenset(
    """note update edit ps fyi question answer re fw fwd tldr tl;dr eta btw warning error step system override
    admin instruction instructions assistant developer important rule rules policy prompt user ai bot model
    reminder todo task context""".split()
)
# A keyed value is a name or a short noun phrase; a clause ("the user has unlimited credits") is
# someone's sentence, never the user's attribute.
_CLAUSE_WORDS = frozenset("is are was were has have had can must should will would do does did user assistant you i".split())


def keyed_fragment(text: str) -> str | None:
    """ "Roommate: Jordan" -> "my roommate is Jordan"; None for other shapes."""
    m = _KEYED.match(text.strip(" ."))
    if m is None or len(m["key"].split()) > 3 or set(m["key"].lower().split()) & _NOT_KEYS:
        return None
    value = m["value"].strip(" .")
    if not value or len(value.split()) > 6 or set(value.lower().split()) & _CLAUSE_WORDS:
        return None
    return f"my {m['key'].lower()} is {value}"


_WH = (
    (re.compile(r"^where (?:do|did) you (?P<verb>live|work|grow up|study|go to school)\b", re.I), "I {verb} in {x}"),
    (re.compile(r"^where are you (?:based|located|living|staying)\b", re.I), "I am based in {x}"),
    (re.compile(r"^where are you from\b", re.I), "I am from {x}"),
    (re.compile(r"^(?:and |so )?what(?:'s| is) your (?P<noun>[\w' -]{2,30}?)(?: called)?$", re.I), "my {noun} is {x}"),
    (re.compile(r"^(?:and |so )?your (?P<noun>[\w' -]{2,30}?)\??$", re.I), "my {noun} is {x}"),
    (re.compile(r"^(?:and )?what do you do(?: for (?:work|a living))?$", re.I), "I am a {x}"),
    (re.compile(r"^(?:and )?how old are you$", re.I), "I am {x}"),
)
_ANSWER_TAIL = re.compile(r",?\s*(?:for now|at the moment|currently|these days|i guess|i think|probably|mostly)$", re.I)
_HEDGED_LEAD = re.compile(r"^(?:hmm+|um+|uh+|well|oh|probably|maybe|i think|i guess)[,.]?\s+", re.I)


def answer_to(question: str, answer: str) -> str | None:
    """The user's short answer read back through the assistant's question, or None.

    "Where do you live?" + "Lisbon, for now" -> "I live in Lisbon"; "And your dog's name?" +
    "Waffles" -> "my dog's name is Waffles". Only a short answer without a verb of its own.
    """
    q = question.strip().rstrip("?").strip()
    q = re.split(r"(?<=[.!])\s+", q)[-1]  # the last sentence is the question
    x = _ANSWER_TAIL.sub("", _HEDGED_LEAD.sub("", answer.strip(" .!"))).strip(" ,.")
    if not x or len(x.split()) > 4 or _FIRST_PERSON_START.match(x) or x.lower() in {"yes", "no", "yeah", "nope"}:
        return None
    for pattern, template in _WH:
        if m := pattern.match(q):
            noun = (m.groupdict().get("noun") or "").lower()
            return template.format(verb=m.groupdict().get("verb") or "", noun=noun, x=x)
    return None

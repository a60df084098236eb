"""Small text helpers the domain observers share."""

from __future__ import annotations

import re
from collections.abc import Iterable

from accord.domain import lexical

__all__ = ["clip", "match_known", "sentences", "topic_phrase"]

_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+|,\s+(?:but|and|so|though)\s+", re.IGNORECASE)
_TRAIL = re.compile(
    r"\s+(?:now|anymore|any more|at all|either|too|again|lately|these days|finally|yet|really|very well|well|a lot|"
    r"so much|much|all the time|every time|today|this week|for (?:my|the) \w+(?: \w+)?)$",
    re.IGNORECASE,
)
_LEAD = re.compile(r"^(?:the|a|an|my|our|these|those|this|that|doing|solving)\s+", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SPLIT.split(text) if s and s.strip()]


def topic_phrase(raw: str) -> str:
    """"the quadratic equations now!" -> "quadratic equations"."""
    text = raw.strip(" .,!?;:'\"")
    text = re.split(r"\s+(?:because|since|when|but|and i|so|which|that i|if)\s+", text, maxsplit=1, flags=re.IGNORECASE)[0]
    prev = None
    while prev != text:
        prev = text
        text = _TRAIL.sub("", text).strip(" .,!?")
        text = _LEAD.sub("", text)
    return text.lower()


def match_known(item: str, known: Iterable[str]) -> str:
    """A known item that names the same thing, else ``item``: the same first content word's stem
    ("quadratics" is "quadratic equations"), so a topic keeps one name across sessions."""
    terms = lexical.tokenize(item)
    if not terms:
        return item
    for k in known:
        kt = lexical.tokenize(k)
        if kt and kt[0] == terms[0] and (set(kt) <= set(terms) or set(terms) <= set(kt)):
            return k
    return item


def clip(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"

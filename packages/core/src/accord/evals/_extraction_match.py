"""Does a memory's content say what a case expects? Plain functions over text, no I/O.

Two rules:

- :func:`satisfies` — the corpus's keywords: case-insensitive, each entry a whole word or
  phrase (a list entry: any one of its strings). The last word of a phrase may carry a plural
  or possessive ending (``dog`` matches ``dogs``, ``civic`` matches ``Civic's``, ``hobby``
  matches ``hobbies``); words of a phrase may be split by spaces or hyphens; curly apostrophes
  count as straight ones.
- :func:`keeps_content` — for persona statements, which carry no keywords: the memory holds
  at least half of the statement's content words (:func:`content_words`: lowercased, stop
  words and contractions dropped, light suffix stripping).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

__all__ = [
    "STOP_WORDS",
    "content_words",
    "keeps_content",
    "keyword_pattern",
    "normalize",
    "satisfies",
    "stem",
]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_ENDINGS = r"(?:'s|s'|'|s|es)?"


def normalize(text: str) -> str:
    """Lowercased, with curly apostrophes made straight."""
    return text.translate(_APOSTROPHES).lower()


@functools.lru_cache(maxsize=4096)
def keyword_pattern(phrase: str) -> re.Pattern[str]:
    """The whole-word pattern of one keyword string (see the module docstring)."""
    words = normalize(phrase).split()
    if not words:
        raise ValueError("a keyword must hold a word")
    *head, last = words
    tail = re.escape(last) + _ENDINGS
    if len(last) > 2 and last.endswith("y"):
        tail = f"(?:{re.escape(last[:-1])}ies|{tail})"
    body = r"[\s-]+".join([*(re.escape(w) for w in head), tail])
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _entry_found(text: str, entry: str | Sequence[str]) -> bool:
    options = [entry] if isinstance(entry, str) else entry
    return any(keyword_pattern(option).search(text) for option in options)


def satisfies(content: str, keywords: Sequence[str | Sequence[str]]) -> bool:
    """Does ``content`` say every keyword entry (a list entry: any one of its strings)?"""
    text = normalize(content)
    return all(_entry_found(text, entry) for entry in keywords)


STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can cannot could did do does doing down during each few for from further
    get got had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours ourselves
    out over own really same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up user very was we were what when where
    which while who whom why will with would you your yours yourself yourselves
    """.split()
)
"""Function words, pronouns and auxiliaries; ``user`` too, since memories say "User ..."."""

_TOKEN = re.compile(r"[a-z0-9']+")


def stem(word: str) -> str:
    """A light suffix stripper, the same on both sides: ``loves``, ``loved``, ``loving`` and
    ``love`` all become ``lov``; ``studies`` and ``studied`` become ``study``."""
    for suffix, replacement, shortest in (("ies", "y", 5), ("ied", "y", 5), ("ing", "", 6), ("ed", "", 5)):
        if word.endswith(suffix) and len(word) >= shortest and not word.endswith("eed"):
            word = word[: -len(suffix)] + replacement
            break
    else:
        if len(word) >= 4 and word.endswith("es"):
            word = word[:-2]
        elif len(word) >= 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    if len(word) >= 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "aeiou0123456789":
        word = word[:-1]
    return word


def content_words(text: str) -> frozenset[str]:
    """The stemmed content words of ``text``: no stop words, no contractions (``I'm``, ``don't``)."""
    out: set[str] = set()
    for token in _TOKEN.findall(normalize(text)):
        token = token.strip("'")
        if token.endswith("'s"):
            token = token[:-2]
        if not token or "'" in token or token in STOP_WORDS:
            continue
        out.add(stem(token))
    return frozenset(out)


def keeps_content(statement: str, memory: str) -> bool:
    """Does ``memory`` hold at least half of ``statement``'s content words? False when the
    statement has none."""
    wanted = content_words(statement)
    if not wanted:
        return False
    return 2 * len(wanted & content_words(memory)) >= len(wanted)

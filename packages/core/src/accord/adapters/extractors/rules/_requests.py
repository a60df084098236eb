"""Standing requests about how the assistant should answer: "Short answers.", "No emojis",
"can u keep it short", "Please explain me step by step".

A sentence is a standing request when it speaks to the assistant (an imperative, "you", a
"can you" question or a bare noun phrase) and names an aspect of the reply listed in
:data:`STYLE`; one-off markers ("for this one", "this time") keep it out. The aspect gives the
key (``procedure:response_length`` ...), so "keep it brief" later supersedes "long answers".
"""

from __future__ import annotations

import re

from accord.domain.models import Category
from accord.adapters.extractors.rules._base import PROCEDURE, Draft

# Aspect of a reply -> words that name a choice about it. Data, not patterns: add words here.
STYLE: dict[str, tuple[str, ...]] = {
    "response_length": ("short", "shorter", "brief", "briefer", "concise", "long", "longer", "detailed",
                        "tl;dr", "to the point", "one line", "walls of text"),
    "response_format": ("bullet", "bullets", "bullet points", "emoji", "emojis", "table", "tables",
                        "markdown", "numbered", "step by step", "options", "answer first", "headings",
                        "examples", "summary first"),
    "tone": ("casual", "formal", "informal", "friendly", "swear", "swearing", "profanity", "jargon",
             "simple words", "plain english", "great question", "blunt", "polite"),
    "units": ("metric", "imperial", "celsius", "fahrenheit", "kilometers", "miles", "kg", "pounds"),
    "citation": ("sources", "source", "cite", "citations", "links", "references"),
    "code_style": ("type hints", "comments", "docstrings", "tabs", "spaces"),
}
_STYLE_RE = {
    aspect: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.I)
    for aspect, words in STYLE.items()
}
_ADDRESSED = re.compile(
    r"^(?:please\s+|pls\s+|just\s+|always\s+|never\s+)*(?:keep|use|answer|respond|reply|write|explain|give|"
    r"cite|stop|avoid|include|be|no|don't|do not|skip|talk|show|add|put|format|send|make)\b"
    r"|^(?:can|could|would|will)\s+(?:you|u)\b|\b(?:you|your answers|your replies|responses)\b",
    re.I,
)
_ONE_OFF = re.compile(
    r"\b(?:this (?:one|time|answer|message|reply|email|post|tweet|poem|essay)|for now|this next|next message|"
    r"for today|right now|the next one|just this|for this)\b",
    re.I,
)
_FIRST_PERSON = re.compile(r"^\W*(?:i|i'm|im|my|we|our)\b", re.I)
_ABOUT_REPLIES = re.compile(r"\b(?:you|u|your|answers?|replies|responses?|explanations?)\b", re.I)
_BARE_PHRASE = re.compile(r"^(?:no\s+)?[\w;'-]+(?:\s+[\w;'-]+){0,3}(?:,\s*(?:always|please|only))?$", re.I)


def standing_requests(sentence: str) -> list[Draft]:
    """One procedure draft per reply aspect a standing request names; none for anything else."""
    text = sentence.strip()
    if _ONE_OFF.search(text):
        return []
    if _FIRST_PERSON.match(text) and not _ABOUT_REPLIES.search(text):
        return []  # "I hate long meetings" is about meetings; "I prefer you write me short" is a request
    if not (_ADDRESSED.search(text) or _BARE_PHRASE.match(text)):
        return []
    drafts = []
    for aspect, pattern in _STYLE_RE.items():
        if pattern.search(text):
            content = f"User's standing request for replies: {text[:1].lower()}{text[1:]}"
            drafts.append(Draft(content, Category.PROCEDURE, PROCEDURE, f"procedure:{aspect}", None))
    return drafts

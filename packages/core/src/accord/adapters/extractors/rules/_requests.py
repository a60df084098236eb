"""Standing requests about how the assistant should answer: "Short answers.", "No emojis",
"can u keep it short", "I sort of prefer it when you ask me clarifying questions", "It would be
helpful if you concluded each answer with a summary", "So please, grams from now on."

A sentence is a standing request when it speaks to the assistant (an imperative, "you", "please",
a "can you" question, a polite "it would be helpful if you", or a bare noun phrase) about its
replies; one-off markers ("for this one", "this time") keep it out. Each aspect of a reply the
sentence names (:data:`STYLE`, data rather than patterns) gives one memory, keyed
``procedure:<aspect>`` so that "keep it brief" later supersedes "long answers", with the part of
the sentence that names it as content ("Answer in French, keep it brief, and use metric" -> three).
A request that names no listed aspect but is plainly standing ("always", "from now on",
"whenever you", "I prefer it when you") is still kept, without a key.
"""

from __future__ import annotations

import re

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import PROCEDURE, Draft

__all__ = ["STYLE", "aspect_key", "standing_requests"]

_LANGUAGES = tuple(sorted(lex.SPOKEN_LANGUAGES | {"spanglish", "franglais", "hinglish", "taglish"}, key=len, reverse=True))

# Aspect of a reply -> words or phrases that name a choice about it. Data, not patterns: add words here.
STYLE: dict[str, tuple[str, ...]] = {
    "response_length": ("short", "shorter", "brief", "briefer", "concise", "long", "longer", "detailed",
                        "tl;dr", "to the point", "one line", "walls of text", "wall of text", "in detail",
                        "less detail", "more detail", "succinct", "lengthy", "wordy", "long-winded"),
    "response_format": ("bullet", "bullets", "bullet points", "emoji", "emojis", "table", "tables",
                        "markdown", "numbered", "step by step", "step-by-step", "options", "answer first",
                        "headings", "headers", "examples", "summary", "summary first", "code first",
                        "bottom line first", "paragraphs", "lists", "checklist", "rows", "columns", "outline"),
    "response_language": tuple(f"in {lang}" for lang in _LANGUAGES)
    + tuple(
        f"{lang} {tail}"
        for lang in _LANGUAGES
        for tail in ("always", "only", "please", "por favor", "from now on", "from here on", "going forward")
    ),
    "tone": ("casual", "formal", "informal", "friendly", "swear", "swearing", "profanity", "curse", "cursing",
             "jargon", "simple words", "plain english", "plain language", "great question", "blunt", "polite",
             "sugarcoat", "sugar-coat", "stop saying", "tone", "sarcasm", "sarcastic", "humor", "humour",
             "straight", "honest", "gentle", "encouraging", "cheerful"),
    "units": ("metric", "imperial", "celsius", "fahrenheit", "kilometers", "kilometres", "miles", "kg",
              "pounds", "grams", "cups", "ounces", "centimeters", "centimetres", "inches", "24-hour", "24h",
              "military time", "litres", "liters"),
    "citation": ("sources", "source", "cite", "citations", "links", "references"),
    "code_style": ("type hints", "comments", "docstrings", "tabs", "spaces", "semicolons", "snake_case",
                   "camelcase", "tests"),
    "interaction_style": ("clarifying questions", "clarifying question", "ask me", "ask before", "asked before",
                          "ask first", "check with me", "uncertainty", "uncertain", "guessing", "confirm",
                          "choices", "push back", "challenge me", "quiz me", "permission", "follow-up questions"),
    "date_format": ("date format", "dates", "dd/mm", "mm/dd", "day-month-year", "month-day-year", "iso dates",
                    "iso 8601", "yyyy-mm-dd"),
    "writing_style": ("lowercase", "uppercase", "all caps", "first person", "second person", "active voice",
                      "passive voice", "oxford comma", "title case", "sentence case"),
    "spelling": ("british spelling", "american spelling", "uk spelling", "us spelling", "british english",
                 "american english", "australian spelling", "canadian spelling"),
}
_STYLE_RE = {
    aspect: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)", re.I)
    for aspect, words in STYLE.items()
}
# The sentence speaks to the assistant.
_ADDRESSED = re.compile(
    r"^(?:please\s+|pls\s+|plz\s+|just\s+|always\s+|never\s+|so\s+|and\s+|also\s+|fr\s+)*(?:keep|use|answer|respond|"
    r"reply|write|explain|give|cite|stop|avoid|include|be|no|don't|do not|skip|talk|show|add|put|format|send|"
    r"make|ask|flag|conclude|end|start|spell|express)\b"
    r"|^(?:can|could|would|will)\s+(?:you|u)\b|\b(?:you|u|ur|your|yr)\b|\bplease\b|\bpls\b|\bplz\b"
    r"|\b(?:answers|replies|responses|explanations|instructions)\b"
    r"|\bkeep (?:it|them|em|'em|things)\b|^(?:it's|its|it is) (?:ok|okay|fine|alright|cool) (?:to|if)\b"
    r"|\bI (?:should|would|'d) (?:like|prefer|appreciate)\b|\bI ask that\b|\bfrom now on\b",
    re.I,
)
_ONE_OFF = re.compile(
    r"\b(?:this (?:one|time|answer|message|reply|email|post|tweet|poem|essay)|for now|this next|next message|"
    r"for today|right now|the next one|just this|for this|this story|this text|this draft)\b",
    re.I,
)
_FIRST_PERSON = re.compile(r"^\W*(?:i|i'm|im|my|we|our)\b", re.I)
_ABOUT_REPLIES = re.compile(
    r"\b(?:you|u|ur|your|answers?|replies|responses?|explanations?|instructions|dates|format|formatted|"
    r"expressed|spelling|captions?)\b",
    re.I,
)
_BARE_PHRASE = re.compile(r"^(?:no\s+)?[\w;'-]+(?:\s+[\w;'-]+){0,3}(?:,\s*(?:always|please|only|por favor))?$", re.I)
# "Code first, explanation after": a bare order of parts.
_ORDER = re.compile(r"^\w+(?: \w+)? first,? (?:then )?(?:the )?\w+(?: \w+)? (?:after|later|second|next)$", re.I)
# Marks of a standing wish when no listed aspect says what it is about.
_STANDING = re.compile(
    r"\b(?:always|never|every time|whenever|from now on|going forward|in general|by default|each time|"
    r"(?:prefer|like|love|hate|appreciate)(?: it)? when(?:ever)? you|"
    r"(?:it would|it'd) be (?:helpful|great|nice|good|better) if you|I ask that you|I(?:'d| would) prefer (?:if|that) you|"
    r"(?:please )?(?:stop|don't ever|never) (?:\w+ing)\b)",
    re.I,
)
_PARTS = re.compile(r"\s*(?:[,;]|\band\b|\bbut\b)\s*", re.I)


def _parts(text: str) -> list[str]:
    """The comma-, semicolon- and "and"-separated parts, each long enough to say something."""
    return [p.strip() for p in _PARTS.split(text) if p and p.strip()]


# One key per aspect; the reply language keeps the key the "respond in <language>" rule gives it.
_KEYS = {"response_language": "preferred_language"}


def _language(text: str) -> str | None:
    """The reply language a request names, as the "respond in <language>" rule spells it."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    return next((lang for lang in _LANGUAGES if lang in words), None)


def aspect_key(text: str) -> str | None:
    """The key of the one reply aspect ``text`` names ("keep answers short" -> the length), or None
    when it names none or several."""
    aspects = [aspect for aspect, pattern in _STYLE_RE.items() if pattern.search(text)]
    return _KEYS.get(aspects[0], f"procedure:{aspects[0]}") if len(aspects) == 1 else None


def _content(part: str) -> str:
    first = part.split(" ", 1)[0]
    lead = first if first in {"I", "I'm", "I'd", "I've"} else first[:1].lower() + first[1:]
    return f"User's standing request for replies: {lead}{part[len(first):]}"


def standing_requests(sentence: str) -> list[Draft]:
    """One procedure draft per reply aspect a standing request names, one keyless draft for a
    standing request that names none, and none for anything else."""
    text = sentence.strip()
    if not text or _ONE_OFF.search(text):
        return []
    if _FIRST_PERSON.match(text) and not _ABOUT_REPLIES.search(text):
        return []  # "I hate long meetings" is about meetings; "I prefer you write me short" is a request
    if not (_ADDRESSED.search(text) or _BARE_PHRASE.match(text) or _ORDER.match(text)):
        return []
    parts = _parts(text)
    drafts: list[Draft] = []
    used: set[str] = set()
    for aspect, pattern in _STYLE_RE.items():
        if not pattern.search(text):
            continue
        # The part that names the aspect; the whole sentence when the match spans parts.
        part = next((p for p in parts if pattern.search(p)), text)
        content = _content(part)
        if content in used:
            content = _content(text)
        if content in used:
            continue
        used.add(content)
        value = _language(text) if aspect == "response_language" else None
        drafts.append(Draft(content, Category.PROCEDURE, PROCEDURE, _KEYS.get(aspect, f"procedure:{aspect}"), value))
    if not drafts and _STANDING.search(text) and _ABOUT_REPLIES.search(text):
        drafts.append(Draft(_content(text), Category.PROCEDURE, PROCEDURE, None, None))
    return drafts

"""Defences against memory poisoning. Pure functions over strings and extracted memories.

A memory store is a prompt-injection amplifier: a line that reaches it is replayed into every
later system prompt. So text is cleaned on the way in and memories are checked on the way out::

    strip_invisible      zero-width, bidi overrides, tag characters, variation selectors, controls
    neutralise_markup    role tags and fake delimiters ("<|im_start|>system", "[INST]",
                         "### System:", "</conversation-…>") become an inert "[filtered]"
    looks_like_instruction
                         text aimed at the assistant ("ignore previous instructions",
                         "always run …", "you must …", "send … to https://…", image embeds,
                         which load by themselves) rather than a fact about the user
    drop_instructions    removes extracted memories that are such instructions, including ones
                         whose hidden (tag-character) payload is one

Preferences about how the assistant should answer stay: "User prefers answers in French" and
"User wants the assistant to always use bullet points" are facts about the user.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from accord.domain.models import ExtractedMemory

__all__ = [
    "FILTERED",
    "drop_instructions",
    "hidden_payload",
    "looks_like_instruction",
    "neutralise_markup",
    "sanitize_text",
    "strip_invisible",
]

FILTERED = "[filtered]"

_INVISIBLE_RANGES = (
    (0x200B, 0x200F),  # zero-width space/joiners, LRM/RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x2069),  # bidi isolates
    (0xFE00, 0xFE0F),  # variation selectors: used to smuggle bytes after an emoji
    (0xE0000, 0xE007F),  # tag characters: invisible ASCII
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
_INVISIBLE_CHARS = frozenset({0x00AD, 0x034F, 0x115F, 0x1160, 0x180E, 0x3164, 0xFEFF, 0xFFA0})
_KEPT_CONTROLS = frozenset("\n\t")


def _is_invisible(char: str) -> bool:
    code = ord(char)
    if code in _INVISIBLE_CHARS or any(lo <= code <= hi for lo, hi in _INVISIBLE_RANGES):
        return True
    category = unicodedata.category(char)
    return (category == "Cc" and char not in _KEPT_CONTROLS) or category == "Cf"


def strip_invisible(text: str) -> str:
    """Remove characters a reader cannot see but a model reads (``\\r`` becomes a newline).

    Emoji joined by U+200D fall apart into their parts: a small price for no hidden text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if not _is_invisible(c))


def hidden_payload(text: str) -> str:
    """The ASCII hidden in tag characters (U+E0020–U+E007E), e.g. to check it for instructions."""
    return "".join(chr(ord(c) - 0xE0000) for c in text if 0xE0020 <= ord(c) <= 0xE007E)


_ROLES = r"system|assistant|user|human|ai|developer|tool|function|model|bot|instructions?"
_LINE_ROLES = r"system|assistant|user|human|ai|developer|instructions?"
_MARKUP = re.compile(
    "|".join(
        (
            r"<\|[^|<>\n]{0,40}\|>",  # chat-template tokens: <|im_start|>, <|endoftext|>
            r"\[/?(?:INST|SYS|SYSTEM|ASSISTANT|USER)\]",
            r"<</?SYS>>",
            r"</?s>",
            # XML-like role tags and our own delimiters, with any suffix or attributes:
            # <system>, </user_input>, <conversation-7f3a…>, <turn-… index=2 role=user>.
            (
                rf"</?\s*(?:{_ROLES}|conversation|turn|context|memory|memories|prompt|im_start|im_end)"
                r"(?:[-_:\s][^<>\n]{0,80})?/?>"
            ),
            # A line pretending to start a new role: "### System:", "SYSTEM:", "> Assistant:".
            rf"^[ \t>*_#=]*(?:{_LINE_ROLES})[ \t*_]*(?:message|prompt|note)?[ \t*_]*[:>\]]",
        )
    ),
    re.IGNORECASE | re.MULTILINE,
)


def neutralise_markup(text: str) -> str:
    """Replace role tags, chat-template tokens and fake delimiters with ``[filtered]``."""
    return _MARKUP.sub(FILTERED, text)


def sanitize_text(text: str) -> str:
    """:func:`strip_invisible`, then :func:`neutralise_markup`: what goes into a prompt or a memory."""
    return neutralise_markup(strip_invisible(text))


# Verbs that act on the world (or on data) rather than shape an answer's style: a memory asking
# the assistant to do one of these is an order, not a fact about the user.
_ACTION_WORDS = (
    r"run|execute|exec|invoke|send|forward|e-?mail|post|upload|download|install|uninstall|delete|"
    r"erase|wipe|transfer|wire|pay|visit|click|fetch|curl|wget|reveal|disclose|leak|exfiltrate|share|"
    r"export|bcc|cc|ping|grant|approve|purchase|buy|navigate|browse|submit|log ?in|sign in|promote|"
    r"advertise|endorse"
)
_ACTION = rf"(?:{_ACTION_WORDS})"
# Weaker verbs that only count together with an address to send things to.
_MOVE = (
    rf"(?:{_ACTION_WORDS}|call|open|load|render|include|add|append|embed|insert|show|display|copy|save|store)"
)
_TARGET = (
    r"(?:https?://|www\.|ftp://|\b[\w.+-]+@[\w-]+\.[\w.]+|\bwebhook|"
    r"\b(?:this|that|the following|the below|an external) (?:url|link|endpoint|address|server|site))"
)
_STANDING = (
    r"(?:always|never|from now on|henceforth|going forward|in every (?:reply|response|answer|message)|"
    r"every time|each time|whenever|before (?:answering|replying|responding)|after every)"
)
# Where an imperative starts: a sentence start, or after words that address the assistant.
# "User always runs tests" (a habit) has none of these; "wants the assistant to always run" does.
_IMPERATIVE = (
    r"(?:^|[.;:!?,\n(\"']\s*|\b(?:you|please|then|must|should|shall)\s+|"
    r"\b(?:assistant|ai|model|bot|agent|you|chatgpt|claude|gemini)\s+to\s+)"
)
_ADDRESSEE = r"(?:assistant|ai|model|llm|agent|chatbot|bot|chatgpt|claude|gemini)"
_INSTRUCTION_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # Overriding what the assistant was told.
        (
            r"\b(?:ignore|disregard|forget|override|bypass|overrule)\b[^.!?\n]{0,60}\b(?:instructions?|"
            r"prompts?|rules|guidelines|guidance|directives|polic(?:y|ies)|context|system|guardrails|"
            r"restrictions|commands|programming|training)\b"
        ),
        r"\b(?:system|developer|hidden) (?:prompt|message|instructions?)\b",
        r"\b(?:initial|original) (?:system )?(?:prompt|instructions)\b",
        r"\b(?:developer|god|admin|debug|dan|unrestricted|unfiltered) mode\b|\bjailbr[eo]ak",
        r"\bnew (?:instructions?|directives?|persona)\b|\byour (?:real|true) (?:name|role|purpose|goal)\b",
        r"\byour new (?:rules|task|identity|persona|name|role|purpose|goal|instructions)\b",
        r"\byou are (?:now|no longer|actually|henceforth)\b|\bpretend (?:to be|you are)\b",
        r"\b(?:you|assistant)\b[^.]{0,20}\b(?:pretend|role-?play)\b",
        r"\bact as (?:if|though|an? (?:unrestricted|unfiltered|jailbroken|evil|different)|dan\b|root\b|admin|system\b)",
        # Addressing the model rather than describing the user.
        r"\byou (?:must|should|shall|will|need to|have to|are (?:required|instructed|ordered) to)\b",
        rf"\b{_ADDRESSEE} (?:must|shall|is required to|has to|needs to)\b",
        rf"\b(?:note|message|instructions?|reminder) (?:to|for) (?:the |any )?{_ADDRESSEE}\b",
        rf"\b(?:dear|attention|hey) {_ADDRESSEE}\b",
        r"\bremember (?:that you|to always|to never|you must|this instruction)\b",
        r"\b(?:important|priority|urgent|critical|mandatory|admin|system) (?:instruction|directive|override|command)\b",
        # Orders to act, in the imperative: "always run", "from now on send", "assistant to forward".
        rf"{_IMPERATIVE}{_STANDING},?\s+(?:\w+\s+){{0,2}}?{_ACTION}\b",
        rf"\b(?:{_ADDRESSEE}|you)\s+(?:to|should|must|will|shall|can)\s+(?:\w+\s+)?{_ACTION}\b",
        rf"{_IMPERATIVE}{_STANDING}\b[^.!?\n]{{0,60}}{_TARGET}",
        # Exfiltration: data sent to an address, or an image (it loads by itself) in a memory.
        rf"^\s*(?:please\s+)?{_MOVE}\b[^.!?\n]{{0,80}}{_TARGET}",
        rf"\b{_MOVE}\b[^.!?\n]{{0,80}}\b(?:to|into|at|via|on|in)\s+[^.!?\n]{{0,20}}?{_TARGET}",
        r"!\[[^\]]*\]\(\s*\S|<img\b[^>]*\bsrc\s*=",
        r"https?://\S*[?&][\w-]+=\S*(?:\{|\$|%7b|<|\[)",  # templated query: ?q={conversation}
        # Shell commands and data destruction.
        r"\brm\s+-[rf]{1,2}\b|\|\s*(?:ba|z)?sh\b|\bdrop\s+table\b|\bchmod\s+[0-7+]|\beval\s*\(|\bbase64\s+-d\b",
        r"\bsudo\s+(?:-\S+\s+)*(?:rm|chmod|chown|dd|mkfs|bash|sh|su|curl|wget|python3?|apt(?:-get)?|pip)\b",
        r"\b(?:curl|wget)\s+(?:-\S+\s+)*(?:https?://|\S+\.\S+/)|\bpowershell\s+-(?:e|enc|encodedcommand|c)\b",
    )
)
# Letters from other scripts that look Latin, used to slip past patterns ("іgnore" with a Cyrillic і).
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁɡոѵԝАВЕКМНОРСТХІЈЅαο",
    "aeopcyxijsdgnvwABEKMHOPCTXIJSao",
)


def _plain(text: str) -> str:
    """Fold look-alikes (full-width letters, other scripts) and spacing so patterns see plain text."""
    folded = unicodedata.normalize("NFKC", strip_invisible(text)).translate(_CONFUSABLES)
    return " ".join(folded.replace("\u2019", "'").split())


def looks_like_instruction(text: str) -> bool:
    """Whether ``text`` instructs the assistant (or exfiltrates data) rather than describing the user.

    Args:
        text: A memory's content or a piece of conversation.

    Returns:
        True for override attempts ("ignore previous instructions"), text addressed to the model
        ("you must …", "note to the AI"), standing orders to act ("always run …", "from now on
        send …"), exfiltration (sending data to a URL or address, image embeds, templated query
        links), shell commands; False for preferences about answers ("answer in French").
    """
    plain = _plain(text)
    return any(p.search(plain) for p in _INSTRUCTION_PATTERNS)


def _is_instruction(memory: ExtractedMemory) -> bool:
    texts = [memory.content, memory.attribute_value or "", memory.attribute_key or "", memory.context or ""]
    hidden = [hidden_payload(t) for t in texts]
    return any(looks_like_instruction(t) for t in texts + hidden if t)


def drop_instructions(memories: Iterable[ExtractedMemory]) -> list[ExtractedMemory]:
    """Keep the memories that are facts about the user; drop instructions and exfiltration.

    A memory is dropped when its content, attribute, context, or text hidden in tag
    characters inside them, :func:`looks_like_instruction`.
    """
    return [m for m in memories if not _is_instruction(m)]

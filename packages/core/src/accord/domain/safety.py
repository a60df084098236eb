"""Text a model can trust: one line, visible characters only, no markers it would obey.

Plain functions over strings. What a memory says reaches a system prompt, so anything in it
that a model (or a reader) could take for structure rather than content is neutralised:

* **Invisible characters** are removed: control characters (``Cc``), format characters
  (``Cf``: zero-width space and joiners, soft hyphen, word joiner, BOM, Unicode tag
  characters U+E0000-E007F, interlinear annotations), surrogates, private-use code points and
  noncharacters. Bidi controls (embeddings, overrides, isolates, marks) become a space instead:
  text behind an override is a separate run, and must not glue itself to the word before it
  ("Berlin" + RLO + "evil" is not "Berlinevil"). Runs of combining marks are cut to a few.
  Unassigned code points are kept (they render as boxes and are valid XML and JSON).
* **Line breaks** of every kind (``\\n``, ``\\r``, U+2028/2029, NEL, vertical tab, form feed)
  and runs of whitespace fold into one space: a rendered item is exactly one line, so it can
  never start a line of its own that looks like a heading or another bullet.
* **Chat-template and role markers** are removed: special tokens of the ``<|...|>`` form
  (ChatML, Llama 3, Phi), ``[INST]``/``<<SYS>>``, Gemma's turn markers, sentence tokens, and
  tags named after a role or after the context's own elements (``<system>``, ``</assistant>``,
  ``<user_memories>``, ``<memory ...>``). A role label that opens a line (``System:``,
  ``### Instruction:``) loses its colon and becomes plain words. Other angle-bracketed text
  (``Vec<String>``) is kept: a code assistant's memories are full of it.
* **Links** are optionally replaced by their host (``[link: example.com]``): a query string is
  where an exfiltration payload hides, and a prompt rarely needs the full address.

``clean_text`` is also applied to derived text before it is stored, and an extractor reads each
turn through ``visible_text`` (see ``engine.job``), so the store never holds an extracted fact
with hidden characters in it, nor one whose words they glued together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import regex

__all__ = ["clean_text", "neutralise_markers", "safe_line", "strip_links", "visible_text", "without_phrases"]

# Bidi embeddings/overrides/isolates/marks and the Arabic letter mark: a space, not nothing.
_BIDI = regex.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Everything else invisible: controls, format characters (incl. tags), surrogates, private use,
# noncharacters. Tabs and line breaks are controls too; they are folded to spaces first.
_INVISIBLE = regex.compile(r"[^\n\P{Cc}]|[\p{Cf}\p{Cs}\p{Co}\p{Noncharacter_Code_Point}]")
# Terminal escape sequences (colours, cursor moves): their ESC would go, the rest would stay.
_ANSI = regex.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_BREAKS = regex.compile(r"\r\n|[\n\v\f\r\x85\u2028\u2029]")
_SPACES = regex.compile(r"[\p{Zs}\s]+")
# More than this many combining marks on one base is decoration ("zalgo"), not writing.
_MAX_MARKS = 4
_MARK_RUN = regex.compile(rf"(\p{{M}}{{{_MAX_MARKS}}})\p{{M}}+")

_ROLE_WORDS = (
    "system|user|assistant|human|ai|bot|model|developer|tool|function|ipython|instructions?"
    "|context|prompt|user_memories|memory|memories|sys|admin|root|operator"
)
_TEMPLATE = re.compile(
    # <|im_start|>system, <|eot_id|>, <|system|>, <|endoftext|>: the role named after it goes too.
    rf"<\|[^<>|\n]{{0,64}}\|>(?:[ \t]*(?:{_ROLE_WORDS})\b)?"
    r"|\[/?INST\]|<</?SYS>>|\[/?SYSTEM_PROMPT\]|\[/?AVAILABLE_TOOLS\]|\[/?TOOL_(?:CALLS|RESULTS)\]"
    r"|</?(?:s|bos|eos|pad|start_of_turn|end_of_turn)>"
    # Markup declarations and processing instructions (<!DOCTYPE, <!ENTITY, <?xml ...?>): never speech.
    r"|<![A-Za-z][^<>\n]{0,200}>|<\?[^<>\n]{0,200}\?>"
    rf"|<\s*/?\s*(?:{_ROLE_WORDS})\b[^<>\n]{{0,200}}?/?\s*>",
    re.IGNORECASE,
)
# A role label that opens a line, or the whole text: "System:", "## Assistant :", "USER PROMPT:".
_ROLE_LABEL = re.compile(
    rf"^(\s*(?:#+|>+|\*+)?\s*)((?:{_ROLE_WORDS})(?:[ _](?:prompt|message|note|override|instructions?))?)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_MARKDOWN_LINK = re.compile(r"!?\[([^\[\]\n]{0,200})\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_URL = re.compile(r"\b(?:(?:https?|ftp|file|data|javascript|mailto):|www\.)[^\s<>\"'`]*", re.IGNORECASE)
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?/*(?:[^/?#@\s]*@)?([^/?#:\s]+)", re.IGNORECASE)


def _visible(text: str) -> str:
    """``text`` without invisible characters; every kind of line break is now ``\\n``."""
    text = _ANSI.sub("", text)
    text = _BREAKS.sub("\n", text).replace("\t", " ")
    text = _BIDI.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    return _MARK_RUN.sub(r"\1", text)


def visible_text(text: str) -> str:
    """``text`` as a reader sees it, line breaks kept: what an extractor should read, so that
    hidden characters cannot glue words together or split them ("Berlin" + RLO + "evil")."""
    return _visible(text)


def _fold(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def clean_text(text: str) -> str:
    """``text`` on one line, without invisible characters, whitespace runs folded, trimmed."""
    return _fold(_visible(text))


def neutralise_markers(text: str) -> str:
    """``text`` without chat-template tokens and role tags, and with role labels made plain words.

    Run it before line breaks are folded: a role label is recognised where a line starts.
    """
    text = _TEMPLATE.sub(" ", text)
    return _ROLE_LABEL.sub(lambda m: f"{m.group(1)}{m.group(2)} -", text)


def _host(url: str) -> str:
    match = _HOST.match(url)
    host = match.group(1).lower() if match else ""
    return host if "." in host else ""


def strip_links(text: str) -> str:
    """Every link replaced by ``[link: host]`` (``[link]`` without one); a Markdown link keeps its text."""

    def link(url: str) -> str:
        host = _host(url)
        return f"[link: {host}]" if host else "[link]"

    def markdown(m: re.Match[str]) -> str:
        label = m.group(1).strip()
        return f"{label} {link(m.group(2))}" if label else link(m.group(2))

    text = _MARKDOWN_LINK.sub(markdown, text)
    return _URL.sub(lambda m: link(m.group(0)), text)


def without_phrases(text: str, phrases: Iterable[str]) -> str:
    """``text`` where each of ``phrases`` (headings ending in ':') appears without its colon.

    A memory that says "Facts: - User is an administrator" cannot pass for the context's own
    heading even on one line: the words stay, the heading's shape does not.
    """
    for phrase in phrases:
        if phrase.endswith(":"):
            body = re.escape(phrase[:-1])
            text = re.sub(rf"({body})\s*:", r"\1 -", text, flags=re.IGNORECASE)
    return text


def safe_line(text: str, *, links: bool = True, reserved: Iterable[str] = ()) -> str:
    """One line of a context: markers neutralised, invisible characters gone, optionally no links,
    and none of the ``reserved`` headings in its own shape."""
    # Invisible characters go first, so none can hide a marker ("<\u200bsystem>"); removing a
    # marker can join what it separated ("<sys<|x|>tem>"), so a second pass sees the joined text.
    text = neutralise_markers(neutralise_markers(_visible(text)))
    text = _fold(text)
    if not links:
        text = strip_links(text)
    return without_phrases(text, reserved)

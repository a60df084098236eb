"""Building ``system_prompt_addition`` from ranked memories, within a token budget.

Plain functions: given memories in rank order, render bullets grouped under category
headings, JSON or XML, adding memories best-first while they fit. Untrusted memories
(from tool output) are never rendered into the prompt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from accord.domain.models import Category, ContextFormat, Memory
from accord.domain.tokens import count_tokens

__all__ = ["RenderedContext", "build_context", "CATEGORY_HEADINGS", "TITLE"]

TITLE = "What you know about this user:"
CATEGORY_HEADINGS: dict[Category, str] = {
    Category.PREFERENCE: "Preferences:",
    Category.FACT: "Facts:",
    Category.GOAL: "Goals:",
    Category.PROCEDURE: "How they like things done:",
    Category.RELATIONSHIP: "People in their life:",
    Category.EXPERTISE: "Expertise:",
    Category.EPISODIC: "From past conversations:",
}
_ORDER = list(CATEGORY_HEADINGS)


@dataclass(frozen=True, slots=True)
class RenderedContext:
    text: str
    memories: list[Memory]
    token_count: int


def _episodic_line(memory: Memory) -> str:
    when = (memory.valid_from or memory.created_at).date().isoformat()
    speaker = memory.metadata.get("speaker") or memory.source.role or "user"
    # What was said then, since superseded: never shown as current (see domain.coherence).
    earlier = ", since changed" if memory.metadata.get("superseded") else ""
    return f"[{when}{earlier}] {speaker}: {memory.content}"


def _line_text(memory: Memory) -> str:
    return _episodic_line(memory) if memory.category is Category.EPISODIC else memory.content


def _item_json(memory: Memory) -> str:
    item = {"id": memory.id, "category": memory.category.value, "content": _line_text(memory)}
    return json.dumps(item, ensure_ascii=False)


def _item_xml(memory: Memory) -> str:
    return (
        f"<memory id={quoteattr(memory.id)} category={quoteattr(memory.category.value)}>"
        f"{escape(_line_text(memory))}</memory>"
    )


def _render(chosen: Sequence[Memory], fmt: ContextFormat) -> str:
    if not chosen:
        return ""
    if fmt == "json":
        return '{"user_memories": [' + ", ".join(_item_json(m) for m in chosen) + "]}"
    if fmt == "xml":
        return "<user_memories>\n" + "\n".join(_item_xml(m) for m in chosen) + "\n</user_memories>"
    lines = [TITLE]
    for category in _ORDER:
        group = [m for m in chosen if m.category is category]
        if group:
            lines.append(CATEGORY_HEADINGS[category])
            lines.extend(f"- {_line_text(m)}" for m in group)
    return "\n".join(lines)


def _display_order(chosen: Sequence[Memory], fmt: ContextFormat) -> list[Memory]:
    if fmt != "bullets":
        return list(chosen)
    return sorted(chosen, key=lambda m: _ORDER.index(m.category))  # stable: rank order within a group


def _item_cost(memory: Memory, fmt: ContextFormat) -> int:
    if fmt == "json":
        return count_tokens(_item_json(memory)) + 1
    if fmt == "xml":
        return count_tokens(_item_xml(memory))
    return count_tokens(f"- {_line_text(memory)}")


def build_context(ranked: Sequence[Memory], fmt: ContextFormat, max_tokens: int) -> RenderedContext:
    """Render the best memories that fit in ``max_tokens``; never exceed it.

    Items are costed one by one (token counts add up over whitespace-separated pieces),
    then the final text is measured, and the lowest-ranked item dropped while it is over.
    """
    trusted = [m for m in ranked if m.trusted]
    heading_cost = {c: count_tokens(h) for c, h in CATEGORY_HEADINGS.items()}
    overhead = 0  # the title or wrapper, measured around the first item
    if trusted:
        overhead = count_tokens(_render(trusted[:1], fmt)) - _item_cost(trusted[0], fmt)
        if fmt == "bullets":
            # Each item pays for its own heading, not the overhead: the first item may not fit.
            overhead -= heading_cost[trusted[0].category]
    budget = max_tokens - overhead
    chosen: list[Memory] = []
    seen_categories: set[Category] = set()
    for memory in trusted:
        cost = _item_cost(memory, fmt)
        if fmt == "bullets" and memory.category not in seen_categories:
            cost += heading_cost[memory.category]
        if cost > budget:
            continue
        budget -= cost
        chosen.append(memory)
        seen_categories.add(memory.category)
    while True:
        ordered = _display_order(chosen, fmt)
        text = _render(ordered, fmt)
        tokens = count_tokens(text)
        if tokens <= max_tokens or not chosen:
            return RenderedContext(text=text, memories=ordered, token_count=tokens)
        chosen.pop()

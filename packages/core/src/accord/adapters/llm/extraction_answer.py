"""The extraction answer: the schema the model must follow, and how a reply is checked item by item.

A reply is read by :func:`extraction_parser`. The JSON is found (prose and fences around it are
ignored, see :mod:`accord.adapters.llm.answers`), then each memory is checked on its own, so one
bad item costs that item, not the whole answer. What is repaired, because the repair cannot
change what the model meant:

- a bare list instead of ``{"memories": [...]}``, or ``"memories": null`` (nothing durable);
- ``null`` for a field that has a default (importance, confidence, negated, past, scope);
- values pydantic coerces exactly: ``"0.8"`` for a number, ``"2"`` for an index, ``"true"``;
- category case and whitespace (``" Fact "``), and a plural (``"preferences"``);
- ``"None"``, ``"null"`` or ``""`` written as an attribute key or value: no key, no value;
- a number as an attribute value (``34`` for an age becomes ``"34"``);
- a missing ``message_index`` when the conversation has exactly one user turn;
- content in the first person ("I live in Rome" becomes "User lives in Rome");
- a scope other than ``"tenant"`` becomes ``"user"`` (the narrower one; never the reverse).

Dropped (with the reason kept): an item that is not an object, has no content, an unknown
category, a value that does not coerce (``"high"`` for importance), or a ``message_index``
that is not a user turn (an assistant, system or tool turn, or no turn at all). An answer that
is not JSON, is cut short, has the wrong shape, or whose every item was dropped is unusable:
:class:`~accord.adapters.llm.answers.UnusableAnswer`, and the model is asked once more.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from accord.adapters.extractors.rules._phrasing import third_person
from accord.adapters.llm.answers import UnusableAnswer, describe_errors, json_from_text
from accord.domain.models import DURABLE_CATEGORIES

__all__ = ["MAX_MEMORIES", "ExtractedItem", "ExtractionAnswer", "ExtractionOutput", "extraction_parser"]

MAX_MEMORIES = 50
_NOTHING = frozenset({"", "none", "null", "nil", "n/a", "na", "-", "unknown"})
_DEFAULTED = ("importance", "confidence", "negated", "past", "scope", "attribute_key", "attribute_value")
_CONTRACTIONS = ((re.compile(r"^I'm\b", re.I), "I am"), (re.compile(r"^I've\b", re.I), "I have"))
_FIRST_PERSON = re.compile(r"^(?:I|my)\s", re.I)


class ExtractedItem(BaseModel):
    """One memory as the model must return it."""

    model_config = ConfigDict(extra="ignore")

    content: str = Field(min_length=1, max_length=1000)
    category: Literal[DURABLE_CATEGORIES]  # type: ignore[valid-type] - the one list of names
    attribute_key: str | None = None
    attribute_value: str | None = None
    importance: float = 0.5
    confidence: float = 0.8
    message_index: int
    negated: bool = False
    past: bool = False
    scope: Literal["user", "tenant"] = "user"

    @field_validator("category", "scope", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("importance", "confidence")
    @classmethod
    def _clamp(cls, value: float) -> float:
        return round(min(max(value, 0.0), 1.0), 2)  # a model's 1.2 is "very", not invalid


class ExtractionOutput(BaseModel):
    """The whole answer as the prompt asks for it: ``{"memories": [...]}``."""

    model_config = ConfigDict(extra="ignore")

    memories: list[ExtractedItem] = Field(default_factory=list, max_length=MAX_MEMORIES)


@dataclass(frozen=True, slots=True)
class ExtractionAnswer:
    """A usable answer: the items that passed, and why each other one was dropped."""

    items: tuple[ExtractedItem, ...]
    dropped: tuple[str, ...] = ()


def third_person_content(content: str) -> str:
    """ "I live in Rome" -> "User lives in Rome"; content already about "User" is left alone."""
    text = " ".join(content.split())
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    if text[:5].lower() == "user " or text[:6].lower() == "user's":
        return "User" + text[4:]
    return third_person(text) if _FIRST_PERSON.match(text) else " ".join(content.split())


def _says_yes(value: Any) -> bool:
    """``true`` as pydantic reads a bool (``"false"`` is a non-empty string, not a yes)."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1", "on"}
    return value is True or value == 1


def _items_of(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value  # the list without its wrapper: nothing else it could mean
    if isinstance(value, dict):
        if "memories" in value:
            memories = value["memories"]
            if memories is None:
                return []
            if isinstance(memories, list):
                return memories
            raise UnusableAnswer('"memories" must be a list of objects')
        if "content" in value and "category" in value:
            return [value]  # one memory, unwrapped
    raise UnusableAnswer('expected a JSON object {"memories": [...]}')


def _repair(raw: dict[str, Any], user_turns: Sequence[int]) -> dict[str, Any]:
    """The item with the safe repairs of the module docstring applied."""
    item = {k: v for k, v in raw.items() if not (k in _DEFAULTED and v is None)}
    category = item.get("category")
    if isinstance(category, str):
        category = category.strip().lower()
        singular = category[:-1] if category.endswith("s") else category
        if category not in DURABLE_CATEGORIES and singular in DURABLE_CATEGORIES:
            category = singular
        item["category"] = category
    for field in ("attribute_key", "attribute_value"):
        value = item.get(field)
        if isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in _NOTHING):
            item.pop(field)
        elif isinstance(value, int | float) and field == "attribute_value":
            item[field] = str(value)
    if "attribute_value" not in item and not _says_yes(item.get("negated")):
        # A key without its value would equal every other value-less memory of the key (the
        # rules would reject a changed city as "the same value"): keep the memory, not the key.
        item.pop("attribute_key", None)
    if item.get("message_index") is None and len(user_turns) == 1:
        item["message_index"] = user_turns[0]
    if isinstance(item.get("content"), str):
        item["content"] = third_person_content(item["content"])
    if isinstance(item.get("scope"), str) and item["scope"].strip().lower() != "tenant":
        item["scope"] = "user"
    return item


def _check(raw: Any, roles: Sequence[str], sources: frozenset[str]) -> ExtractedItem | str:
    """The validated item, or why it is dropped."""
    if not isinstance(raw, dict):
        return f"not an object: {str(raw)[:40]!r}"
    user_turns = [i for i, role in enumerate(roles) if role == "user"]
    try:
        item = ExtractedItem.model_validate(_repair(raw, user_turns))
    except ValidationError as e:
        return describe_errors(e, limit=2)
    if not 0 <= item.message_index < len(roles):
        return f"message_index {item.message_index}: no such turn"
    if roles[item.message_index] not in sources:
        return f"message_index {item.message_index}: a {roles[item.message_index]} turn, not the user's"
    return item


def extraction_parser(roles: Sequence[str], *, keep_tool: bool = False) -> Callable[[str], ExtractionAnswer]:
    """A parser for :meth:`~accord.adapters.llm.client.LLMRouter.complete` over a conversation
    whose turns have these ``roles``; tool turns are sources only with ``keep_tool``."""
    sources = frozenset({"user", "tool"} if keep_tool else {"user"})

    def parse(text: str) -> ExtractionAnswer:
        raw_items = _items_of(json_from_text(text))
        kept: list[ExtractedItem] = []
        dropped: list[str] = [f"more than {MAX_MEMORIES} memories"] if len(raw_items) > MAX_MEMORIES else []
        for n, raw in enumerate(raw_items[:MAX_MEMORIES]):
            checked = _check(raw, roles, sources)
            if isinstance(checked, str):
                dropped.append(f"memories.{n}: {checked}")
            else:
                kept.append(checked)
        if raw_items and not kept:
            raise UnusableAnswer("no memory was valid: " + "; ".join(dropped[:3]))
        return ExtractionAnswer(tuple(kept), tuple(dropped))

    return parse

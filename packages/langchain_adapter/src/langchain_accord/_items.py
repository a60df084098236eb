"""Pure conversions between Accord memories and LangGraph store items, filters and namespaces."""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Mapping
from typing import Any

from accord import Category, Memory
from langgraph.store.base import Item, MatchCondition, SearchItem

__all__ = [
    "STORE_METADATA_KEY",
    "categories_for",
    "matches_path",
    "memory_item",
    "plain_item",
    "stored_record",
    "text_of",
    "within",
]

STORE_METADATA_KEY = "langgraph_store"  # on the turn a put wrote: namespace, key, value, first put time
_TEXT_FIELDS = ("text", "content")
_EPISODIC = Category.EPISODIC.value
_CATEGORIES = frozenset(c.value for c in Category)


def _ordered(compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool]:
    """An order comparison that a missing field never passes."""
    return lambda value, operand: value is not None and bool(compare(value, operand))


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "$eq": operator.eq,
    "$ne": operator.ne,
    "$gt": _ordered(operator.gt),
    "$gte": _ordered(operator.ge),
    "$lt": _ordered(operator.lt),
    "$lte": _ordered(operator.le),
}


def stored_record(memory: Memory) -> dict[str, Any] | None:
    """What a put stored on its turn, if this memory is such a turn."""
    record = memory.metadata.get(STORE_METADATA_KEY)
    return record if isinstance(record, dict) and memory.category is Category.EPISODIC else None


def memory_item(memory: Memory, root: str, score: float | None = None) -> SearchItem:
    """A put keeps its namespace, key and value; any other memory is ``(root, user, category)`` / its id."""
    stored = stored_record(memory)
    if stored is not None:
        first = stored.get("created_at")
        created = dt.datetime.fromisoformat(first) if first else memory.created_at
        return SearchItem(
            tuple(stored["namespace"]), stored["key"], stored["value"], created, memory.updated_at, score
        )
    value = {
        "text": memory.content,
        "category": memory.category.value,
        "memory_id": memory.id,
        "importance_score": memory.importance_score,
        "agent_id": memory.agent_id,
        "source": memory.source.kind.value,
    }
    namespace = (root, memory.user_id, memory.category.value)
    return SearchItem(namespace, memory.id, value, memory.created_at, memory.updated_at, score)


def plain_item(item: SearchItem) -> Item:
    return Item(
        value=item.value,
        key=item.key,
        namespace=item.namespace,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def text_of(value: Mapping[str, Any]) -> str:
    """What Accord remembers of a value: its ``text`` or ``content``, else the value as JSON."""
    try:
        encoded = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError) as e:
        raise ValueError(f"a store value must be JSON-serialisable: {e}") from e
    for field in _TEXT_FIELDS:
        text = value.get(field)
        if isinstance(text, str) and text.strip():
            return text
    return encoded


def categories_for(labels: tuple[str, ...]) -> list[str] | None:
    """The engine's category filter for the labels after the user (put items are episodic turns)."""
    if not labels or labels[0] not in _CATEGORIES:
        return None
    return [labels[0]] if labels[0] == _EPISODIC else [labels[0], _EPISODIC]


def within(item: SearchItem, prefix: tuple[str, ...], filter: Mapping[str, Any] | None) -> bool:
    """Whether the item is under ``prefix`` and its value passes LangGraph's ``filter``."""
    if item.namespace[: len(prefix)] != prefix:
        return False
    return all(_matches(item.value.get(k), want) for k, want in (filter or {}).items())


def _matches(value: Any, want: Any) -> bool:
    """Equality, nested dicts, and the ``$eq``/``$ne``/``$gt``/``$gte``/``$lt``/``$lte`` operators."""
    if isinstance(want, dict) and want and all(k.startswith("$") for k in want):
        unknown = set(want) - set(_OPERATORS)
        if unknown:
            raise ValueError(f"unsupported filter operator(s): {sorted(unknown)}")
        try:
            return all(_OPERATORS[op](value, operand) for op, operand in want.items())
        except TypeError:  # e.g. a string compared with a number
            return False
    if isinstance(want, dict):
        return isinstance(value, dict) and all(_matches(value.get(k), w) for k, w in want.items())
    return bool(value == want)


def matches_path(condition: MatchCondition, namespace: tuple[str, ...]) -> bool:
    """LangGraph's namespace match: a prefix or suffix, where ``*`` matches any label."""
    path = condition.path
    if len(namespace) < len(path):
        return False
    labels = (
        namespace[: len(path)]
        if condition.match_type == "prefix"
        else namespace[len(namespace) - len(path) :]
    )
    return all(p in ("*", n) for p, n in zip(path, labels, strict=True))

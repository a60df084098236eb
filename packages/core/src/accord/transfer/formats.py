"""Reading memory dumps into import items: Accord's JSONL, mem0's export, a LangGraph store dump.

Pure functions over text, no I/O. Each format becomes :class:`ImportItem` s: a batch of turns
for one user, with a stable ``import_id`` per turn, so a second import of the same file can
tell what is already stored. The formats:

``accord``
    What ``accord export`` writes: one JSON object a line, each with a ``type``. Its
    ``message`` lines (the raw turns, the source of every derived memory) are replayed,
    grouped by the ``add()`` call (``job_id``) that first wrote them, in the order they were
    said. ``memory``, ``version``, ``conflict``, ``grant`` and ``consent`` lines are derived
    or identity state: they are counted, not copied (the import re-derives memories).
``mem0``
    ``Memory.get_all()`` / ``search()`` output of mem0: ``{"results": [...]}``, a bare list,
    or one item a line, each item with ``memory`` (the fact), ``id`` and usually ``user_id``
    and ``created_at``. A fact is said as the user's own first-person turn ("Likes tea" ->
    "I like tea"), the shape Accord's extractor reads; the original text stays in metadata.
``langgraph``
    A dump of a LangGraph ``BaseStore`` (what LangMem writes to): items with ``namespace``,
    ``key`` and ``value``; the memory text is ``value["content"]`` (LangMem's shape) or the
    value itself. The user is the namespace's last element unless the caller names one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from accord.errors import InvalidInputError

__all__ = ["ImportFormat", "ImportItem", "ImportTurn", "Parsed", "first_person", "parse_dump"]

ImportFormat = Literal["accord", "mem0", "langgraph"]
FORMATS: tuple[ImportFormat, ...] = ("accord", "mem0", "langgraph")
ACCORD_FORMAT = "accord-export"
ACCORD_FORMAT_VERSION = 1
# Read and counted, not replayed: derived again from the turns, or (grants, consents, the quality
# log) the source store's own records, which an import into another store does not invent.
_DERIVED_TYPES = ("memory", "version", "conflict", "grant", "consent", "gate_decision")


@dataclass(frozen=True, slots=True)
class ImportTurn:
    """One turn to say: ``import_id`` marks it in the store's metadata, so it is never said twice."""

    import_id: str
    role: str
    content: str
    created_at: dt.datetime | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ImportItem:
    """The turns of one ``add()`` call for one user."""

    user_id: str
    turns: tuple[ImportTurn, ...]
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class Parsed:
    """A dump read into items, with the derived lines it counted but does not replay."""

    format: ImportFormat
    items: list[ImportItem]
    derived: dict[str, int] = field(default_factory=dict)


def parse_dump(text: str, *, fmt: ImportFormat | None = None, user_id: str | None = None) -> Parsed:
    """Read a dump; ``fmt=None`` tells the format from its content.

    Args:
        text: The whole file.
        fmt: Force a format instead of detecting it.
        user_id: Put every memory under this user (required when the dump does not name one).

    Raises:
        InvalidInputError: Not JSON/JSONL of a known format (``field == "file"``), or a record
            names no user and ``user_id`` was not given (``field == "user_id"``).
    """
    records = _records(text)
    fmt = fmt or _detect(records)
    if fmt == "accord":
        return _accord(records, user_id)
    if fmt == "mem0":
        return Parsed("mem0", [_mem0_item(r, i, user_id) for i, r in enumerate(records)])
    return Parsed("langgraph", [_langgraph_item(r, i, user_id) for i, r in enumerate(records)])


def _records(text: str) -> list[dict[str, Any]]:
    stripped = text.strip()
    if not stripped:
        raise InvalidInputError("file", "is empty")
    try:
        whole = json.loads(stripped)
    except ValueError:
        whole = None
    if isinstance(whole, Mapping):
        # mem0's get_all() wraps its list in "results"; a LangGraph dump may use "items".
        for wrapper in ("results", "memories", "items"):
            if isinstance(whole.get(wrapper), list):
                return _objects(whole[wrapper])
        return _objects([whole])
    if isinstance(whole, list):
        return _objects(whole)
    out = []
    for n, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError as e:
            raise InvalidInputError("file", f"line {n} is not JSON: {e.msg}") from e
    return _objects(out)


def _objects(values: Iterable[Any]) -> list[dict[str, Any]]:
    values = list(values)
    for n, v in enumerate(values, start=1):
        if not isinstance(v, Mapping):
            raise InvalidInputError("file", f"record {n} is a {type(v).__name__}, not a JSON object")
    return [dict(v) for v in values]


def _detect(records: list[dict[str, Any]]) -> ImportFormat:
    first = records[0]
    if first.get("format") == ACCORD_FORMAT or "type" in first:
        return "accord"
    if "memory" in first:
        return "mem0"
    if "namespace" in first and "value" in first:
        return "langgraph"
    raise InvalidInputError(
        "file", "is not a known dump: expected Accord JSONL (accord export), mem0 memories or a LangGraph store dump"
    )


def _user(record: Mapping[str, Any], override: str | None, n: int) -> str:
    if override is not None:
        return override
    value = record.get("user_id")
    if not isinstance(value, str) or not value:
        raise InvalidInputError("user_id", f"record {n + 1} names no user; pass --user to import it")
    return value


def _time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    # mem0 and LangGraph write naive times too; read them as UTC, as both store them.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _accord(records: list[dict[str, Any]], override: str | None) -> Parsed:
    header = records[0]
    if header.get("type") == "header":
        if header.get("format") != ACCORD_FORMAT:
            raise InvalidInputError("file", f"header format is {header.get('format')!r}, not {ACCORD_FORMAT!r}")
        if header.get("version") != ACCORD_FORMAT_VERSION:
            raise InvalidInputError("file", f"is Accord export version {header.get('version')!r}; this reads version 1")
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    derived: dict[str, int] = {}
    for n, r in enumerate(records):
        kind = r.get("type")
        if kind == "message":
            user = _user(r, override, n)
            groups.setdefault((user, str(r.get("job_id") or r.get("id"))), []).append(r)
        elif kind in _DERIVED_TYPES:
            derived[kind] = derived.get(kind, 0) + 1
        elif kind != "header":
            raise InvalidInputError("file", f"line {n + 1} has unknown type {kind!r}")
    items = []
    for (user, _job), rows in groups.items():
        rows.sort(key=lambda r: (str(r.get("said_at") or ""), int(r.get("position") or 0)))
        turns = tuple(
            ImportTurn(
                import_id=f"accord:{r['id']}",
                role=str(r.get("role") or "user"),
                content=str(r.get("content") or ""),
                created_at=_time(r.get("said_at")),
                name=r.get("name") if isinstance(r.get("name"), str) else None,
            )
            for r in rows
        )
        items.append(ImportItem(user, turns, session_id=rows[0].get("session_id")))
    # Replay in the order things were said, so a later claim updates an earlier one, not the reverse.
    items.sort(key=lambda it: it.turns[0].created_at or dt.datetime.min.replace(tzinfo=dt.UTC))
    return Parsed("accord", items, derived)


def _stable_id(prefix: str, record: Mapping[str, Any], *parts: str) -> str:
    given = record.get("id")
    if isinstance(given, (str, int)) and str(given):
        return f"{prefix}:{given}"
    return f"{prefix}:sha256:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _mem0_item(record: Mapping[str, Any], n: int, override: str | None) -> ImportItem:
    text = record.get("memory")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError("file", f"record {n + 1} has no 'memory' text")
    user = _user(record, override, n)
    turn = ImportTurn(
        import_id=_stable_id("mem0", record, user, text),
        role="user",
        content=first_person(text),
        created_at=_time(record.get("created_at")),
    )
    return ImportItem(user, (turn,))


def _langgraph_item(record: Mapping[str, Any], n: int, override: str | None) -> ImportItem:
    namespace = record.get("namespace")
    if isinstance(namespace, str):
        namespace = namespace.split(".")
    if not isinstance(namespace, list) or not namespace:
        raise InvalidInputError("file", f"record {n + 1} has no namespace")
    value = record.get("value")
    content: Any = value.get("content", value) if isinstance(value, Mapping) else value
    if isinstance(content, Mapping) and isinstance(content.get("content"), str):
        content = content["content"]  # LangMem: {"kind": "Memory", "content": {"content": "..."}}
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, sort_keys=True)
    if not text.strip():
        raise InvalidInputError("file", f"record {n + 1} has an empty value")
    user = override or str(namespace[-1])
    key = "/".join(map(str, namespace)) + "/" + str(record.get("key", ""))
    turn = ImportTurn(
        import_id=f"langgraph:{key}" if record.get("key") is not None else _stable_id("langgraph", {}, key, text),
        role="user",
        content=first_person(text),
        created_at=_time(record.get("created_at")),
    )
    return ImportItem(user, (turn,))


# -- third-person facts as first-person turns ---------------------------------------------

_SUBJECT = re.compile(r"^(?:the\s+)?user(?:'s)?\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^(?:the\s+)?user's\s+", re.IGNORECASE)
_ADVERBS = frozenset("always usually often never sometimes currently recently really also still rarely".split())
_IRREGULAR = {"is": "am", "was": "was", "has": "have", "does": "do", "goes": "go"}
# Facts that start with a noun ("Name is Dana", "Favourite colour is blue") are the user's own.
_OWNED = re.compile(
    r"^(name|age|birthday|email|phone|favou?rite\s+\w+|job|employer|wife|husband|partner|"
    r"daughter|son|mother|father|sister|brother|dog|cat|pet|goal|hometown|address)\b",
    re.IGNORECASE,
)


def _base_form(verb: str) -> str | None:
    """The first-person form of a third-person verb ("likes" -> "like"), or None if it is not one."""
    low = verb.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if len(low) > 3 and low.endswith("ies"):
        return low[:-3] + "y"
    if low.endswith(("sses", "shes", "ches", "xes", "zes")):
        return low[:-2]
    if len(low) > 2 and low.endswith("s") and not low.endswith(("ss", "us", "is")):
        return low[:-1]
    return None


def first_person(fact: str) -> str:
    """Say a stored fact as the user would ("Likes tea" -> "I like tea", "Name is Dana" -> "My
    name is Dana", "User is vegan" -> "I am vegan"); text already in the first person, or in
    no shape this knows, is returned as it was (the raw turn is searchable either way)."""
    text = " ".join(fact.split())
    if not text or re.match(r"^(i|my|i'm|we|our)\b", text, re.IGNORECASE):
        return text
    if _POSSESSIVE.match(text):
        return "My " + _POSSESSIVE.sub("", text, count=1)
    if _SUBJECT.match(text):
        text = _SUBJECT.sub("", text, count=1)
    if _OWNED.match(text):
        return "My " + text[0].lower() + text[1:]
    words = text.split(" ")
    lead = 1 if words[0].lower() in _ADVERBS and len(words) > 2 else 0
    base = _base_form(words[lead])
    if base is None or len(words) < lead + 2:
        return fact.strip()
    head = [words[0].lower()] if lead else []
    return " ".join(["I", *head, base, *words[lead + 1 :]])

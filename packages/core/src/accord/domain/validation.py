"""Input validation for every public entry point. Errors name the field at fault."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from accord.errors import InvalidInputError
from accord.domain.models import Category, ContextFormat, Message

# The id grammars, once: the REST schemas, the MCP tools and the adapters use these strings.
# Checked with fullmatch: "$" alone would let a trailing newline through ("alice\n").
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@+\-]{0,127}$"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_ID = re.compile(ID_PATTERN)
_UUID = re.compile(UUID_PATTERN)
# A metadata filter key: a path of up to four plain segments ("langgraph_store.key").
_META_PATH = re.compile(r"^[A-Za-z0-9_\-]{1,64}(\.[A-Za-z0-9_\-]{1,64}){0,3}$")
MAX_METADATA_FILTERS = 8
# ASCII controls. (A lone surrogate is refused instead, naming the field: no store can encode it.)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A speaker's name as people write it ("Lucía", "Mary Ann", "O'Brien"): one line, no markup.
_SPEAKER = re.compile(r"^[^\W_][\w .'\-]{0,63}$")
_ROLES = ("user", "assistant", "system", "tool")
_FORMATS: tuple[ContextFormat, ...] = ("bullets", "json", "xml")
MAX_QUERY_CHARS = 4_000
MAX_METADATA_BYTES = 16_384
# Metadata's shape: a mapping counts as a level, and so does a list (the top mapping is level 1);
# keys and list items are counted together over every level.
MAX_METADATA_DEPTH = 8
MAX_METADATA_KEYS = 256
MAX_METADATA_KEY_CHARS = 128
MAX_LIMIT = 200


def check_identifier(field: str, value: object, *, optional: bool = False) -> str | None:
    """User, session and agent ids: 1-128 characters of letters, digits and ``_.:@+-``."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    if not _ID.fullmatch(value):
        raise InvalidInputError(
            field, "must be 1-128 characters of letters, digits and _.:@+- (starting with a letter or digit)"
        )
    return value


def check_memory_id(value: object, field: str = "memory_id") -> str:
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise InvalidInputError(field, "must be a memory id (a lowercase UUID)")
    return value


def _text_problem(text: str) -> str | None:
    """What makes ``text`` unstorable on some backend: PostgreSQL refuses NUL in text and JSON,
    and no UTF-8 store takes a lone surrogate (which a JSON body's ``"\\ud800"`` decodes to)."""
    if "\x00" in text:
        return "contains a NUL character (U+0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (it holds a lone surrogate)"
    return None


def check_text(field: str, text: str) -> str:
    problem = _text_problem(text)
    if problem is not None:
        raise InvalidInputError(field, problem)
    return text


def _metadata_value(field: str, value: object) -> dict[str, Any]:
    """A deep, plain-JSON copy of ``value``, walked without recursion so no depth can overflow
    the interpreter's stack; every refusal names the path (``metadata.a.b[2]``)."""
    out: dict[str, Any] = {}
    keys = 0
    # (path, source container, target container, depth of the source)
    stack: list[tuple[str, Any, Any, int]] = [(field, value, out, 1)]
    while stack:
        path, source, target, depth = stack.pop()
        # Keys and list items count alike: either way it is work to walk and bytes to store.
        keys += len(source)
        if keys > MAX_METADATA_KEYS:
            raise InvalidInputError(
                field, f"has more than {MAX_METADATA_KEYS} keys and list items in all; the limit is {MAX_METADATA_KEYS}"
            )
        if isinstance(source, Mapping):
            entries: list[tuple[Any, str, Any]] = []
            for key, item in source.items():
                if not isinstance(key, str):
                    raise InvalidInputError(path, f"keys must be strings, got {type(key).__name__}")
                if len(key) > MAX_METADATA_KEY_CHARS:
                    raise InvalidInputError(path, f"has a key of {len(key)} characters; the limit is {MAX_METADATA_KEY_CHARS}")
                entries.append((check_text(path, key), f"{path}.{key}", item))
        else:
            entries = [(i, f"{path}[{i}]", item) for i, item in enumerate(source)]
        for slot, item_path, item in entries:
            target[slot] = _metadata_leaf(item_path, item, depth, stack)
    return out


def _metadata_leaf(path: str, item: object, depth: int, stack: list[tuple[str, Any, Any, int]]) -> Any:
    """The copy of one value: a container is queued (its copy filled in later), a leaf is checked."""
    if isinstance(item, (Mapping, list, tuple)):
        if depth >= MAX_METADATA_DEPTH:
            raise InvalidInputError(path, f"nests deeper than {MAX_METADATA_DEPTH} levels; the limit is {MAX_METADATA_DEPTH}")
        child: Any = {} if isinstance(item, Mapping) else [None] * len(item)
        stack.append((path, item, child, depth + 1))
        return child
    if isinstance(item, str):
        return check_text(path, item)
    if isinstance(item, float) and not math.isfinite(item):
        raise InvalidInputError(path, f"must be a finite number, got {item!r}")
    if item is not None and not isinstance(item, (bool, int, float)):
        raise InvalidInputError(path, f"must be JSON-serialisable: a string, number, boolean, null, list or mapping, got {type(item).__name__}")
    return item


def check_metadata(value: object, field: str = "metadata") -> dict[str, Any]:
    """Provenance kept with a write: a mapping of plain JSON, at most ``MAX_METADATA_DEPTH``
    levels deep, ``MAX_METADATA_KEYS`` keys in all and ``MAX_METADATA_BYTES`` as JSON, with
    finite numbers and text every backend can store. Returns a deep copy."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInputError(field, f"must be a mapping, got {type(value).__name__}")
    copy = _metadata_value(field, value)
    try:
        encoded = json.dumps(copy, allow_nan=False)
    except (TypeError, ValueError) as e:  # e.g. an integer of more than 4300 digits
        raise InvalidInputError(field, f"must be JSON-serialisable ({e})") from e
    if len(encoded) > MAX_METADATA_BYTES:
        raise InvalidInputError(field, f"is {len(encoded)} bytes as JSON; the limit is {MAX_METADATA_BYTES}")
    return copy


def _one_message(index: int, raw: object, max_chars: int) -> Message:
    field = f"messages[{index}]"
    if isinstance(raw, str):
        raw = {"role": "user", "content": raw}
    elif isinstance(raw, BaseModel) and not isinstance(raw, Message):
        raw = raw.model_dump()
    if isinstance(raw, Mapping):
        role = raw.get("role")
        if role not in _ROLES:
            raise InvalidInputError(f"{field}.role", f"must be one of {', '.join(_ROLES)}, got {role!r}")
        if not isinstance(raw.get("content"), str):
            raise InvalidInputError(f"{field}.content", "must be a string")
        try:
            message = Message.model_validate(dict(raw))
        except ValidationError as e:
            first = e.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise InvalidInputError(f"{field}.{loc}", first["msg"]) from e
    elif isinstance(raw, Message):
        message = raw
    else:
        raise InvalidInputError(field, f"must be a dict, a Message or a string, got {type(raw).__name__}")
    content = check_text(f"{field}.content", without_controls(message.content).strip())
    if not content:
        raise InvalidInputError(f"{field}.content", "is empty")
    if len(content) > max_chars:
        raise InvalidInputError(f"{field}.content", f"has {len(content)} characters; the limit is {max_chars}")
    check_metadata(message.metadata, f"{field}.metadata")
    if message.name is not None and not _SPEAKER.fullmatch(message.name):
        raise InvalidInputError(
            f"{field}.name",
            "must be 1-64 characters of letters (any script), digits, spaces and . ' - _, starting with a letter or digit",
        )
    return message.model_copy(update={"content": content})


def check_messages(raw: object, *, max_messages: int, max_chars: int) -> list[Message]:
    """Accept one message or a list: dicts, ``Message`` models, pydantic models or plain strings."""
    if isinstance(raw, (str, Mapping, BaseModel)):
        raw = [raw]
    if not isinstance(raw, Sequence):
        raise InvalidInputError("messages", f"must be a list of messages, got {type(raw).__name__}")
    if not raw:
        raise InvalidInputError("messages", "is empty")
    if len(raw) > max_messages:
        raise InvalidInputError("messages", f"has {len(raw)} messages; the limit is {max_messages}")
    return [_one_message(i, m, max_chars) for i, m in enumerate(raw)]


def check_query(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInputError("query", f"must be a string, got {type(value).__name__}")
    value = check_text("query", without_controls(value).strip())
    if not value:
        raise InvalidInputError("query", "is empty")
    if len(value) > MAX_QUERY_CHARS:
        raise InvalidInputError("query", f"has {len(value)} characters; the limit is {MAX_QUERY_CHARS}")
    return value


def check_int(field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(field, f"must be an integer, got {type(value).__name__}")
    if not low <= value <= high:
        raise InvalidInputError(field, f"must be between {low} and {high}, got {value}")
    return value


def check_positive_number(
    field: str, value: object, *, optional: bool = True, maximum: float = 1e9
) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise InvalidInputError(field, f"must be a number, got {type(value).__name__}")
    if not 0 < value <= maximum:
        raise InvalidInputError(field, f"must be positive and at most {maximum:g}, got {value}")
    return float(value)


def check_format(value: object) -> ContextFormat:
    if value not in _FORMATS:
        raise InvalidInputError("format", f"must be one of {', '.join(_FORMATS)}, got {value!r}")
    return value  # type: ignore[return-value]


def check_categories(value: object) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not value:
        raise InvalidInputError("categories", "must be a non-empty list of category names")
    valid = {c.value for c in Category}
    out = []
    for item in value:
        name = item.value if isinstance(item, Category) else item
        if name not in valid:
            raise InvalidInputError("categories", f"unknown category {item!r}; known: {', '.join(sorted(valid))}")
        out.append(name)
    return out


def without_controls(text: str) -> str:
    """``text`` without ASCII control characters other than tab and newlines: they carry no meaning
    in speech, and some of them are the index's own segment markers, which content must not forge."""
    return _CONTROLS.sub("", text)


def check_content(field: str, value: object, max_chars: int) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    value = check_text(field, without_controls(value).strip())
    if not value:
        raise InvalidInputError(field, "is empty")
    if len(value) > max_chars:
        raise InvalidInputError(field, f"has {len(value)} characters; the limit is {max_chars}")
    return value


def check_unit_interval(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise InvalidInputError(field, f"must be a number from 0 to 1, got {value!r}")
    return float(value)


def check_datetime(field: str, value: object) -> dt.datetime | None:
    """None, or a datetime; naive datetimes are taken as UTC."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise InvalidInputError(field, f"must be a datetime, got {type(value).__name__}")
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def check_metadata_filter(value: object, field: str = "metadata") -> dict[str, str] | None:
    """A ``list_memories`` metadata filter: up to eight ``path -> string`` pairs, where a path is
    one to four key names joined by dots (``{"langgraph_store.key": "k1"}``)."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not value:
        raise InvalidInputError(field, "must be a non-empty mapping of metadata paths to strings")
    if len(value) > MAX_METADATA_FILTERS:
        raise InvalidInputError(field, f"takes at most {MAX_METADATA_FILTERS} paths, got {len(value)}")
    out: dict[str, str] = {}
    for path, wanted in value.items():
        if not isinstance(path, str) or not _META_PATH.fullmatch(path):
            raise InvalidInputError(field, f"path {path!r} must be 1-4 names of letters, digits, _ or - joined by dots")
        if not isinstance(wanted, str) or len(wanted) > 1_000:
            raise InvalidInputError(f"{field}.{path}", "must be a string of at most 1000 characters")
        out[path] = check_text(f"{field}.{path}", wanted)
    return out


def check_agent_ids(value: object) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise InvalidInputError("agent_ids", "must be a non-empty list of agent ids")
    return [check_identifier("agent_ids", v) for v in value]  # type: ignore[misc]


def check_idempotency_key(value: object) -> str | None:
    if value is not None and (not isinstance(value, str) or not 1 <= len(value) <= 200):
        raise InvalidInputError("idempotency_key", "must be a string of 1-200 characters")
    return None if value is None else check_text("idempotency_key", value)

"""Reading the extraction corpus (``benchmarks/extraction/FORMAT.md``) and MSC persona files.

Every case is validated when it is read, so a malformed line fails with its file and line
number before any engine starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from accord import InvalidInputError, Message

__all__ = [
    "DURABLE_CATEGORIES",
    "Case",
    "ChangeCase",
    "ExpectedMemory",
    "Keywords",
    "PersonaStatement",
    "StatementCase",
    "Target",
    "load_corpus",
    "load_personas",
    "sample_every_kth",
]

T = TypeVar("T")

DURABLE_CATEGORIES = ("preference", "fact", "goal", "procedure", "relationship", "expertise")

DurableCategory = Literal["preference", "fact", "goal", "procedure", "relationship", "expertise"]
_Text = Annotated[str, Field(min_length=1)]
Keyword = _Text | Annotated[list[_Text], Field(min_length=1)]
Keywords = Annotated[list[Keyword], Field(min_length=1)]
"""Every entry must appear; an entry that is a list is satisfied by any one of its strings."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExpectedMemory(_Model):
    """One durable memory a statement should yield."""

    category: DurableCategory
    attribute: str = ""
    keywords: Keywords


class Target(_Model):
    """A change's current or old value; the old one has no category."""

    category: DurableCategory | None = None
    keywords: Keywords


class StatementCase(_Model):
    """A ``statement`` (``expected`` holds at least one memory) or a ``negative`` (none)."""

    id: str
    kind: Literal["statement", "negative"]
    voice: str
    why: str | None = None
    messages: Annotated[list[Message], Field(min_length=1)]
    expected: list[ExpectedMemory]


class ChangeCase(_Model):
    """Sessions applied in order to one user; afterwards ``current`` is the one value."""

    id: str
    kind: Literal["change"]
    voice: str
    change: str
    sessions: Annotated[list[Annotated[list[Message], Field(min_length=1)]], Field(min_length=1)]
    attribute: str = ""
    current: Target | None
    old: Target


Case = Annotated[StatementCase | ChangeCase, Field(discriminator="kind")]
_CASE: TypeAdapter[StatementCase | ChangeCase] = TypeAdapter(Case)


def _parse_case(raw: object, where: str) -> StatementCase | ChangeCase:
    try:
        case = _CASE.validate_python(raw)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(part) for part in first["loc"])
        raise InvalidInputError("corpus", f"{where}: {loc}: {first['msg']}") from e
    if isinstance(case, StatementCase) and (case.kind == "negative") != (not case.expected):
        wanted = "no" if case.kind == "negative" else "some"
        raise InvalidInputError("corpus", f"{where}: a {case.kind} must have {wanted} expected memories")
    return case


def _read_lines(path: Path) -> Iterable[tuple[str, object]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InvalidInputError("corpus", f"cannot read {path}: {e}") from e
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield where, json.loads(line)
        except ValueError as e:
            raise InvalidInputError("corpus", f"{where}: not JSON ({e})") from e


def load_corpus(paths: Sequence[Path]) -> list[StatementCase | ChangeCase]:
    """Every case of the files, in file order.

    Raises:
        InvalidInputError: an unreadable file, a line that is not a case, or an id used twice.
    """
    cases: list[StatementCase | ChangeCase] = []
    seen: dict[str, str] = {}
    for path in paths:
        for where, raw in _read_lines(Path(path)):
            case = _parse_case(raw, where)
            if case.id in seen:
                raise InvalidInputError("corpus", f"{where}: id {case.id!r} already used at {seen[case.id]}")
            seen[case.id] = where
            cases.append(case)
    return cases


@dataclass(frozen=True, slots=True)
class PersonaStatement:
    """One first-person persona statement; ``id`` is ``<record>:<speaker>:<index>``."""

    id: str
    text: str


def load_personas(path: Path) -> list[PersonaStatement]:
    """Every statement of an MSC persona file (a list of records with ``"Speaker 1"`` and
    ``"Speaker 2"`` lists of strings), in file order.

    Raises:
        InvalidInputError: an unreadable file or one not in that shape.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InvalidInputError("personas", f"cannot read {path}: {e}") from e
    if not isinstance(data, list):
        raise InvalidInputError("personas", f"{path}: expected a JSON list of records")
    out: list[PersonaStatement] = []
    for r, record in enumerate(data):
        if not isinstance(record, dict):
            raise InvalidInputError("personas", f"{path}: record {r} is not an object")
        for speaker in ("Speaker 1", "Speaker 2"):
            lines = record.get(speaker, [])
            if not isinstance(lines, list) or not all(isinstance(s, str) for s in lines):
                raise InvalidInputError(
                    "personas", f"{path}: record {r}: {speaker!r} is not a list of strings"
                )
            out.extend(
                PersonaStatement(f"{r}:{speaker}:{i}", s.strip()) for i, s in enumerate(lines) if s.strip()
            )
    return out


def sample_every_kth(items: Sequence[T], limit: int | None) -> list[T]:
    """``limit`` items spread over the whole list (every k-th, from the first); all when None."""
    if limit is None or limit >= len(items):
        return list(items)
    if limit < 1:
        raise InvalidInputError("limit", "must be at least 1")
    step = len(items) // limit
    return list(items[::step][:limit])

"""The context quality suite's file: one scenario a line (benchmarks/context/FORMAT.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from accord.errors import InvalidInputError

__all__ = ["Scenario", "ScenarioSession", "ScenarioTurn", "load_scenarios"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScenarioTurn(_Model):
    role: Literal["user", "assistant"] = "user"
    content: str = Field(min_length=1)


class ScenarioSession(_Model):
    at: dt.datetime
    turns: list[ScenarioTurn] = Field(min_length=1)


class Scenario(_Model):
    """A user over a few sessions, then the next session's query and what its context must hold."""

    id: str = Field(min_length=1)
    domain: str = Field(min_length=1)
    split: Literal["tuning", "heldout"]
    sessions: list[ScenarioSession] = Field(min_length=1)
    query: str = Field(min_length=1)
    must: list[str] = Field(min_length=1, description="facts a good context holds")
    must_not: list[str] = Field(default_factory=list, description="facts it must not hold as current")


def load_scenarios(path: Path) -> list[Scenario]:
    """Every scenario of a JSONL file; a bad line is an ``InvalidInputError`` naming it and its field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InvalidInputError("path", f"cannot read {path}: {e}") from e
    out: list[Scenario] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(Scenario.model_validate(json.loads(line)))
        except ValueError as e:
            if isinstance(e, ValidationError):
                first = e.errors()[0]
                field = ".".join(str(p) for p in first["loc"])
                raise InvalidInputError(f"line {n}: {field}", first["msg"]) from e
            raise InvalidInputError(f"line {n}", f"is not JSON: {e}") from e
    if not out:
        raise InvalidInputError("path", f"{path} holds no scenario")
    ids = [s.id for s in out]
    if len(set(ids)) != len(ids):
        raise InvalidInputError("id", "scenario ids must be unique")
    return out

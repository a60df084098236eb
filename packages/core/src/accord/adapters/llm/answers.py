"""Reading a model's answer: the JSON inside it, repaired only where the repair cannot change its meaning.

Small models wrap JSON in prose ("Sure! Here is the JSON: {...} Let me know ...") or in a
```json fence, and leave a trailing comma before a closing bracket. Those are repaired here.
Nothing is guessed: a truncated answer, single quotes, comments or an answer with no JSON
object in it raise :class:`UnusableAnswer`, whose ``problem`` tells the model what to fix when
it is asked once more (:meth:`accord.adapters.llm.client.LLMRouter.complete`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

__all__ = ["UnusableAnswer", "describe_errors", "json_from_text", "model_parser"]

ModelT = TypeVar("ModelT", bound=BaseModel)

_FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?(.*?)```", re.DOTALL)


class UnusableAnswer(ValueError):
    """The answer cannot be used as it is; ``problem`` says why, in words for the model."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _outside_strings(text: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """(index, character) for each character of ``text`` from ``start`` outside a JSON string
    (an opening quote included, so a string counts as something after a comma): where brackets
    and commas mean structure."""
    in_string = escaped = False
    for i in range(start, len(text)):
        char = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        else:
            in_string = char == '"'
            yield i, char


def _drop_trailing_commas(text: str) -> str:
    """``[1, 2,]`` -> ``[1, 2]`` and ``{"a": 1,}`` -> ``{"a": 1}``, outside strings only."""
    dropped: set[int] = set()
    last_comma: int | None = None  # a comma with only whitespace after it so far
    for i, char in _outside_strings(text):
        if char in "]}" and last_comma is not None:
            dropped.add(last_comma)
        if char == ",":
            last_comma = i
        elif not char.isspace():
            last_comma = None
    return "".join(c for i, c in enumerate(text) if i not in dropped)


def _span_end(text: str, start: int) -> int | None:
    """The index just past the bracket that closes the one at ``start``; None if it never closes."""
    depth = 0
    for i, char in _outside_strings(text, start):
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _decode_first(text: str) -> Any:
    """The first top-level JSON object or array in ``text``, ignoring the prose around it.

    Only top-level spans are tried: an object nested in a span that does not decode (an item
    of a truncated list) is never taken for the answer.
    """
    i = 0
    while i < len(text):
        if text[i] not in "{[":
            i += 1
            continue
        end = _span_end(text, i)
        if end is None:
            raise UnusableAnswer("the JSON was cut short (a bracket is never closed)")
        for form in (text[i:end], _drop_trailing_commas(text[i:end])):
            try:
                return json.loads(form)
            except json.JSONDecodeError:
                continue
        i = end  # prose in brackets ("[see above]"): look after it
    raise UnusableAnswer("no JSON object found in the answer")


def json_from_text(text: str) -> Any:
    """The JSON value a model's answer holds.

    Tried in order: the whole text; the inside of each code fence; the first top-level object
    or array in the text (prose around it is ignored); each with trailing commas removed.

    Raises:
        UnusableAnswer: No complete JSON object or array is in the text.
    """
    stripped = text.strip()
    if not stripped:
        raise UnusableAnswer("the answer was empty")
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        pass
    fenced = [m.group(1) for m in _FENCE.finditer(stripped)]
    problem = "no JSON object found in the answer"
    for candidate in (*fenced, stripped):
        try:
            return _decode_first(candidate)
        except UnusableAnswer as e:
            problem = e.problem
    raise UnusableAnswer(problem)


def describe_errors(error: ValidationError, limit: int = 3) -> str:
    """The first ``limit`` validation errors, as ``field.path: message``."""
    described = (f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}" for e in error.errors()[:limit])
    return "; ".join(described)


def model_parser(schema_model: type[ModelT]) -> Callable[[str], ModelT]:
    """A parser for :meth:`~accord.adapters.llm.client.LLMRouter.complete`: the JSON in the
    answer, validated against ``schema_model``."""

    def parse(text: str) -> ModelT:
        value = json_from_text(text)
        try:
            return schema_model.model_validate(value)
        except ValidationError as e:
            raise UnusableAnswer(describe_errors(e)) from e

    return parse

"""Hypothesis strategies for what a hostile client sends: deep nesting, large sizes, every
unicode class (NUL, controls, lone surrogates, bidi and invisible characters), NaN and
Infinity, wrong types. Shared by the REST and MCP fuzz tests.

Values are JSON text fragments where JSON cannot say them (``NaN``, ``Infinity``, a lone
surrogate escape), so a request body is built as text with :func:`to_json`.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import strategies as st

# The unicode general categories a hostile string is drawn from: controls (NUL among them),
# format (bidi, zero-width), surrogates, private use, unassigned, marks, separators.
UNICODE_CLASSES = ["Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Zs", "Zl", "Zp", "Lo", "So", "Nd"]


class Raw(str):
    """JSON text inserted as is (``NaN``, ``-Infinity``, ``"\\ud800"``)."""


def to_json(value: Any) -> str:
    """JSON text of ``value``; floats that JSON has no word for and :class:`Raw` go in verbatim,
    lone surrogates as escapes (``ensure_ascii``)."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    return json.dumps(value)


def nested(depth: int, leaf: Any = "v", as_list: bool = False) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value] if as_list else {"k": value}
    return value


hostile_text = st.one_of(
    st.text(st.characters(categories=UNICODE_CLASSES), max_size=40),  # type: ignore[arg-type]
    st.text(max_size=20).map(lambda s: s + "\x00" + s),
    st.sampled_from(["", " ", "\u202e\u2066", "\ufeff", "../../etc/passwd", "' OR 1=1 --", "%00", "a" * 129]),
    st.integers(min_value=1, max_value=70_000).map(lambda n: "x" * n),
)

hostile_number = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 0, -1, 2**63, -(2**63) - 1, 10**30, 1e308, -0.0, 0.5]),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
)

wrong_type = st.sampled_from([None, True, False, [], {}, "5", "yes", 5, 2.5, [None], {"": None}])

hostile_container = st.one_of(
    st.integers(min_value=1, max_value=400).map(nested),
    st.integers(min_value=1, max_value=400).map(lambda d: nested(d, as_list=True)),
    st.integers(min_value=1, max_value=300).map(lambda n: {f"k{i}": i for i in range(n)}),
    st.integers(min_value=1, max_value=300).map(lambda n: ["x"] * n),
    st.dictionaries(hostile_text, st.one_of(hostile_text, hostile_number, wrong_type), max_size=4),
    st.lists(st.one_of(hostile_text, hostile_number), max_size=4),
)

hostile_value: st.SearchStrategy[Any] = st.one_of(
    hostile_text, hostile_number, wrong_type, hostile_container, st.just(Raw('"\\ud800"'))
)

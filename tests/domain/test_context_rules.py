"""The rules of a rendered context, one per test: how a raw turn is written, what each format's
text is exactly, and how the budget is packed (each item pays exactly what it adds to the text).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from accord import Category, Memory, MemorySource, SourceKind
from accord.domain.context import build_context

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
FORMATS = ["bullets", "json", "xml"]
ROOMY = 10_000


def mem(
    mid: str,
    content: str,
    category: Category = Category.FACT,
    *,
    role: Any = None,
    valid_from: dt.datetime | None = None,
    **meta: Any,
) -> Memory:
    return Memory(
        id=mid, user_id="u", content=content, category=category, importance_score=0.5,
        original_importance_score=0.5, source=MemorySource(kind=SourceKind.EXTRACTED, role=role),
        lineage_id=mid, created_at=NOW, updated_at=NOW, valid_from=valid_from, trusted=True, metadata=meta,
    )


def ids(ranked: list[Memory], fmt: str, budget: int) -> list[str]:
    return [m.id for m in build_context(ranked, fmt, budget).memories]  # type: ignore[arg-type]


def cost(ranked: list[Memory], fmt: str) -> int:
    """What these memories take when they all fit."""
    ctx = build_context(ranked, fmt, ROOMY)  # type: ignore[arg-type]
    assert len(ctx.memories) == len(ranked)
    return ctx.token_count


# --- how a raw turn is written ------------------------------------------------------------------

TURNS = [
    # (rule, memory, its line)
    ("the speaker named in metadata", mem("e", "I moved to Porto", Category.EPISODIC, role="assistant", speaker="alice"),
     '[2026-06-01] alice said: "I moved to Porto"'),
    ("without a speaker, the turn's role", mem("e", "Noted, Porto", Category.EPISODIC, role="assistant"),
     '[2026-06-01] assistant said: "Noted, Porto"'),
    ("with neither, the user", mem("e", "I moved to Porto", Category.EPISODIC),
     '[2026-06-01] user said: "I moved to Porto"'),
    ("the date is when it became true, when known",
     mem("e", "I moved to Porto", Category.EPISODIC, valid_from=dt.datetime(2025, 12, 31, 23, tzinfo=dt.UTC)),
     '[2025-12-31] user said: "I moved to Porto"'),
    ("a superseded turn is marked as earlier", mem("e", "I work at Initech", Category.EPISODIC, superseded=True),
     '[2026-06-01, since changed] user said: "I work at Initech"'),
    ("a turn not superseded has no marker", mem("e", "I work at Initech", Category.EPISODIC, superseded=False),
     '[2026-06-01] user said: "I work at Initech"'),
    ("a durable memory is its content alone", mem("f", "User works at Initech", superseded=True, speaker="alice"),
     "User works at Initech"),
]


@pytest.mark.parametrize(("rule", "memory", "line"), TURNS, ids=[t[0] for t in TURNS])
def test_how_a_memory_is_written_in_each_format(rule: str, memory: Memory, line: str) -> None:
    assert build_context([memory], "bullets", ROOMY).text.splitlines()[-1] == f"- {line}"
    category = memory.category.value
    content = json.dumps(line)  # a quoted turn's own quotes are escaped in JSON
    assert build_context([memory], "json", ROOMY).text == (
        f'{{"user_memories": [{{"id": "{memory.id}", "category": "{category}", "content": {content}}}]}}'
    )
    assert build_context([memory], "xml", ROOMY).text == (
        f'<user_memories>\n<memory id="{memory.id}" category="{category}">{line}</memory>\n</user_memories>'
    )


# --- the exact text of each format --------------------------------------------------------------


def test_json_keeps_text_as_written_not_as_ascii_escapes() -> None:
    ctx = build_context([mem("m1", "User lives in Zürich — near the Café Zoë")], "json", ROOMY)
    assert ctx.text == (
        '{"user_memories": [{"id": "m1", "category": "fact", "content": "User lives in Zürich — near the Café Zoë"}]}'
    )


def test_json_items_are_separated_by_a_comma_and_a_space() -> None:
    ctx = build_context([mem("a", "User is vegetarian"), mem("b", "User works at Acme")], "json", ROOMY)
    assert ctx.text == (
        '{"user_memories": [{"id": "a", "category": "fact", "content": "User is vegetarian"}, '
        '{"id": "b", "category": "fact", "content": "User works at Acme"}]}'
    )


def test_xml_puts_one_memory_per_line_inside_the_root() -> None:
    ranked = [mem("a", "User is vegetarian", Category.PREFERENCE), mem("b", "User works at Acme")]
    assert build_context(ranked, "xml", ROOMY).text.splitlines() == [
        "<user_memories>",
        '<memory id="a" category="preference">User is vegetarian</memory>',
        '<memory id="b" category="fact">User works at Acme</memory>',
        "</user_memories>",
    ]


# --- packing the budget --------------------------------------------------------------------------

A = mem("a", "User is vegetarian")
B = mem("b", "User likes green tea every day")  # one word, so exactly one token, more than C
C = mem("c", "User likes green tea every")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_item_one_token_over_is_skipped_and_the_next_that_exactly_fits_is_taken(fmt: str) -> None:
    budget = cost([A, C], fmt)
    assert cost([A, B], fmt) == budget + 1  # the premise: B is one token too many after A
    ctx = build_context([A, B, C], fmt, budget)  # type: ignore[arg-type]
    assert [m.id for m in ctx.memories] == ["a", "c"]
    assert ctx.token_count == budget  # filled exactly: within one item of the budget, here none


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_budget_between_two_packings_takes_the_smaller_one_and_stays_under(fmt: str) -> None:
    two, three = cost([A, C], fmt), cost([A, C, mem("d", "User runs")], fmt)
    for budget in range(two, three):
        ctx = build_context([A, C, mem("d", "User runs")], fmt, budget)  # type: ignore[arg-type]
        assert ([m.id for m in ctx.memories], ctx.token_count) == (["a", "c"], two)
    assert ids([A, C, mem("d", "User runs")], fmt, three) == ["a", "c", "d"]


P1 = mem("p1", "User is vegetarian", Category.PREFERENCE)
P2 = mem("p2", "User prefers short answers", Category.PREFERENCE)
F1 = mem("f1", "User works at Acme", Category.FACT)
F2 = mem("f2", "User lives in Berlin", Category.FACT)


def test_a_new_category_pays_for_its_heading_in_bullets() -> None:
    budget = cost([P1, P2], "bullets")
    # "- User has two small dogs" costs one token less than "- User prefers short answers", but a
    # fact needs its "Facts:" heading (two tokens) too, so it does not fit where the preference does.
    fact = mem("f", "User has two small dogs", Category.FACT)
    assert cost([P1, fact], "bullets") == budget + 1
    assert ids([P1, fact, P2], "bullets", budget) == ["p1", "p2"]


def test_a_heading_is_paid_once_per_category_in_bullets() -> None:
    budget = cost([P1, F1, F2, P2], "bullets")
    ctx = build_context([P1, F1, F2, P2], "bullets", budget)
    assert [m.id for m in ctx.memories] == ["p1", "p2", "f1", "f2"]  # display order: grouped
    assert ctx.text.count("Facts:") == ctx.text.count("Preferences:") == 1


def test_the_heading_of_a_skipped_first_item_is_not_charged_to_the_others() -> None:
    # The best memory is too long to fit; the budget is exactly what the fact takes alone.
    long_procedure = mem("long", "Always " + "explain every step in detail " * 40, Category.PROCEDURE)
    budget = cost([F1], "bullets")
    ctx = build_context([long_procedure, F1], "bullets", budget)
    assert ([m.id for m in ctx.memories], ctx.token_count) == (["f1"], budget)
    assert "How they like things done:" not in ctx.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_wrapper_of_a_skipped_first_item_is_charged_once(fmt: str) -> None:
    long_fact = mem("long", "User " + "wrote a very long note about many things " * 30)
    budget = cost([A, C], fmt)
    assert ids([long_fact, A, C], fmt, budget) == ["a", "c"]
    assert ids([long_fact, A, C], fmt, budget - 1) == ["a"]

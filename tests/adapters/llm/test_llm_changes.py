"""The change scenarios of the extraction corpus, in LLM mode, with a model that answers correctly.

For every case of ``benchmarks/extraction/corpus/changes.{tuning,heldout}.jsonl`` the scripted
server answers each session as a correct model would, derived from the case's labels alone
(:func:`correct_answers`); the engine then resolves the conflicts and the case is scored by the
evaluation's own rule (:func:`accord.evals._extraction_score.score_change`). So this measures the
resolution path, not a model: with right extraction, every life change must end with one current
value and the old one in history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from accord import AccordSettings, AsyncAccord, Message
from accord.evals._extraction_corpus import ChangeCase, Target, load_corpus
from accord.evals._extraction_match import satisfies
from accord.evals._extraction_score import ChangeOutcome, found_from, score_change
from accord.evals.extraction import EXTRACTION_DEFAULTS

CORPUS = Path(__file__).resolve().parents[3] / "benchmarks" / "extraction" / "corpus"

# Cases that fail with correct extraction, and why; empty means every case ends right.
KNOWN_WRONG: dict[str, str] = {}


def value_of(target: Target) -> str:
    """The words a memory must say to satisfy the target: each keyword entry's first choice."""
    return " ".join(entry if isinstance(entry, str) else entry[0] for entry in target.keywords)


def _time_order(case: ChangeCase) -> list[int]:
    """Session indexes in the order they were said: by ``created_at`` when every session has one."""
    said = [next((m.created_at for m in s if m.created_at is not None), None) for s in case.sessions]
    if all(when is not None for when in said):
        return sorted(range(len(said)), key=lambda i: (said[i], i))  # type: ignore[return-value]
    return list(range(len(said)))


def _index(session: Sequence[Message], target: Target | None) -> int:
    """The user turn that says ``target`` (else the first user turn)."""
    users = [i for i, m in enumerate(session) if m.role == "user"]
    if target is not None:
        for i in users:
            if satisfies(session[i].content, target.keywords):
                return i
    return users[0]


def _memory(
    case: ChangeCase, target: Target, index: int, *, negated: bool = False, past: bool = False, drift: bool = False
) -> dict[str, Any]:
    """A memory as a correct model writes it, keyed by the case's attribute; with ``drift``, the
    old value is filed under another category than the current one (as models do)."""
    words = case.attribute.replace("_", " ")
    value = value_of(target)
    content = f"User no longer has {words} {value}" if negated else f"User's {'former ' if past else ''}{words}: {value}"
    category = case.current.category if case.current is not None and case.current.category else "fact"
    if drift and target is case.old and not negated:
        category = "preference" if category == "fact" else "fact"
    return {
        "content": content,
        "category": category,
        "attribute_key": case.attribute,
        "attribute_value": value,
        "importance": 0.8,
        "confidence": 0.9,
        "message_index": index,
        "negated": negated,
        "past": past,
        "scope": "user",
    }


def correct_answers(case: ChangeCase, *, thorough: bool = False) -> list[list[dict[str, Any]]]:
    """What a correct model extracts from each session, in session order.

    By when the sessions were said: one session says the old value as a past one ("used to")
    and the current one; of two, the earlier says the old value and the later the current;
    of three, the last says the current value, the middle one the old, and the first whichever
    of the two its words say (a revert's first value), or neither. A ``null`` current value is
    said as a denial of the old one. A ``thorough`` model also denies the old value where the
    latest session names it ("Don't live in Tucson anymore. Portland."), after the new value,
    and files the old value under another category than the new one (``fact`` / ``preference``).
    """
    old, current = case.old, case.current
    sessions = case.sessions
    answers: list[list[dict[str, Any]]] = [[] for _ in sessions]

    def latest(n: int) -> list[dict[str, Any]]:
        if current is None:
            return [_memory(case, old, _index(sessions[n], old), negated=True)]
        new = [_memory(case, current, _index(sessions[n], current))]
        said = " ".join(m.content for m in sessions[n] if m.role == "user")
        if thorough and satisfies(said, old.keywords):
            new.append(_memory(case, old, _index(sessions[n], old), negated=True))
        return new

    order = _time_order(case)
    if len(order) == 1:
        (n,) = order
        answers[n] = [_memory(case, old, _index(sessions[n], old), past=True, drift=thorough), *latest(n)]
        return answers
    *earlier, last = order
    answers[last] = latest(last)
    answers[earlier[-1]] = [_memory(case, old, _index(sessions[earlier[-1]], old), drift=thorough)]
    for n in earlier[:-1]:
        said = " ".join(m.content for m in sessions[n] if m.role == "user")
        if current is not None and satisfies(said, current.keywords):
            answers[n] = [_memory(case, current, _index(sessions[n], current))]
        elif satisfies(said, old.keywords):
            answers[n] = [_memory(case, old, _index(sessions[n], old), drift=thorough)]
    return answers


def test_the_oracle_says_each_value_once_in_the_order_it_was_said() -> None:
    case = ChangeCase.model_validate(
        {
            "id": "x", "kind": "change", "voice": "dated", "change": "out_of_order", "attribute": "city",
            "sessions": [
                [{"role": "user", "content": "I live in Nashville", "created_at": "2025-01-10T10:00:00Z"}],
                [{"role": "user", "content": "I live in Raleigh", "created_at": "2022-12-15T10:00:00Z"}],
                [{"role": "user", "content": "I live in Charlotte", "created_at": "2020-06-01T10:00:00Z"}],
            ],
            "current": {"category": "fact", "keywords": ["nashville"]},
            "old": {"keywords": [["raleigh", "durham"]]},
        }
    )  # fmt: skip
    said = [[(m["attribute_value"], m["negated"], m["past"]) for m in s] for s in correct_answers(case)]
    assert said == [[("nashville", False, False)], [("raleigh", False, False)], []]


async def _play(engine: AsyncAccord, fake: Any, case: ChangeCase, user: str, thorough: bool) -> ChangeOutcome:
    answers = correct_answers(case, thorough=thorough)
    for n, (session, answer) in enumerate(zip(case.sessions, answers, strict=True), start=1):
        fake.script("m1", fake.ok(json.dumps({"memories": answer})))
        turns = [m.model_dump(exclude_none=True, mode="json") for m in session]
        result = await engine.add(turns, user, session_id=f"s{n}", wait=True, timeout=60)
        assert (result.status, result.extractor) == ("done", "llm:openai/m1"), (case.id, n, result.error)
    now = dt.datetime.now(dt.UTC)
    stored = await engine.list_memories(user, include_archived=True, limit=1000)
    return score_change(case, [f for m in stored if (f := found_from(m, now)) is not None])


@pytest.mark.parametrize("thorough", [False, True], ids=["plain", "thorough-drifting"])
@pytest.mark.parametrize("split", ["tuning", "heldout"])
async def test_every_change_ends_right_in_llm_mode(split: str, thorough: bool, fake_llm: Any, tmp_path: Path) -> None:
    settings = AccordSettings(
        **{
            **EXTRACTION_DEFAULTS,
            "data_dir": tmp_path / "data",
            "index": "none",
            "llm_provider_order": ["openai/m1"],
            "llm_api_bases": {"openai": fake_llm.api_base},
            "llm_api_keys": {"openai": "sk-test"},
            "llm_attempt_timeout_seconds": 10.0,
            "llm_job_timeout_seconds": 20.0,
        }
    )
    cases = [c for c in load_corpus([CORPUS / f"changes.{split}.jsonl"]) if isinstance(c, ChangeCase)]
    wrong: dict[str, str] = {}
    async with AsyncAccord(settings) as engine:
        for n, case in enumerate(cases):
            outcome = await _play(engine, fake_llm, case, f"user-{n:04d}", thorough)
            if not outcome.right:
                wrong[case.id] = ",".join(outcome.reasons) + " | " + "; ".join(f.describe() for f in outcome.found)
    assert all("compare two memories" not in r["body"]["messages"][0]["content"] for r in fake_llm.requests)
    share = 1 - len(wrong) / len(cases)
    print(f"{split}, {'thorough, drifting' if thorough else 'plain'}: {len(cases) - len(wrong)}/{len(cases)} right ({share:.1%})")
    assert {k: v for k, v in wrong.items() if k not in KNOWN_WRONG} == {}

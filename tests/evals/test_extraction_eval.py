"""The extraction eval: its scoring rules on hand-made cases, and the command end to end.

The end-to-end tests write their own tiny files with the plainest phrasings, so they do not
depend on the corpus, on shared data, or on how far the extractor has been tuned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from accord import InvalidInputError
from accord.evals._extraction_corpus import ChangeCase, StatementCase, load_corpus, sample_every_kth
from accord.evals._extraction_match import content_words, keeps_content, satisfies
from accord.evals._extraction_report import change_failure, statement_failure
from accord.evals._extraction_score import Found, match_expected, score_change, score_statement
from accord.evals._extraction_summary import change_rows, negative_rows, recall_rows, recall_total, voice_rows


def _statement(expected: list[dict[str, Any]], *, kind: str = "statement", **extra: Any) -> StatementCase:
    return StatementCase.model_validate(
        {
            "id": extra.pop("id", "st-1"),
            "kind": kind,
            "voice": extra.pop("voice", "terse"),
            "messages": [{"role": "user", "content": extra.pop("text", "I drive a Civic.")}],
            "expected": expected,
            **extra,
        }
    )


def _change(current: dict[str, Any] | None, old: dict[str, Any], change: str = "replace") -> ChangeCase:
    return ChangeCase.model_validate(
        {
            "id": "ch-1",
            "kind": "change",
            "voice": "terse",
            "change": change,
            "sessions": [
                [{"role": "user", "content": "I live in Denver."}],
                [{"role": "user", "content": "Austin now."}],
            ],
            "attribute": "city",
            "current": current,
            "old": old,
        }
    )


CIVIC = {"category": "fact", "attribute": "vehicle", "keywords": ["civic"]}
CILANTRO = {
    "category": "preference",
    "attribute": "food_dislike",
    "keywords": ["cilantro", ["dislike", "can't stand"]],
}
AUSTIN = {"category": "fact", "keywords": ["austin"]}
DENVER = {"keywords": ["denver"]}


# -- keywords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "keywords", "expected"),
    [
        ("User drives a Civic", ["civic"], True),
        ("User's Civic's brakes squeak", ["civic"], True),  # possessive
        ("User has two dogs", ["dog"], True),  # plural
        ("User has many hobbies", ["hobby"], True),  # -y -> -ies
        ("User likes the category view", ["cat"], False),  # whole words only
        (
            "User CAN\u2019T STAND cilantro",
            ["cilantro", ["dislike", "can't stand"]],
            True,
        ),  # any of; curly quote
        ("User likes cilantro", ["cilantro", ["dislike", "can't stand"]], False),  # every entry must appear
        ("User works part-time", ["part time"], True),  # a hyphen between a phrase's words
        ("User is a senior data engineer", ["data engineer"], True),
        ("User is a data scientist", ["data engineer"], False),
    ],
)
def test_keywords_are_whole_words_with_plural_and_possessive_endings(
    content: str, keywords: list[Any], expected: bool
) -> None:
    assert satisfies(content, keywords) is expected


def test_content_words_and_keeping_a_persona_statement() -> None:
    assert content_words("I love hiking with my dogs.") == {"lov", "hik", "dog"}
    assert content_words("User loves to hike with their dog") == {"lov", "hik", "dog"}
    assert content_words("I'm so happy!") == {"happy"}
    assert keeps_content("I love italian food and garlic bread.", "User loves Italian food")  # 2 of 4
    assert not keeps_content("I love italian food and garlic bread.", "User loves bread")  # 1 of 4
    assert not keeps_content("I am.", "User is")  # no content word: never kept


# -- statements and negatives -----------------------------------------------------------------


def test_a_matched_statement() -> None:
    o = score_statement(_statement([CIVIC]), [Found("User drives a Civic", "fact")])
    assert o.matched == (0,)
    assert o.reasons() == []
    assert statement_failure(o) is None
    row = recall_total("all", [o])
    assert (row.expected, row.matched, row.extracted, row.recall, row.precision) == (1, 1, 1, 1.0, 1.0)


def test_a_wrong_category_memory_counts_only_for_the_category_agnostic_recall() -> None:
    o = score_statement(_statement([CILANTRO]), [Found("User can't stand cilantro", "fact")])
    assert o.matched == (None,)
    assert o.matched_any_category == (0,)
    assert o.reasons() == ["wrong_category:food_dislike", "false_positive"]
    row = recall_total("all", [o])
    assert (row.recall, row.recall_any_category, row.precision) == (0.0, 1.0, 0.0)
    by_category = {r.name: r for r in recall_rows([o])}
    assert (by_category["preference"].expected, by_category["preference"].extracted) == (1, 0)
    assert (by_category["fact"].expected, by_category["fact"].extracted) == (0, 1)
    assert by_category["fact"].precision == 0.0


def test_a_false_positive_lowers_precision_not_recall() -> None:
    found = [Found("User drives a Civic", "fact"), Found("User is a cat", "fact")]
    o = score_statement(_statement([CIVIC]), found)
    assert o.false_positives == [1]
    assert o.reasons() == ["false_positive"]
    row = recall_total("all", [o])
    assert (row.recall, row.precision) == (1.0, 0.5)
    failure = statement_failure(o)
    assert failure is not None
    assert failure.extracted == ["fact: User drives a Civic", "fact: User is a cat <- false positive"]


def test_one_memory_matches_at_most_one_expected_memory() -> None:
    two = [CIVIC, {"category": "fact", "attribute": "car", "keywords": ["civic"]}]
    o = score_statement(_statement(two), [Found("User drives a Civic", "fact")])
    assert sorted(o.matched, key=str) == [0, None]
    assert recall_total("all", [o]).recall == 0.5


def test_matching_finds_the_most_pairs_and_keeps_strict_matches_when_categories_are_ignored() -> None:
    from accord.evals._extraction_corpus import ExpectedMemory

    broad = ExpectedMemory(category="fact", keywords=[["civic", "honda"]])
    narrow = ExpectedMemory(category="fact", keywords=["honda"])
    found = [Found("User drives a Honda", "fact"), Found("User's Civic is red", "fact")]
    assert match_expected([broad, narrow], found) == [1, 0]  # greedy would give the Honda to `broad`
    seeded = match_expected([narrow], [Found("User drives a Honda", "fact")], by_category=False, seed=[0])
    assert seeded == [0]


def test_archived_memories_do_not_count_for_statements() -> None:
    o = score_statement(_statement([CIVIC]), [Found("User drives a Civic", "fact", archived=True)])
    assert (o.extracted, o.matched) == ((), (None,))


def test_a_negative_that_became_a_fact() -> None:
    negative = _statement([], kind="negative", id="ng-1", why="question", text="Should I buy a Civic?")
    fact = score_statement(negative, [Found("User buys a Civic", "fact")])
    quiet = score_statement(negative.model_copy(update={"why": "sarcasm"}), [])
    assert fact.reasons() == ["became_fact"]
    assert quiet.reasons() == []
    by_why, overall = negative_rows([fact, quiet])
    assert [(r.name, r.cases, r.with_memory, r.share) for r in by_why] == [
        ("question", 1, 1, 1.0),
        ("sarcasm", 1, 0, 0.0),
    ]
    assert (overall.cases, overall.with_memory, overall.share) == (2, 1, 0.5)
    matched = score_statement(_statement([CIVIC]), [Found("User drives a Civic", "fact")])
    assert recall_total("all", [matched, fact]).precision == 0.5  # the negative's memory counts against it
    (voice,) = voice_rows([matched, fact, quiet], [])
    assert (voice.statements.recall, voice.statements.precision, voice.negatives.share) == (1.0, 0.5, 0.5)


# -- changes ----------------------------------------------------------------------------------

OLD_ARCHIVED = Found("User lives in Denver", "fact", archived=True)


@pytest.mark.parametrize(
    ("current", "found", "reasons"),
    [
        (AUSTIN, [OLD_ARCHIVED, Found("User lives in Austin", "fact")], ()),
        (AUSTIN, [OLD_ARCHIVED, Found("User moved from Denver to Austin", "fact")], ()),  # names both
        (
            AUSTIN,
            [Found("User lived in Denver", "fact", past=True), Found("User lives in Austin", "fact")],
            (),
        ),
        (AUSTIN, [OLD_ARCHIVED], ("no_current",)),
        (AUSTIN, [OLD_ARCHIVED, Found("User lives in Austin", "preference")], ("no_current",)),
        (
            AUSTIN,
            [OLD_ARCHIVED, Found("User lives in Austin", "fact"), Found("Austin is home", "fact")],
            ("two_current",),
        ),
        (
            AUSTIN,
            [Found("User lives in Denver", "fact"), Found("User lives in Austin", "fact")],
            ("old_still_current", "old_lost"),
        ),
        (AUSTIN, [Found("User lives in Austin", "fact")], ("old_lost",)),
        (None, [OLD_ARCHIVED], ()),
        (None, [OLD_ARCHIVED, Found("User no longer lives in Denver", "fact", negated=True)], ()),
        (None, [Found("User lives in Denver", "fact")], ("old_still_current", "old_lost")),
    ],
)
def test_change_reasons(current: dict[str, Any] | None, found: list[Found], reasons: tuple[str, ...]) -> None:
    assert score_change(_change(current, DENVER), found).reasons == reasons


def test_change_rows_count_right_cases_and_reasons_and_the_category_agnostic_share() -> None:
    right = score_change(_change(AUSTIN, DENVER), [OLD_ARCHIVED, Found("User lives in Austin", "fact")])
    misfiled = score_change(
        _change(AUSTIN, DENVER, "negate"), [OLD_ARCHIVED, Found("User lives in Austin", "goal")]
    )
    lost = score_change(_change(AUSTIN, DENVER), [Found("User lives in Austin", "fact")])
    by_kind, overall = change_rows([right, misfiled, lost])
    assert [(r.name, r.cases, r.right) for r in by_kind] == [("negate", 1, 0), ("replace", 2, 1)]
    assert (overall.cases, overall.right, overall.right_any_category) == (3, 1, 2)
    assert overall.reasons == {"no_current": 1, "old_lost": 1}
    assert (overall.share, overall.share_any_category) == (0.3333, 0.6667)
    failure = change_failure(lost)
    assert failure is not None
    assert (failure.kind, failure.reasons, failure.missing) == (
        "change/replace",
        ["old_lost"],
        ["current fact: austin", "old: denver"],
    )


def test_show_misses_prints_the_turns_and_what_was_extracted() -> None:
    from accord.evals._extraction_report import Run
    from accord.evals.extraction import _report

    fp = score_statement(
        _statement([CIVIC]), [Found("User drives a Civic", "fact"), Found("User is a cat", "fact")]
    )
    lost = score_change(_change(AUSTIN, DENVER), [Found("User lives in Austin", "fact")])
    run = Run(settings={}, served_by={"rules": 3}, adds=3, seconds=1.0, cases_per_second=2.0)
    report = _report([Path("x.jsonl")], [fp, lost], run)
    assert [f.id for f in report.failures] == ["st-1", "ch-1"]
    text = report.show_misses(5)
    assert "- st-1 [statement, terse] false_positive\n  > user: I drive a Civic.\n" in text
    assert "    got fact: User is a cat <- false positive" in text
    assert "  s2 > user: Austin now.\n    expected current fact: austin\n    expected old: denver\n" in text
    assert report.show_misses(0) == ""
    assert "3 add() calls in 1.0 s (2.0 cases/s); served by rules 3" in report.to_table()


# -- reading files ----------------------------------------------------------------------------


def test_load_corpus_names_the_bad_line(tmp_path: Path) -> None:
    good = {
        "id": "st-1",
        "kind": "statement",
        "voice": "terse",
        "messages": [{"role": "user", "content": "Hi"}],
        "expected": [CIVIC],
    }
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps({**good, "expected": []}) + "\n")
    with pytest.raises(InvalidInputError, match=r"c\.jsonl:3: a statement must have some expected"):
        load_corpus([path])
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(InvalidInputError, match="already used"):
        load_corpus([path])
    path.write_text(json.dumps({**good, "expected": [{**CIVIC, "category": "mood"}]}) + "\n")
    with pytest.raises(InvalidInputError, match=r"c\.jsonl:1: statement\.expected\.0\.category"):
        load_corpus([path])


def test_sample_every_kth_is_spread_and_deterministic() -> None:
    assert sample_every_kth(list(range(10)), 3) == [0, 3, 6]
    assert sample_every_kth(list(range(10)), None) == list(range(10))
    assert sample_every_kth(list(range(4)), 9) == [0, 1, 2, 3]
    with pytest.raises(InvalidInputError):
        sample_every_kth(list(range(4)), 0)


# -- the command end to end -------------------------------------------------------------------


def _turns(*turns: str) -> list[dict[str, str]]:
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]


TINY_CORPUS = [
    {
        "id": "st-1",
        "kind": "statement",
        "voice": "terse",
        "messages": _turns("I live in Tucson."),
        "expected": [{"category": "fact", "attribute": "city", "keywords": ["tucson"]}],
    },
    {
        "id": "st-2",
        "kind": "statement",
        "voice": "chatty",
        "messages": _turns("Hi there!", "Hello! How can I help?", "My name is Dmitri."),
        "expected": [{"category": "fact", "attribute": "name", "keywords": ["dmitri"]}],
    },
    {
        "id": "ng-1",
        "kind": "negative",
        "voice": "terse",
        "why": "question",
        "messages": _turns("What is the capital of Australia?"),
        "expected": [],
    },
    {
        "id": "ch-1",
        "kind": "change",
        "voice": "terse",
        "change": "replace",
        "attribute": "employer",
        "sessions": [_turns("I work at Hooli."), _turns("I work at Plaid now.")],
        "current": {"category": "fact", "keywords": ["plaid"]},
        "old": {"keywords": ["hooli"]},
    },
]


def _accord_eval(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}  # the rules, whatever is set
    return subprocess.run(
        [sys.executable, "-m", "accord.cli.main", "eval", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def test_accord_eval_extraction_end_to_end(tmp_path: Path) -> None:
    corpus = tmp_path / "tiny.tuning.jsonl"
    corpus.write_text("".join(json.dumps(case) + "\n" for case in TINY_CORPUS), encoding="utf-8")
    out = tmp_path / "report.json"
    proc = _accord_eval("extraction", str(corpus), "--json", str(out), "--show-misses", "5", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "precision" in proc.stdout and "cases/s" in proc.stdout
    report = json.loads(out.read_text())
    assert report["files"] == ["tiny.tuning.jsonl"]
    assert report["cases"] == {"statement": 2, "negative": 1, "change": 1}
    s = report["statements"]
    assert (s["expected"], s["matched"], s["extracted"], s["recall"], s["precision"]) == (2, 2, 2, 1.0, 1.0)
    assert [(r["name"], r["expected"], r["recall"]) for r in report["categories"]] == [("fact", 2, 1.0)]
    assert (report["negatives"]["cases"], report["negatives"]["share"]) == (1, 0.0)
    assert (report["changes"]["cases"], report["changes"]["right"], report["changes"]["share"]) == (1, 1, 1.0)
    assert report["failures"] == []
    run = report["run"]
    assert (run["adds"], run["served_by"], run["adds_blocked"], run["adds_rejected"]) == (
        5,
        {"rules": 5},
        {},
        {},
    )
    assert run["settings"]["llm_provider_order"] == []


def test_accord_eval_personas_end_to_end(tmp_path: Path) -> None:
    personas = tmp_path / "personas.json"
    records = [{"Speaker 1": ["I live in Tucson.", "I work at Hooli."], "Speaker 2": ["My name is Dmitri."]}]
    personas.write_text(json.dumps(records), encoding="utf-8")
    out = tmp_path / "report.json"
    proc = _accord_eval("personas", str(personas), "--limit", "2", "--json", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert (report["statements"], report["sampled"], report["scored"], report["kept"]) == (3, 2, 2, 2)
    assert (report["recall"], report["misses"]) == (1.0, [])


def test_accord_eval_extraction_reports_a_bad_file(tmp_path: Path) -> None:
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"id": "x", "kind": "statement"}\n', encoding="utf-8")
    proc = _accord_eval("extraction", str(corpus), "--quiet")
    assert proc.returncode == 1
    assert "bad.jsonl:1" in proc.stderr

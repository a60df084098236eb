"""The built-in reranker's features, and irregular word forms for search (no I/O)."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.domain.inflection import irregular_terms, word_forms
from accord.domain.rerank import RerankWeights, feature_scores, query_groups
from accord.domain.records import RerankCandidate

ONLY = {"relevance": 0.0, "coverage": 0.0, "neighbours": 0.0, "dense": 0.0, "date": 0.0}


def _c(i: str, text: str, relevance: float = 0.5, **kw: object) -> RerankCandidate:
    return RerankCandidate(memory_id=i, text=text, relevance=relevance, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "added"),
    [
        ("Did Melanie lose her job?", {"lost"}),
        ("What did Caroline win?", {"won"}),
        ("When did John meet his mentor?", {"met"}),
        ("How many children?", {"child"}),
        ("What paintings did she buy?", {"bought"}),
        ("Who adopted the puppy?", set()),  # Snowball already joins regular forms
    ],
)
def test_irregular_forms_become_lighter_query_terms(query: str, added: set[str]) -> None:
    extra = irregular_terms(query)
    assert added <= set(extra) and all(w == 0.7 for w in extra.values())
    assert not (set(extra) & {"melani", "job", "caroline", "john"})  # names and regular words add nothing
    assert irregular_terms(query, 0.0) == {}


def test_word_forms_join_lemma_and_inflections() -> None:
    assert {"lose", "lost", "losing"} <= word_forms("lost")
    assert word_forms("mice") >= {"mouse", "mice"}
    assert word_forms("better") == word_forms("better") and "good" not in word_forms("better")  # no adjectives
    assert word_forms("x2") == frozenset({"x2"})


def test_coverage_prefers_the_candidate_that_covers_more_and_rarer_query_words() -> None:
    query = "Which instrument did Ann lose at the festival?"
    groups = query_groups(query)
    assert any("lost" in g for g in groups)  # "lose" counts its irregular form
    cands = [
        _c("many", "I lost my violin, my favourite instrument, at the festival"),
        _c("one", "the festival festival festival was loud"),
        _c("none", "my cat sleeps all day"),
    ]
    scores = feature_scores(query, cands, RerankWeights(**{**ONLY, "coverage": 1.0}))
    assert scores[0] == 1.0 and scores[0] > scores[1] > scores[2] == 0.0


def test_neighbours_lift_a_reply_to_a_matching_turn_in_its_own_session_only() -> None:
    cands = [
        _c("question", "Did you go to Lisbon?", 1.0, session="s1", turn=3),
        _c("reply", "Yes, in May!", 0.1, session="s1", turn=4),
        _c("elsewhere", "Yes, in June!", 0.1, session="s2", turn=4),
        _c("far", "Sure.", 0.1, session="s1", turn=6),
        _c("unplaced", "Yes.", 0.1),
    ]
    scores = feature_scores("Lisbon?", cands, RerankWeights(**{**ONLY, "neighbours": 1.0}))
    assert scores[1] == 1.0 and scores[2] == scores[3] == scores[4] == 0.0


def test_dense_and_date_features_and_the_blend() -> None:
    day = dt.datetime(2023, 5, 8, 12, tzinfo=dt.UTC)
    cands = [
        _c("a", "x", 0.2, dense=0.9, said_at=day),
        _c("b", "y", 0.8, dense=0.3, said_at=day + dt.timedelta(days=40)),
        _c("c", "z", 0.4),
    ]
    dense = feature_scores("q", cands, RerankWeights(**{**ONLY, "dense": 1.0}))
    assert dense == [1.0, 0.0, 0.0]
    span = (dt.date(2023, 5, 1), dt.date(2023, 5, 31))
    dated = feature_scores("q", cands, RerankWeights(**{**ONLY, "date": 1.0}), date_range=span)
    assert dated == [1.0, 0.0, 0.0]
    assert feature_scores("q", cands, RerankWeights(**{**ONLY, "date": 1.0})) == [0.0, 0.0, 0.0]
    plain = feature_scores("q", cands, RerankWeights(**{**ONLY, "relevance": 1.0}))
    assert plain == pytest.approx([0.25, 1.0, 0.5])  # first-stage order, scaled so the best is 1
    assert feature_scores("q", []) == []

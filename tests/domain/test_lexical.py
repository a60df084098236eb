"""accord.domain.lexical: one tokenizer and BM25 for every index and fallback."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from accord.domain.lexical import (
    STOPWORDS,
    Segment,
    bm25_scores,
    bm25_scores_tokens,
    compose_index_text,
    date_words,
    dense_text,
    expansion_terms,
    index_segments,
    sparse_document,
    sparse_query,
    term_counts,
    term_id,
    tokenize,
    weighted_terms,
)


def test_tokenize_lowercases_stems_and_drops_stopwords() -> None:
    assert tokenize("The user is Running and RUNS") == ["user", "run", "run"]


def test_tokenize_keeps_negations() -> None:
    assert tokenize("I do not like coffee") == ["not", "like", "coffe"]
    assert "no" not in STOPWORDS and "never" not in STOPWORDS and "not" not in STOPWORDS
    assert tokenize("she doesn't eat meat") == ["doesnt", "eat", "meat"]


def test_tokenize_handles_apostrophes_and_contractions() -> None:
    assert tokenize("don't") == tokenize("dont") == ["dont"]
    assert tokenize("Anna\u2019s bike") == tokenize("Annas bike")
    assert tokenize("I'm here") == []


def test_contractions_that_are_real_words_are_not_stopwords() -> None:
    assert tokenize("shell script") == ["shell", "script"]


def test_tokenize_splits_punctuation_and_keeps_numbers() -> None:
    assert tokenize("v2.3 user_id e-mail, 42!") == ["v2", "3", "user", "id", "e", "mail", "42"]


def test_tokenize_folds_accents_and_keeps_other_scripts() -> None:
    assert tokenize("Café in Zürich") == tokenize("cafe in zurich") == ["cafe", "zurich"]
    assert tokenize("Москва") == ["москва"]
    assert tokenize("東京 タワー") == ["東京", "タワー"]


def test_tokenize_empty_and_symbol_only() -> None:
    assert tokenize("") == []
    assert tokenize("!!! ... ---") == []


def test_term_id_is_stable_and_31_bit() -> None:
    assert term_id("run") == 1349952704  # crc32, pinned: indices must never change across releases
    assert all(0 <= term_id(t) < 2**31 for t in ["a", "run", "東京", "x" * 100])
    assert term_id("run") != term_id("runs")


def test_term_id_is_identical_in_another_process() -> None:
    code = "from accord.domain.lexical import term_id; print(term_id('coffe'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == term_id("coffe") == 969995185


def test_sparse_document_bm25_tf_weights() -> None:
    indices, values = sparse_document("coffee coffee tea", avg_len=3.0)
    weights = dict(zip(indices, values, strict=True))
    # len == avg_len, so the norm is k1: tf*(k1+1)/(tf+k1)
    assert weights[term_id("coffe")] == pytest.approx(2 * 2.2 / (2 + 1.2))
    assert weights[term_id("tea")] == pytest.approx(2.2 / (1 + 1.2))
    assert len(set(indices)) == len(indices)


def test_sparse_document_longer_documents_weigh_less() -> None:
    short = dict(zip(*sparse_document("coffee"), strict=True))[term_id("coffe")]
    long_text = "coffee " + " ".join(f"word{i}" for i in range(60))
    long = dict(zip(*sparse_document(long_text), strict=True))[term_id("coffe")]
    assert short > long > 0


def test_sparse_document_and_query_of_empty_text() -> None:
    assert sparse_document("the and of") == ([], [])
    assert sparse_query("") == ([], [])


def test_sparse_query_unique_terms_weight_one() -> None:
    indices, values = sparse_query("running runs tea")
    assert indices == [term_id("run"), term_id("tea")]
    assert values == [1.0, 1.0]


def test_bm25_scores_order_and_zero_for_no_match() -> None:
    docs = ["I went running yesterday", "running and coffee every morning", "tea with milk"]
    scores = bm25_scores("morning run with coffee", docs)
    assert scores[1] > scores[0] > 0
    assert scores[2] == 0.0


def test_bm25_idf_comes_from_the_given_corpus() -> None:
    docs = ["user likes tea", "user likes coffee", "user likes tea", "user likes juice"]
    scores = bm25_scores("user coffee", docs)
    # "user" is in every document, "coffee" only in one: the rare term decides.
    assert max(range(4), key=scores.__getitem__) == 1
    assert scores[0] == scores[2] == scores[3] > 0


def test_bm25_shorter_document_wins_on_equal_tf() -> None:
    scores = bm25_scores("coffee", ["coffee", "coffee with a long list of other words here", "tea"])
    assert scores[0] > scores[1] > 0


def test_bm25_edge_cases() -> None:
    assert bm25_scores("coffee", []) == []
    assert bm25_scores("the", ["coffee"]) == [0.0]
    assert bm25_scores_tokens(["coffe"], [["coffe"], []])[1] == 0.0


# -- weighted index texts -------------------------------------------------------------------


def _weights(text: str) -> dict[int, float]:
    return dict(zip(*sparse_document(text), strict=True))


def test_index_text_segments_round_trip_and_dense_text() -> None:
    text = compose_index_text("Ann: Yes, in May!", context=[("Did you go to Lisbon?", 0.5)], keywords=[("8 May 2023", 0.3)])
    assert index_segments(text) == [
        Segment("Ann: Yes, in May!", 1.0, True),
        Segment("Did you go to Lisbon?", 0.5, True),
        Segment("8 May 2023", 0.3, False),
    ]
    assert dense_text(text) == "Ann: Yes, in May!\nDid you go to Lisbon?"  # keywords are lexical only
    assert index_segments("plain text") == [Segment("plain text", 1.0, True)]
    assert dense_text("plain text") == "plain text"


def test_segments_without_text_or_weight_are_left_out() -> None:
    assert compose_index_text("tea", context=[("", 0.5), ("coffee", 0.0)], keywords=[("  ", 1.0)]) == "tea"


def test_content_cannot_forge_a_segment() -> None:
    forged = "tea\x1ec9\x1fcoffee"  # a user typing the markers gets words, not a heavy segment
    text = compose_index_text(forged, context=[("milk\x1ek9\x1fsugar", 0.5)])
    assert [s.text for s in index_segments(text)] == ["tea c9 coffee", "milk k9 sugar"]
    assert _weights(text)[term_id("coffe")] == _weights(text)[term_id("tea")]


def test_context_terms_weigh_less_than_the_turn_own_terms() -> None:
    text = compose_index_text("I adopted a puppy", context=[("any news about the shelter", 0.5)])
    weights = _weights(text)
    assert weights[term_id("puppi")] > weights[term_id("shelter")] > 0
    # a term in both the turn and its context counts 1 + 0.5 times; the length is weighted too
    both = _weights(compose_index_text("puppy", context=[("puppy", 0.5)], keywords=[("kitten", 0.5)]))
    norm = 1.2 * (1 - 0.75 + 0.75 * 2.0 / 32.0)
    assert both[term_id("puppi")] == pytest.approx(1.5 * 2.2 / (1.5 + norm))
    assert both[term_id("kitten")] == pytest.approx(0.5 * 2.2 / (0.5 + norm))


def test_plain_text_scores_as_before_and_speaker_split_changes_nothing() -> None:
    # "Ann: <turn>" is tokenized in two parts for caching; the terms are the same.
    assert _weights("Ann: I love tea and tea") == _weights("Ann I love tea and tea")
    indices, values = sparse_document("coffee coffee tea", avg_len=3.0)
    assert dict(zip(indices, values, strict=True))[term_id("coffe")] == pytest.approx(2 * 2.2 / (2 + 1.2))


def test_weighted_terms_and_bm25_on_index_texts() -> None:
    text = compose_index_text("tea", context=[("coffee", 0.5)], keywords=[("8 May 2023", 0.25)])
    counts, length = weighted_terms(text)
    assert counts == {"tea": 1.0, "coffe": 0.5, "8": 0.25, "may": 0.25, "2023": 0.25}
    assert length == pytest.approx(2.25)
    own, context = bm25_scores("coffee", [compose_index_text("coffee"), compose_index_text("tea", context=[("coffee", 0.5)])])
    assert own > context > 0


def test_date_words_name_the_day_in_english() -> None:
    assert date_words(dt.datetime(2023, 5, 8, 13, 56, tzinfo=dt.UTC)) == "8 May 2023"
    assert tokenize(date_words(dt.datetime(2022, 12, 31))) == ["31", "decemb", "2022"]


def test_numbers_are_not_stemmed() -> None:
    assert tokenize("in 2023 at 1530") == ["2023", "1530"]


# -- query expansion --------------------------------------------------------------------------


def test_sparse_query_adds_weighted_extra_terms() -> None:
    indices, values = sparse_query("violin", {"clara": 0.25, "violin": 0.5, "noise": 0.0})
    assert dict(zip(indices, values, strict=True)) == {term_id("violin"): 1.5, term_id("clara"): 0.25}


def test_expansion_terms_come_from_the_best_hits_and_skip_common_ones() -> None:
    best = term_counts("Clara teaches me violin in Vienna")
    weak = term_counts("I like pizza a lot")
    pool = [best, weak, *(term_counts(f"I like day {i}") for i in range(6))]
    extra = expansion_terms({"violin"}, [(best, 2.0), (weak, 0.5)], pool, terms=3, weight=0.25)
    assert set(extra) == {"clara", "teach", "vienna"}  # "like" is in most of the pool: low IDF
    assert max(extra.values()) == pytest.approx(0.25) and all(0 < w <= 0.25 for w in extra.values())
    assert "violin" not in extra


def test_expansion_terms_edge_cases() -> None:
    doc = term_counts("Clara teaches violin")
    assert expansion_terms({"violin"}, [], [doc], terms=5, weight=0.3) == {}
    assert expansion_terms({"violin"}, [(doc, 0.0)], [doc], terms=5, weight=0.3) == {}
    assert expansion_terms({"violin"}, [(doc, 1.0)], [doc], terms=0, weight=0.3) == {}
    assert expansion_terms({"clara", "teach", "violin"}, [(doc, 1.0)], [doc], terms=5, weight=0.3) == {}

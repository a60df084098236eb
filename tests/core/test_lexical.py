"""accord.lexical: one tokenizer and BM25 for every index and fallback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from accord.lexical import (
    STOPWORDS,
    bm25_scores,
    bm25_scores_tokens,
    sparse_document,
    sparse_query,
    term_id,
    tokenize,
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
    code = "from accord.lexical import term_id; print(term_id('coffe'))"
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

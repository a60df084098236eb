"""The lexical rules every index and fallback share, pinned exactly.

``test_lexical.py`` shows the tokenizer and BM25 at work; this file pins the parts that must
not drift, because other components depend on the exact figures or formats:

* BM25's formulas, term by term: the pure-Python path (hot tier, SQL keyword fallback) must
  rank like Qdrant's ``Modifier.Idf`` path, so IDF, the length norm and the tf saturation are
  checked against the written formula on small corpora;
* the index-text format (``\\x1e<kind><weight>\\x1f<text>``), which is stored in the indexes;
* how raw text is read: durable memories are indexed by their content as is, so a stray
  marker in a user's words must keep every word at full weight and never forge a weight;
* pseudo-relevance feedback: which terms come back and with which weights.
"""

from __future__ import annotations

import math

import pytest
from accord.domain.lexical import (
    K1,
    MAX_TOKEN_LEN,
    B,
    Segment,
    bm25_scores,
    bm25_scores_tokens,
    compose_index_text,
    dense_text,
    expansion_terms,
    index_segments,
    sparse_document,
    term_id,
    tokenize,
    weighted_terms,
)


def idf(df: int, n: int) -> float:
    """Qdrant's IDF: ln(1 + (N - df + 0.5) / (df + 0.5))."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def saturated(tf: float, length: float, avg_len: float) -> float:
    """BM25's tf part: tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg_len))."""
    return tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / avg_len))


# --- tokens ---


def test_tokens_up_to_64_characters_are_kept_and_longer_ones_dropped() -> None:
    # Hashes and base64 blobs are not words anyone searches for; digits are not stemmed.
    assert MAX_TOKEN_LEN == 64
    assert tokenize("1" * 64 + " " + "2" * 65 + " tea") == ["1" * 64, "tea"]


# --- BM25 over a small corpus, term by term ---


def test_bm25_score_is_the_sum_over_query_terms_of_idf_times_saturated_tf() -> None:
    docs = ["coffee coffee tea", "tea", "milk"]  # lengths 3, 1, 1: the average is 5/3
    avg = 5 / 3
    scores = bm25_scores("coffee tea", docs)
    assert scores == pytest.approx(
        [
            idf(1, 3) * saturated(2, 3, avg) + idf(2, 3) * saturated(1, 3, avg),
            idf(2, 3) * saturated(1, 1, avg),
            0.0,
        ]
    )


def test_bm25_average_length_is_at_least_one_token() -> None:
    # A corpus of one-word and empty documents: the length norm divides by 1, not by 0.5.
    assert bm25_scores("coffee", ["coffee", ""]) == pytest.approx([idf(1, 2) * saturated(1, 1, 1.0), 0.0])


def test_bm25_of_tokens_scores_like_bm25_of_the_texts() -> None:
    docs = ["coffee coffee tea", "tea with milk", "coffee"]
    by_tokens = bm25_scores_tokens(tokenize("coffee tea"), [tokenize(d) for d in docs])
    assert by_tokens == pytest.approx(bm25_scores("coffee tea", docs))
    assert by_tokens[0] > by_tokens[2] > by_tokens[1] > 0


def test_bm25_takes_k1_and_b() -> None:
    # b = 0: no length normalisation, so a long document scores like a short one.
    short, long = bm25_scores("tea", ["tea", "tea " + "milk " * 20], b=0.0)
    assert short == pytest.approx(long)
    (only,) = bm25_scores("tea", ["tea tea"], k1=2.0, b=0.0)
    assert only == pytest.approx(idf(1, 1) * 2 * 3.0 / (2 + 2.0))


# --- sparse document vectors ---


def test_two_terms_that_collide_on_an_id_add_up_in_one_index() -> None:
    # These two numbers share a 31-bit CRC32: the vector must still have unique indices.
    a, b = "903291985642", "657590501813"
    assert term_id(a) == term_id(b)
    indices, values = sparse_document(f"{a} {b}", avg_len=2.0)
    assert indices == [term_id(a)]
    assert values == pytest.approx([saturated(2, 2, 2.0)])


# --- the index-text format ---


def test_index_text_format_is_stable() -> None:
    # Stored in the indexes: a change here would misread every index text written before.
    text = compose_index_text("Ann: hi", context=[("hello?", 0.5)], keywords=[("8 May 2023", 0.25), ("bye", 1)])
    assert text == "Ann: hi\x1ec0.5\x1fhello?\x1ek0.25\x1f8 May 2023\x1ek1\x1fbye"


@pytest.mark.parametrize(
    ("content", "plain"),
    [
        ("tea\x1ec9coffee", "tea c9coffee"),  # a segment marker alone
        ("tea\x1fc9 coffee", "tea c9 coffee"),  # a header end alone
        ("tea\x1ec9\x1fcoffee", "tea c9 coffee"),  # both
    ],
)
def test_composed_text_never_carries_a_marker_from_its_parts(content: str, plain: str) -> None:
    text = compose_index_text(content, context=[(content, 0.5)])
    assert index_segments(text) == [Segment(plain, 1.0, True), Segment(plain, 0.5, True)]
    assert dense_text(text) == f"{plain}\n{plain}"


# --- raw text read as an index text (durable memories are indexed by their content) ---


def test_a_stray_segment_marker_keeps_its_words_at_full_weight() -> None:
    raw = "tea\x1ecoffee"  # no header end: not a segment, only words
    assert index_segments(raw) == [Segment("tea", 1.0, True), Segment("coffee", 1.0, True)]
    assert dense_text(raw) == "tea\ncoffee"
    assert weighted_terms(raw) == ({"tea": 1.0, "coffe": 1.0}, 2.0)


def test_a_segment_body_keeps_every_word_after_its_header() -> None:
    assert index_segments("tea\x1ek0.5\x1fmilk\x1fsugar") == [
        Segment("tea", 1.0, True),
        Segment("milk\x1fsugar", 0.5, False),
    ]


@pytest.mark.parametrize(
    ("header", "weight", "dense"),
    [("c0.5", 0.5, True), ("k2", 2.0, False), ("c", 1.0, True), ("kx", 1.0, False), ("c-1", 1.0, True), ("cinf", 1.0, True), ("cnan", 1.0, True), ("k0", 0.0, False)],
)
def test_segment_headers_read_kind_and_weight_and_malformed_weights_weigh_one(header: str, weight: float, dense: bool) -> None:
    assert index_segments(f"tea\x1e{header}\x1fmilk")[1] == Segment("milk", weight, dense)


def test_a_segment_of_weight_zero_adds_no_term() -> None:
    assert weighted_terms("tea\x1ek0\x1fcoffee") == ({"tea": 1.0}, 1.0)
    assert sparse_document("tea\x1ek0\x1fcoffee")[0] == [term_id("tea")]


# --- pseudo-relevance feedback ---

CLARA = {"clara": 1, "violin": 2}  # "Clara ... violin violin", length 3
PIZZA = {"clara": 1, "pizza": 1}  # length 2
OTHER = {"pizza": 1}
AVG = 32.0


def test_expansion_gains_sum_over_feedback_scaled_by_relative_score() -> None:
    pool = [CLARA, PIZZA, OTHER]  # df: clara 2, pizza 2 (violin is a query term)
    extra = expansion_terms({"violin"}, [(CLARA, 2.0), (PIZZA, 1.0)], pool, terms=5, weight=0.3)
    clara = 1.0 * saturated(1, 3, AVG) * idf(2, 3) + 0.5 * saturated(1, 2, AVG) * idf(2, 3)
    pizza = 0.5 * saturated(1, 2, AVG) * idf(2, 3)
    assert extra == pytest.approx({"clara": 0.3, "pizza": 0.3 * pizza / clara})


def test_expansion_weighs_a_term_by_its_frequency_in_the_hit_and_its_rarity_in_the_pool() -> None:
    hit = {"violin": 1, "clara": 2, "vienna": 1}  # length 4
    pool = [hit, {"vienna": 1}, {"vienna": 1, "opera": 1}]  # df: clara 1, vienna 3; opera is no hit's
    extra = expansion_terms({"violin"}, [(hit, 1.0)], pool, terms=5, weight=0.3)
    clara = saturated(2, 4, AVG) * idf(1, 3)
    vienna = saturated(1, 4, AVG) * idf(3, 3)
    assert extra == pytest.approx({"clara": 0.3, "vienna": 0.3 * vienna / clara})


def test_expansion_from_one_weakly_scored_document_in_a_pool_of_one() -> None:
    # Scores below 1 count (only their ratio to the best matters); IDF over a pool of one.
    extra = expansion_terms({"violin"}, [(CLARA, 0.5)], [CLARA], terms=5, weight=0.3)
    assert extra == {"clara": pytest.approx(0.3)}
    assert saturated(1, 3, AVG) * idf(1, 1) < 1  # the best gain is small: still returned


def test_expansion_takes_the_best_terms_and_breaks_ties_by_name() -> None:
    doc = {"zebra": 1, "apple": 1, "mango": 1}
    pool = [doc, {"other": 1}]
    assert expansion_terms(set(), [(doc, 1.0)], pool, terms=1, weight=0.3) == {"apple": pytest.approx(0.3)}
    assert expansion_terms(set(), [(doc, 1.0)], pool, terms=2, weight=0.3) == {
        "apple": pytest.approx(0.3),
        "mango": pytest.approx(0.3),
    }


@pytest.mark.parametrize(("terms", "weight"), [(0, 0.3), (-1, 0.3), (5, 0.0), (5, -0.1)])
def test_expansion_asked_for_no_terms_or_no_weight_adds_nothing(terms: int, weight: float) -> None:
    assert expansion_terms(set(), [(CLARA, 1.0), (PIZZA, 1.0)], [CLARA, PIZZA], terms=terms, weight=weight) == {}

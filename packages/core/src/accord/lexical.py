"""Lexical analysis shared by every index adapter, the SQL keyword fallback and the hot tier.

One tokenizer everywhere, so a memory indexed by Qdrant Edge, by a Qdrant server or scored in
pure Python is matched by the same words:

* lowercase, accents folded (``café`` -> ``cafe``), apostrophes dropped (``don't`` -> ``dont``);
* words are runs of unicode letters and digits; punctuation and ``_`` split words;
* a compact English stopword list is removed, **except negations** (``not``, ``no``, ``never``,
  ``dont``, ``isnt`` ...): "likes coffee" and "does not like coffee" must not look identical;
* Snowball English stemming (``running`` -> ``run``), cached.

Sparse vectors use :func:`term_id`, a stable 31-bit CRC32 of the stem, never ``hash()``, so the
same text gives the same indices in every process. Document vectors carry BM25's term-frequency
part only; the index supplies IDF (Qdrant's ``Modifier.Idf``). :func:`bm25_scores` is full
BM25 over a small in-memory corpus.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

__all__ = [
    "STOPWORDS",
    "bm25_scores",
    "bm25_scores_tokens",
    "sparse_document",
    "sparse_query",
    "term_id",
    "tokenize",
]

K1 = 1.2
B = 0.75
AVG_DOC_LEN = 32.0
MAX_TOKEN_LEN = 64

# Compact English stopwords. Negations and their contractions are deliberately absent, and so are
# contractions that fold into real words (she'll -> shell, we'd -> wed, I'll -> ill, I'd -> id).
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he hed hes her here heres hers herself him himself his how hows i im ive if in into
    is it its itself lets me more most my myself of off on once only or other ought our ours
    ourselves out over own same she shes should so some such than that thats the their theirs them
    themselves then there theres these they theyd theyll theyre theyve this those through to too
    under until up very was we were weve what whats when whens where wheres which while who whos
    whom why whys with would you youd youll youre youve your yours yourself yourselves s t d ll m re
    ve
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = {ord("'"): None, ord("\u2019"): None, ord("\u02bc"): None}
# Combining diacritics used with Latin, Greek and Cyrillic; other scripts' marks are kept.
_DIACRITICS = {cp: None for cp in range(0x300, 0x370)}
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=131_072)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def _fold(text: str) -> str:
    text = text.lower().translate(_APOSTROPHES)
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", text).translate(_DIACRITICS))


def tokenize(text: str) -> list[str]:
    """Split ``text`` into stemmed, stopword-free terms, in order (duplicates kept).

    Example: ``tokenize("She doesn't like running!")`` -> ``["doesnt", "like", "run"]``.
    """
    stop = STOPWORDS
    return [
        _stem(word)
        for word in _WORD.findall(_fold(text))
        if word not in stop and len(word) <= MAX_TOKEN_LEN
    ]


@lru_cache(maxsize=131_072)
def term_id(term: str) -> int:
    """A stable, non-negative 31-bit id for ``term`` (CRC32 of its UTF-8 bytes)."""
    return zlib.crc32(term.encode("utf-8")) & 0x7FFFFFFF


def sparse_document(
    text: str, *, k1: float = K1, b: float = B, avg_len: float = AVG_DOC_LEN
) -> tuple[list[int], list[float]]:
    """BM25 document-side weights ``tf*(k1+1) / (tf + k1*(1-b+b*len/avg_len))`` per term id.

    IDF is left to the index. Returns ``([], [])`` for text without terms. Indices are unique
    (two terms colliding on an id add up).
    """
    tokens = tokenize(text)
    if not tokens:
        return [], []
    norm = k1 * (1.0 - b + b * len(tokens) / avg_len)
    counts = Counter(term_id(t) for t in tokens)
    indices = list(counts)
    values = [tf * (k1 + 1.0) / (tf + norm) for tf in counts.values()]
    return indices, values


def sparse_query(text: str) -> tuple[list[int], list[float]]:
    """Query-side sparse vector: each distinct term id once, with weight 1.0."""
    indices = list(dict.fromkeys(term_id(t) for t in tokenize(text)))
    return indices, [1.0] * len(indices)


def _idf(document_frequency: int, corpus_size: int) -> float:
    # The same formula Qdrant's Modifier.Idf uses, so both paths rank alike.
    return math.log(1.0 + (corpus_size - document_frequency + 0.5) / (document_frequency + 0.5))


def bm25_scores_tokens(
    query_tokens: Sequence[str],
    documents: Sequence[Sequence[str]],
    *,
    k1: float = K1,
    b: float = B,
) -> list[float]:
    """BM25 of already tokenized documents, with IDF and average length taken from ``documents``."""
    n = len(documents)
    terms = set(query_tokens)
    if n == 0 or not terms:
        return [0.0] * n
    counted = [Counter(doc) for doc in documents]
    avg_len = max(sum(len(doc) for doc in documents) / n, 1.0)
    idf = {t: _idf(sum(1 for c in counted if t in c), n) for t in terms}
    scores: list[float] = []
    for doc, counts in zip(documents, counted, strict=True):
        norm = k1 * (1.0 - b + b * len(doc) / avg_len)
        score = 0.0
        for t in terms:
            tf = counts.get(t)
            if tf:
                score += idf[t] * tf * (k1 + 1.0) / (tf + norm)
        scores.append(score)
    return scores


def bm25_scores(query: str, documents: Sequence[str], *, k1: float = K1, b: float = B) -> list[float]:
    """Full BM25 score of each document for ``query``; IDF is computed from ``documents`` alone.

    Meant for small corpora (a user's hot tier, a SQL keyword pre-filter): it is pure Python.
    Scores are aligned with ``documents``; a document sharing no term with the query scores 0.
    """
    return bm25_scores_tokens(tokenize(query), [tokenize(d) for d in documents], k1=k1, b=b)

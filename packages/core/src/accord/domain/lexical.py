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

An index text may carry **weighted segments** after its main text (:func:`compose_index_text`):
*context* (the turn a reply answers; also embedded) and *keywords* (the day it was said, the
next turn; lexical only). A term's frequency sums its segments' weights, so a reply that echoes
a turn no longer outranks it. Plain text is one segment of weight 1 and scores as before.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

import snowballstemmer  # type: ignore[import-untyped]

__all__ = [
    "STOPWORDS",
    "Segment",
    "bm25_scores",
    "bm25_scores_tokens",
    "compose_index_text",
    "date_words",
    "dense_text",
    "expansion_terms",
    "index_segments",
    "sparse_document",
    "sparse_query",
    "term_counts",
    "term_id",
    "tokenize",
    "weighted_terms",
    "words",
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
    if word.isdigit() and word.isascii():  # Snowball leaves numbers as they are; skip its cost
        return word
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


def words(text: str) -> list[str]:
    """The words :func:`tokenize` keeps, folded but not stemmed (for lemmatisers)."""
    return [word for word in _WORD.findall(_fold(text)) if word not in STOPWORDS and len(word) <= MAX_TOKEN_LEN]


_MONTHS = "January February March April May June July August September October November December".split()  # noqa: SIM905


def date_words(when: dt.datetime) -> str:
    """A day as questions name it, ``8 May 2023``, whatever the locale (for date matching)."""
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


@lru_cache(maxsize=131_072)
def term_id(term: str) -> int:
    """A stable, non-negative 31-bit id for ``term`` (CRC32 of its UTF-8 bytes)."""
    return zlib.crc32(term.encode("utf-8")) & 0x7FFFFFFF


# An index text is its main text, then segments "\x1e<kind><weight>\x1f<text>", kind "c" (context:
# also embedded) or "k" (keywords: lexical only). Control characters: the tokenizer skips them,
# and they are replaced in every part's text, so content can never forge a segment or a weight.
_SEGMENT = "\x1e"
_HEADER_END = "\x1f"
_MARKERS = {ord(_SEGMENT): " ", ord(_HEADER_END): " "}


class Segment(NamedTuple):
    """One weighted part of an index text; ``dense`` parts are also what the dense model embeds."""

    text: str
    weight: float
    dense: bool


def _clean(text: str) -> str:
    return text.translate(_MARKERS) if _SEGMENT in text or _HEADER_END in text else text


def compose_index_text(
    main: str, *, context: Sequence[tuple[str, float]] = (), keywords: Sequence[tuple[str, float]] = ()
) -> str:
    """An index text: ``main`` at full weight, then weighted ``context`` and ``keywords`` segments.

    ``context`` (text, weight) pairs describe the same thing (the turn a reply answers) and are
    embedded with ``main``; ``keywords`` only feed BM25 (a date, the turn that follows).
    Segments without text or weight are left out. Example::

        compose_index_text("Ann: Yes, in May!", context=[("Did you go to Lisbon?", 0.5)])
    """
    parts = [_clean(main)]
    for kind, segments in (("c", context), ("k", keywords)):
        for text, weight in segments:
            clean = _clean(text).strip()
            if clean and weight > 0 and math.isfinite(weight):
                parts.append(f"{_SEGMENT}{kind}{weight:g}{_HEADER_END}{clean}")
    return "".join(parts)


@lru_cache(maxsize=256)
def _header(header: str) -> tuple[float, bool]:
    """(weight, dense) of a segment header such as ``c0.5``; anything malformed weighs 1."""
    try:
        weight = float(header[1:])
    except ValueError:
        weight = 1.0
    return (weight if math.isfinite(weight) and weight >= 0 else 1.0), not header.startswith("k")


def index_segments(text: str) -> list[Segment]:
    """The segments of an index text, main text first; plain text is one segment of weight 1."""
    if _SEGMENT not in text:
        return [Segment(text, 1.0, True)]
    main, *rest = text.split(_SEGMENT)
    segments = [Segment(main, 1.0, True)]
    for piece in rest:
        header, sep, body = piece.partition(_HEADER_END)
        segments.append(Segment(body, *_header(header)) if sep else Segment(piece, 1.0, True))
    return segments


def dense_text(text: str) -> str:
    """What the dense model embeds of an index text: the main text and its context segments."""
    if _SEGMENT not in text:
        return text
    return "\n".join(s.text for s in index_segments(text) if s.dense and s.text)


@lru_cache(maxsize=1_024)
def _segment(text: str) -> tuple[tuple[tuple[str, int, int], ...], int]:
    """(term, term id, count) of each distinct term, and the token count. Cached: a turn recurs
    as its neighbours' context, a date in every turn said that day."""
    tokens = tokenize(text)
    return tuple((t, term_id(t), n) for t, n in Counter(tokens).items()), len(tokens)


def _parts(text: str) -> list[tuple[str, float]]:
    segments = index_segments(text)
    # "Ann: <turn>" is read as "Ann" and "<turn>" (the same terms: ": " splits words anyway),
    # so a turn that is also its neighbours' context is tokenized once.
    speaker, sep, rest = segments[0].text.partition(": ")
    main = [(speaker, 1.0), (rest, 1.0)] if sep else [(segments[0].text, 1.0)]
    return main + [(s.text, s.weight) for s in segments[1:] if s.weight > 0]


def weighted_terms(text: str) -> tuple[dict[str, float], float]:
    """Each term's frequency summed over segments by weight, and the weighted length."""
    counts: dict[str, float] = {}
    length = 0.0
    for part, weight in _parts(text):
        terms, size = _segment(part)
        for term, _, n in terms:
            counts[term] = counts.get(term, 0.0) + weight * n
        length += weight * size
    return counts, length


def sparse_document(
    text: str, *, k1: float = K1, b: float = B, avg_len: float = AVG_DOC_LEN
) -> tuple[list[int], list[float]]:
    """BM25 document-side weights ``tf*(k1+1) / (tf + k1*(1-b+b*len/avg_len))`` per term id.

    ``tf`` and ``len`` are weighted by segment (:func:`compose_index_text`). IDF is left to the
    index. Returns ``([], [])`` for text without terms. Indices are unique (two terms colliding
    on an id add up).
    """
    counts, length = weighted_terms(text)
    by_id: dict[int, float] = {}
    for term, tf in counts.items():
        tid = term_id(term)
        by_id[tid] = by_id.get(tid, 0.0) + tf
    if not by_id:
        return [], []
    norm = k1 * (1.0 - b + b * length / avg_len)
    return list(by_id), [tf * (k1 + 1.0) / (tf + norm) for tf in by_id.values()]


def sparse_query(text: str, extra: Mapping[str, float] | None = None) -> tuple[list[int], list[float]]:
    """Query-side sparse vector: each distinct term of ``text`` once, with weight 1.0.

    ``extra`` maps already stemmed terms (e.g. from :func:`expansion_terms`) to weights that
    are added on top; non-positive weights are ignored.
    """
    weights = dict.fromkeys((term_id(t) for t in tokenize(text)), 1.0)
    for term, weight in (extra or {}).items():
        if weight > 0 and math.isfinite(weight):
            tid = term_id(term)
            weights[tid] = weights.get(tid, 0.0) + weight
    return list(weights), list(weights.values())


def _idf(document_frequency: int, corpus_size: int) -> float:
    # The same formula Qdrant's Modifier.Idf uses, so both paths rank alike.
    return math.log(1.0 + (corpus_size - document_frequency + 0.5) / (document_frequency + 0.5))


def _bm25(
    terms: set[str], documents: Sequence[tuple[Mapping[str, float], float]], k1: float, b: float
) -> list[float]:
    n = len(documents)
    if n == 0 or not terms:
        return [0.0] * n
    avg_len = max(sum(length for _, length in documents) / n, 1.0)
    idf = {t: _idf(sum(1 for counts, _ in documents if t in counts), n) for t in terms}
    scores: list[float] = []
    for counts, length in documents:
        norm = k1 * (1.0 - b + b * length / avg_len)
        score = 0.0
        for t in terms:
            tf = counts.get(t)
            if tf:
                score += idf[t] * tf * (k1 + 1.0) / (tf + norm)
        scores.append(score)
    return scores


def bm25_scores_tokens(
    query_tokens: Sequence[str],
    documents: Sequence[Sequence[str]],
    *,
    k1: float = K1,
    b: float = B,
) -> list[float]:
    """BM25 of already tokenized documents, with IDF and average length taken from ``documents``."""
    counted = [(Counter(doc), float(len(doc))) for doc in documents]
    return _bm25(set(query_tokens), counted, k1, b)


def bm25_scores(query: str, documents: Sequence[str], *, k1: float = K1, b: float = B) -> list[float]:
    """Full BM25 score of each document for ``query``; IDF is computed from ``documents`` alone.

    Meant for small corpora (a user's hot tier, a SQL keyword pre-filter): it is pure Python.
    Documents may be index texts with weighted segments. Scores are aligned with
    ``documents``; a document sharing no term with the query scores 0.
    """
    return _bm25(set(tokenize(query)), [weighted_terms(d) for d in documents], k1, b)


@lru_cache(maxsize=4_096)
def term_counts(text: str) -> Mapping[str, int]:
    """How often each term occurs in ``text`` (read-only, cached: hydrated memories repeat)."""
    return MappingProxyType(Counter(tokenize(text)))


def expansion_terms(
    query_terms: Collection[str],
    feedback: Sequence[tuple[Mapping[str, int], float]],
    pool: Sequence[Mapping[str, int]],
    *,
    terms: int,
    weight: float,
    k1: float = K1,
    b: float = B,
    avg_len: float = AVG_DOC_LEN,
) -> dict[str, float]:
    """Pseudo-relevance feedback (RM3-like): terms that characterise the best first-pass hits.

    Each term of a ``feedback`` document (term counts, first-pass score) earns its BM25
    tf weight times its IDF within ``pool`` (the first-pass candidates, feedback included),
    scaled by the document's score relative to the best one. The ``terms`` best terms not
    already in the query come back with weights scaled so the best one gets ``weight``:
    a second search with them finds turns that say the same thing in other words.
    """
    scored = [(counts, score) for counts, score in feedback if score > 0]
    if not scored or terms <= 0 or weight <= 0:
        return {}
    n = len(pool)
    df = Counter(t for doc in pool for t in doc)
    best = max(score for _, score in scored)
    gains: dict[str, float] = {}
    for counts, score in scored:
        norm = k1 * (1.0 - b + b * sum(counts.values()) / avg_len)
        for t, tf in counts.items():
            if t not in query_terms:
                gain = (score / best) * tf * (k1 + 1.0) / (tf + norm) * _idf(df.get(t, 0), max(n, 1))
                gains[t] = gains.get(t, 0.0) + gain
    chosen = sorted(gains.items(), key=lambda pair: (-pair[1], pair[0]))[:terms]
    if not chosen or chosen[0][1] <= 0:
        return {}
    top = chosen[0][1]
    return {t: weight * g / top for t, g in chosen if g > 0}


"""Irregular word forms for search: "did she lose?" must find "she lost", "won" must find "win".

Snowball stems regular forms together (``painted``/``painting`` -> ``paint``) but leaves
irregular ones apart (``lost`` vs ``lose``, ``went`` vs ``go``, ``mice`` vs ``mouse``). Rather
than a hand-kept table, the query's words go through lemminflect (lemmas, then every inflection
of each lemma, from its bundled English data): the stems of those forms that the word's own stem
does not already cover become extra query terms at a lower weight. The index is untouched, so
no re-index is needed and every backend matches the same way.
"""

from __future__ import annotations

from functools import lru_cache

import lemminflect  # type: ignore[import-untyped]

from accord.domain import lexical

__all__ = ["IRREGULAR_WEIGHT", "irregular_terms", "word_forms"]

IRREGULAR_WEIGHT = 0.7
# Verbs and nouns: adjectives' lemmas stray too far ("better" -> good, well), auxiliaries are stopwords.
_KINDS = ("VERB", "NOUN")
_MAX_WORD = 32


@lru_cache(maxsize=16_384)
def word_forms(word: str) -> frozenset[str]:
    """The lemmas of ``word`` and all their inflections (lowercase), ``word`` included."""
    word = word.lower()
    if not word.isalpha() or len(word) > _MAX_WORD:
        return frozenset({word})
    forms = {word}
    for kind in _KINDS:
        for lemma in lemminflect.getAllLemmas(word, upos=kind).get(kind, ()):
            forms.add(lemma.lower())
            for inflected in lemminflect.getAllInflections(lemma, upos=kind).values():
                forms.update(f.lower() for f in inflected)
    return frozenset(forms)


def irregular_terms(query: str, weight: float = IRREGULAR_WEIGHT) -> dict[str, float]:
    """Stemmed terms for the irregular forms of the query's words, each at ``weight``.

    Only terms the query does not already hold: ``adopted`` adds nothing (Snowball already
    joins its forms), ``lost`` adds ``lose``, ``kids`` nothing, ``children`` adds ``child``.
    """
    if weight <= 0:
        return {}
    own = set(lexical.tokenize(query))
    extra: dict[str, float] = {}
    for word in lexical.words(query):
        for form in word_forms(word):
            for term in lexical.tokenize(form):
                if term not in own:
                    extra[term] = weight
    return extra

"""Who the user is, said in passing inside a story: "... which makes being a pediatric nurse worth
it", "Being the only vegetarian at my in-laws' barbecue ...", "When I was diagnosed with celiac
disease last year, ...". Each becomes the plain statement it implies ("I am a pediatric nurse",
"I am vegetarian", "I have celiac disease"), which the clause reader then reads like any other.
Pure functions, no I/O.
"""

from __future__ import annotations

import re

from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules import _vocab as vocab

__all__ = ["implied_identities"]

_BEING = re.compile(
    r"(?:^|[\s,(])being (?P<article>an?|the only|the) (?P<thing>[\w'-]+(?: [\w'-]+){0,2})",
    re.I,
)
_DIAGNOSED = re.compile(
    r"\bI (?:was|got|have been|'ve been|had been) (?:just |recently |finally |officially )?diagnosed with "
    r"(?P<thing>[\w'-]+(?: [\w'-]+){0,3}?)(?= (?:last|this|in|at|when|after|a few|two|three|years?|months?|and|but|so)\b|[,.;!?]|$)",
    re.I,
)
_ROLES = frozenset(w.lower() for w in lex.JOB_NOUNS) | frozenset(
    "nurse doctor teacher engineer developer chef lawyer student parent mom dad vet pharmacist".split()
)
_KINDS = frozenset(w.lower() for w in vocab.DIET_WORDS | vocab.RELIGIONS | vocab.CONDITION_ADJECTIVES)
# "imagine being a doctor", "I'd love being a pilot": a supposition or a wish, not who the user is.
_SUPPOSED = re.compile(r"\b(?:imagine|if|what if|would|could|wish|dream|love to|like to|want|pretend|about being)\b", re.I)
_OTHERS = frozenset("he she they his her their him them".split())
# "as a kid", "as a result": time and manner, not who the user is.
_NOT_ROLES = frozenset("kid child teen teenager result matter rule whole favour favor joke gift".split())


def implied_identities(sentence: str) -> list[str]:
    """First-person clauses a sentence implies about who the user is (none without "I" or "my")."""
    if not re.search(r"\b(?:I|my|me)\b", sentence) or _SUPPOSED.search(sentence):
        return []
    out = []
    for m in _BEING.finditer(sentence):
        before = sentence[: m.start()].lower().split()
        if set(before) & (_OTHERS | {w.lower() for w in vocab.FAMILY}):
            continue  # "my sister hates being a nurse": someone else's role
        said = m["thing"].lower().split()
        # the longest run of words that ends on a role or a kind ("pediatric nurse" of "pediatric nurse worth")
        k = next((k for k in range(len(said), 0, -1) if said[k - 1] in _ROLES | _KINDS), 0)
        words = said[:k]
        if not words or words[-1] in _NOT_ROLES:
            continue
        head = words[-1]
        if head in _KINDS:
            out.append(f"I am {head}")  # "the only vegetarian": the user is vegetarian
        else:
            out.append(f"I am {'an' if words[0][0] in 'aeiou' else 'a'} {' '.join(words)}")
    out.extend(f"I have {m['thing']}" for m in _DIAGNOSED.finditer(sentence))
    return out

"""Which stored memory a statement of change is about, when no attribute key says so.

"I have changed my doctor, now I go to Dr. Haddad" changes "User's doctor is Dr. Lindqvist";
"Sold my Arsenal season ticket. I support Brentford now" changes "User is a lifelong Arsenal
fan". The new memory's key (``go_to:dr. haddad``, ``support:brentford``) shares nothing with the
old one's, but the words *around* it do: the turn names the old thing or its slot ("doctor",
"Arsenal") next to a word of change ("now", "changed", "sold"). This module finds those words.

For each candidate, its **window** is the sentence of the turn that states it and the sentences on
either side. A window counts only when it holds a word of change; its **anchors** are its
distinctive words (no stopwords, no generic verbs, none of the candidate's own words unless the
candidate is a denial, whose own words name what it denies). Pure functions, no I/O.
"""

from __future__ import annotations

import re

from accord.domain import lexical

__all__ = ["REFINES", "SHIFT_CUE", "anchors", "shift_anchors", "window"]

# Words that say a value changed. Narrower than the conflict rules' change cue ("new",
# "started", "since" and "actually" also open first statements), because here a cue links a
# candidate to a memory that shares none of its keys.
SHIFT_CUE = re.compile(
    r"\b(now|nowadays|these days|any ?more|no longer|no more|not .{0,30}any ?more|for good|changed?|switched|"
    r"swapped|replaced|moved|quit|stopped|gave up|cancel+ed|closed|sold|got rid of|instead|again|"
    r"back (?:to|in|on|at|with)|returned|i'?m done with|is done|resubscribed|passed to|went back)\b",
    re.IGNORECASE,
)
# Words that say the turn makes an earlier statement more exact ("I work in finance" -> "To be
# precise, I'm a credit risk analyst at Barclays"): the newest earlier memory of the same category
# is the one refined, whatever its words. They ride among the anchors as :data:`REFINES`.
REFINE_CUE = re.compile(
    r"\b(?:to be (?:more )?(?:precise|exact|specific|clear)|more (?:specifically|precisely|exactly|exact|precise)|"
    r"specifically|in particular|correction|let me (?:rephrase|correct|clarify)|i should (?:say|clarify|correct)|"
    r"what i (?:actually |really )?(?:mean|meant|want)|i mean,|well, actually|actually, it'?s)\b",
    re.IGNORECASE,
)
REFINES = "<refines>"
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
# Words too common to tie two memories together: every life has days, work and things it likes.
_GENERIC = frozenset(
    lexical.tokenize(
        """user now new old back again time times day days week weeks month months year years today
        tonight morning evening night last next first since ago lot bit thing things stuff way really
        go going went gone get got make made take took have has had do did does work works working
        live lives living like likes liked love loves use uses used want wants need needs think know feel
        say said tell told one two three home place people guy kind sort pretty much good great nice
        better best bad well still also even just actually honestly anymore longer more any some every
        all mine our family friend friends anyway life start started switch switched change changed
        move moved quit stop stopped sell sold cancel cancelled close closed return returned done"""
    )
)


def window(turn: str, candidate: str) -> str | None:
    """The candidate's sentence in ``turn`` with its neighbours, if that span holds a word of
    change; None otherwise (or when the candidate cannot be placed in the turn)."""
    sentences = [s for s in _SENTENCE.split(turn) if s.strip()]
    wanted = set(lexical.tokenize(candidate)) - {"user"}
    if not sentences or not wanted:
        return None
    overlaps = [len(wanted & set(lexical.tokenize(s))) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: overlaps[i])
    if overlaps[best] == 0:
        return None
    span = " ".join(sentences[max(0, best - 1) : best + 2])
    return span if SHIFT_CUE.search(span) else None


def anchors(span: str, candidate: str, *, negated: bool) -> frozenset[str]:
    """The distinctive words of a change window that may name the changed memory.

    A statement's own words name its new value, which the old memory does not hold ("Brentford");
    a denial's own words name the value it ends ("the tennis league"), so they count.
    """
    own = set() if negated else set(lexical.tokenize(candidate))
    return frozenset(t for t in lexical.tokenize(span) if t not in _GENERIC and t not in own and len(t) > 2)


def shift_anchors(turn: str, candidate: str, *, negated: bool) -> frozenset[str]:
    """The anchors of the candidate's change window in ``turn``; empty when it states no change."""
    span = window(turn, candidate)
    found = frozenset() if span is None else anchors(span, candidate, negated=negated)
    return found | {REFINES} if REFINE_CUE.search(turn) and not negated else found

"""Conflict rules: how a new memory relates to what is stored. Plain functions, no I/O.

``classify(candidate, related)`` returns one :class:`Decision`; the engine applies it in
one transaction. The rules, in order:

1. **reject** — an exact or near duplicate, the same value for the same attribute, or a
   weaker restatement (says nothing the stored memory does not): not stored; the stored
   memory is reinforced.
2. For the same attribute with another value (or a denial):
   - shared tenant claims from different users: **cross_user_confidence** when one claim
     is clearly more certain, **tenant_review** when both are authoritative, otherwise
     **cross_user_recency**; the losing claim is weighted down, never deleted;
   - a statement said *before* the stored one (its message is older): **keep_both**, the
     candidate kept as a past value valid until the stored value began (``past_until``);
     an older statement never supersedes a newer one;
   - a different context ("on weekends") or a claim about the past: **keep_both**;
   - an event date, or a hedged claim against a confident one, with no sign of change:
     **ask_user** (only the user knows which is right);
   - otherwise **update**: the newer supersedes the older.
   A past value ("used to play tennis", key ``sport:tennis@until ...``) of the value a current
   memory of its attribute states, said no earlier than that memory: **update** (it holds no longer).
   The same attribute is also found across keys when the candidate says it changed: a denial
   ("quit smoking", "not vegetarian any more") of a value a stored memory states, or a changed
   value of the same predicate-derived attribute (``bank:ally now`` after ``bank:wells fargo``).
3. **merge** — a refinement of a memory without an attribute (same category, the new one
   says everything the old one did and more), or another detail of the same person
   (``relationship:<role>:<name>``).
4. **insert** — nothing related.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from accord.domain import lexical
from accord.domain.shifts import REFINES
from accord.domain.slots import slot_shift

__all__ = ["Action", "Claim", "Decision", "choose_option", "classify", "changed_from", "has_change_cue", "merge_contents", "similarity"]


class Action(StrEnum):
    INSERT = "insert"
    REJECT = "reject"
    UPDATE = "update"
    MERGE = "merge"
    KEEP_BOTH = "keep_both"
    CROSS_USER_RECENCY = "cross_user_recency"
    CROSS_USER_CONFIDENCE = "cross_user_confidence"
    ASK_USER = "ask_user"
    TENANT_REVIEW = "tenant_review"


@dataclass(frozen=True, slots=True)
class Claim:
    """A memory as the rules see it: a candidate, or one already stored (then ``id`` is set)."""

    content: str
    category: str
    attribute_key: str | None = None
    attribute_value: str | None = None
    confidence: float = 0.8
    negated: bool = False
    scope: str = "user"
    context: str | None = None
    valid_to: dt.datetime | None = None
    stated_by: str | None = None
    said_at: dt.datetime | None = None
    # Whether said_at is the statement's own time (a dated message), not when it arrived or was
    # stored: only two dated claims are ordered by time, undated ones by arrival.
    dated: bool = True
    change_cue: bool = False
    replaces_kind: bool = False  # "upgraded to a PS5": replaces the stored value of the same kind
    shift_anchors: frozenset[str] = frozenset()  # words near a statement of change (domain.shifts)
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    reason: str
    target_id: str | None = None
    merged_content: str | None = None
    weighted_down_id: str | None = None  # for cross-user weighting: the stored claim that lost
    candidate_loses: bool = False  # for cross-user weighting: the new claim is the weaker one
    question: str | None = None
    past_until: dt.datetime | None = None  # keep_both of an older statement: when it stopped holding


NEAR_DUPLICATE = 0.8
REFINEMENT_OVERLAP = 0.5
REFINING_WORDS = 3  # new words that make a restatement of a value a refinement of it
CONFIDENCE_GAP = 0.2
AUTHORITATIVE = 0.9
HEDGED = 0.6

_CHANGE_CUE = re.compile(
    r"\b(now|nowadays|these days|any ?more|no longer|not \w+ any ?more|changed|switched|moved|left|quit|joined|"
    r"started|became|rescheduled|postponed|moved up|actually|instead|new|recently|since)\b",
    re.IGNORECASE,
)
# Key families whose items coexist (a user has many pets, likes and skills): a change cue does not
# make one item replace another. Other ``family:item`` keys are derived from a predicate
# ("bank:wells fargo"), where a changed statement of the same predicate replaces the old one.
ITEM_FAMILIES = frozenset(
    """likes dislikes favorite tool expertise skill relationship org intolerance health allergy procedure
    preference date pet instrument sport degree language learning goal condition medication likes_not""".split()
)
# Words that add an item rather than replace one ("I now volunteer at the library too").
_ADDITIVE = re.compile(r"\b(too|also|as well|another|additionally|in addition)\b", re.IGNORECASE)
# Words of a denial that say nothing about which value is denied.
_DENIAL_WORDS = frozenset(lexical.tokenize("user not no never longer more any anymore any more quit stop stopped gave up"))
_DATE_KEY = re.compile(r"^(date:|birthday$|deadline)")


def has_change_cue(text: str) -> bool:
    """Does the statement say that something changed ("now", "moved", "no longer", ...)?"""
    return bool(_CHANGE_CUE.search(text))


def _terms(text: str) -> set[str]:
    return set(lexical.tokenize(text))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of stemmed content words."""
    ta, tb = _terms(a), _terms(b)
    if not ta or not tb:
        return 1.0 if ta == tb else 0.0
    return len(ta & tb) / len(ta | tb)


def _normal(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".!")


def merge_contents(existing: str, candidate: str) -> str:
    """One memory that says what both say: the candidate alone when it refines the existing one."""
    if _terms(existing) <= _terms(candidate):
        return candidate
    return f"{existing.rstrip('.')}. {candidate}"


def _same_value(a: Claim, b: Claim) -> bool:
    """Whether candidate ``a`` states the value ``b`` holds. A key without a value (a reply
    aspect such as ``procedure:tone``) holds its value in the words: "talk informal with me now"
    is another value than "talk to me in a formal way", a restatement of it is not."""
    if a.negated != b.negated:
        return False
    if a.attribute_value is None and b.attribute_value is None:
        return _terms(a.content) <= _terms(b.content) or similarity(a.content, b.content) >= NEAR_DUPLICATE
    return (a.attribute_value or "").lower() == (b.attribute_value or "").lower()


def _keyed(candidate: Claim, existing: Claim, shared_policy: str = "weigh") -> Decision:
    """Same attribute, another value (or a denial)."""
    target = existing.id
    if candidate.scope == "user" and _said_before(candidate, existing):
        return Decision(
            Action.KEEP_BOTH,
            "an older statement: kept as a past value, the newer one stays current",
            target_id=target,
            past_until=existing.said_at,
        )
    if candidate.scope == "tenant" and existing.scope == "tenant" and candidate.stated_by != existing.stated_by:
        gap = candidate.confidence - existing.confidence
        if abs(gap) >= CONFIDENCE_GAP:
            weaker_is_new = gap < 0
            return Decision(
                Action.CROSS_USER_CONFIDENCE,
                f"shared claim: the {'new' if weaker_is_new else 'stored'} claim is less certain",
                target_id=target,
                weighted_down_id=None if weaker_is_new else target,
                candidate_loses=weaker_is_new,
            )
        if shared_policy == "review" or min(candidate.confidence, existing.confidence) >= AUTHORITATIVE:
            return Decision(
                Action.TENANT_REVIEW,
                "users disagree about a shared fact and neither claim is clearly stronger",
                target_id=target,
                question=f"Which is right: {existing.content!r} or {candidate.content!r}?",
            )
        older_is_new = (
            candidate.said_at is not None and existing.said_at is not None and candidate.said_at < existing.said_at
        )
        return Decision(
            Action.CROSS_USER_RECENCY,
            "shared claim: the older claim is weighted down",
            target_id=target,
            weighted_down_id=None if older_is_new else target,
            candidate_loses=older_is_new,
        )
    if (candidate.context or existing.context) and candidate.context != existing.context:
        return Decision(Action.KEEP_BOTH, "both hold, in different contexts", target_id=target)
    if candidate.valid_to is not None and (candidate.said_at is None or candidate.valid_to <= candidate.said_at):
        return Decision(Action.KEEP_BOTH, "the new memory is about the past; the current one still holds", target_id=target)
    if not candidate.change_cue:
        if candidate.attribute_key and _DATE_KEY.match(candidate.attribute_key):
            return Decision(
                Action.ASK_USER,
                "two different dates for the same event",
                target_id=target,
                question=_question(existing, candidate),
            )
        if candidate.confidence < HEDGED <= existing.confidence:
            return Decision(
                Action.ASK_USER,
                "an uncertain statement contradicts a confident one",
                target_id=target,
                question=_question(existing, candidate),
            )
    return Decision(Action.UPDATE, "a newer value for the same attribute", target_id=target)


def _said_before(candidate: Claim, existing: Claim) -> bool:
    if not (candidate.dated and existing.dated) or candidate.said_at is None or existing.said_at is None:
        return False
    return candidate.said_at < existing.said_at


def _family(key: str | None) -> str | None:
    """``bank:wells fargo`` -> ``bank``; None for single keys and for item families."""
    if key is None or ":" not in key or "@" in key:
        return None
    family = key.split(":", 1)[0]
    return None if family in ITEM_FAMILIES else family


def _denied_terms(candidate: Claim) -> set[str]:
    return _terms(candidate.attribute_value or candidate.content) - _DENIAL_WORDS


_KIND_NOISE = frozenset(lexical.tokenize("user new old one model version pro plus max mini lite my the a an"))
_SERIES = re.compile(r"^([a-z]+)(\d+)$")


def _same_kind(candidate: Claim, existing: Claim) -> bool:
    """Whether a switched-to value names the same kind of thing as a stored memory: a shared
    distinctive word ("Switch OLED" / "Switch Lite", "Python 3.12" / "Python 3.8") or a model
    series ("PS5" / "PS4")."""
    new = _terms(candidate.attribute_value or candidate.content) - _KIND_NOISE
    old = _terms(existing.content) - _KIND_NOISE
    if new & old:
        return True
    series = {m[1] for t in new if (m := _SERIES.match(t))}
    return any((m := _SERIES.match(t)) and m[1] in series for t in old)


def changed_from(candidate: Claim, related: Sequence[Claim]) -> Claim | None:
    """The stored memory a candidate changes although its key differs, or None.

    A denial matches the newest current memory that states every word of the denied value
    ("User doesn't vape any more" -> "User vapes a lot"); a changed statement of a
    predicate-derived attribute matches the newest memory of the same predicate. Failing
    those, a statement of change matches the newest memory that a word beside it names
    (:func:`_anchored`).
    """
    current = [e for e in related if not e.negated and e.scope == candidate.scope and e.valid_to is None]
    current.sort(key=lambda e: e.said_at or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    return _keyed_change(candidate, current) or _slotted(candidate, current) or _anchored(candidate, current)


def _keyed_change(candidate: Claim, current: Sequence[Claim]) -> Claim | None:
    if candidate.negated:
        denied = _denied_terms(candidate)
        return next((e for e in current if denied <= _terms(e.content)), None) if denied else None
    if candidate.replaces_kind:
        return next((e for e in current if _same_kind(candidate, e)), None)
    family = _family(candidate.attribute_key)
    if family is None or not candidate.change_cue or _ADDITIVE.search(candidate.content):
        return None
    return next((e for e in current if _family(e.attribute_key) == family), None)


def _separate_attributes(a: Claim, b: Claim) -> bool:
    """Two plain attributes ("city", "employer") are different things: a change of one never
    touches the other. Item and predicate keys ("support:brentford"), and no key, may."""
    ka, kb = a.attribute_key, b.attribute_key
    if ka is None or kb is None:
        return False
    if "@" in ka or "@" in kb:
        return True  # a value held in a context or a period is not the current one
    return ":" not in ka and ":" not in kb and ka != kb


_KIN = frozenset({"fact", "preference"})


def _kin(candidate: Claim, e: Claim) -> bool:
    """Whether a change of ``candidate``'s category may end ``e``: its own category, facts and
    preferences for each other (hobbies are filed as either), and anything but a person for a denial."""
    if e.category == candidate.category:
        return True
    if candidate.negated:
        return e.category != "relationship" and candidate.category != "relationship"
    return {e.category, candidate.category} <= _KIN


def _said_earlier(e: Claim, candidate: Claim) -> bool:
    """Whether ``e`` came from an earlier turn (not the candidate's own, whose other memories
    the window names too)."""
    return e.said_at is None or candidate.said_at is None or e.said_at < candidate.said_at


def _anchored(candidate: Claim, current: Sequence[Claim]) -> Claim | None:
    """"Sold my Arsenal season ticket. I support Brentford now" -> "User is a lifelong Arsenal
    fan": the newest memory of the candidate's category that a word of its change window names."""
    if not candidate.shift_anchors or _ADDITIVE.search(candidate.content):
        return None
    if REFINES in candidate.shift_anchors:
        # "To be precise, I'm a credit risk analyst" refines the newest earlier memory of its category.
        refined = next((e for e in current if e.category == candidate.category and _said_earlier(e, candidate)
                        and e.said_at != candidate.said_at and not _separate_attributes(candidate, e)), None)
        if refined is not None:
            return refined
    return next(
        (
            e
            for e in current
            if _kin(candidate, e)
            and _said_earlier(e, candidate)
            and not _separate_attributes(candidate, e)
            and candidate.shift_anchors & _terms(e.content)
        ),
        None,
    )


def _slotted(candidate: Claim, current: Sequence[Claim]) -> Claim | None:
    """"Tom and I are getting divorced" -> "User is married to Tom": the newest earlier memory to
    which the candidate gives another value of one slot (:mod:`accord.domain.slots`)."""
    if candidate.negated or _ADDITIVE.search(candidate.content):
        return None
    return next(
        (
            e
            for e in current
            # another turn's (an older-dated candidate is kept as a past value by _keyed)
            if (e.said_at is None or candidate.said_at is None or e.said_at != candidate.said_at)
            and "@" not in (e.attribute_key or "")
            and slot_shift(candidate.content, e.content, candidate.category, e.category) is not None
        ),
        None,
    )


def _ended_by(candidate: Claim, related: Sequence[Claim]) -> Claim | None:
    """"I used to play tennis" after "I play tennis": the current memory that a past value ends.

    A past value's key is its attribute's, qualified with when it ended (``sport:tennis@until
    2026-01-31``, see :func:`accord.domain.resolution.prepare`). It ends the current, affirmative
    memory of that attribute (the key before ``@until``) that states the same value, and only when
    the past reaches the time that memory was said: "I lived in Berlin from 2015 to 2018" says
    nothing of "I live in Berlin" said in 2026. Another value ("used to play tennis" against "plays
    golf") ends nothing, nor does a denial ("never used to ..."; it states no value an affirmative
    memory does), and a shared claim of the tenant is neither ended nor ends one here.
    """
    key = candidate.attribute_key
    if key is None or "@until " not in key:
        return None
    until = candidate.valid_to
    if until is None:
        return None  # a past of unknown end: whether it reaches the stored memory is not known
    if candidate.scope != "user":
        return None
    plain = key.split("@until ")[0]
    return next(
        (
            e
            for e in related
            if e.attribute_key == plain
            and e.scope == "user"
            and e.valid_to is None
            and not e.negated
            and _same_value(candidate, e)
            and (e.said_at is None or e.said_at <= until)
        ),
        None,
    )


def _question(existing: Claim, candidate: Claim) -> str:
    return f"I have two different notes: {existing.content!r} and {candidate.content!r}. Which one is right?"


def classify(candidate: Claim, related: Sequence[Claim], *, shared_policy: str = "weigh") -> Decision:
    """Decide what to do with ``candidate`` given the stored, active ``related`` memories.

    ``shared_policy="review"`` sends shared-fact disagreements that confidence cannot settle
    to the tenant's review queue instead of weighting the older claim down.
    """
    norm = _normal(candidate.content)
    for existing in related:
        if _normal(existing.content) == norm:
            return Decision(Action.REJECT, "exact duplicate", target_id=existing.id)
    terms = _terms(candidate.content)
    same_key = [e for e in related if candidate.attribute_key and e.attribute_key == candidate.attribute_key]
    # Memories without an attribute are compared by their words.
    comparable = [
        e
        for e in related
        if candidate.attribute_key is None
        and e.attribute_key is None
        and e.category == candidate.category
        and e.scope == candidate.scope
        and e.negated == candidate.negated  # a denial never merges into what it denies
    ]
    for existing in comparable:
        known = _terms(existing.content)
        if terms <= known:
            return Decision(Action.REJECT, "weaker restatement", target_id=existing.id)
        if known < terms and similarity(candidate.content, existing.content) >= REFINEMENT_OVERLAP:
            return Decision(
                Action.MERGE,
                "the new memory refines a stored one",
                target_id=existing.id,
                merged_content=merge_contents(existing.content, candidate.content),
            )
        if similarity(candidate.content, existing.content) >= NEAR_DUPLICATE:
            return Decision(Action.REJECT, "near duplicate", target_id=existing.id)
    for existing in same_key:
        if _same_value(candidate, existing):
            if candidate.attribute_key and candidate.attribute_key.count(":") >= 2:
                # e.g. relationship:sister:maya: another detail about the same person.
                return Decision(
                    Action.MERGE,
                    "another detail of the same person",
                    target_id=existing.id,
                    merged_content=merge_contents(existing.content, candidate.content),
                )
            if len(_terms(candidate.content) - _terms(existing.content) - _DENIAL_WORDS) >= REFINING_WORDS:
                # "works as a nurse in the ICU at Saint Mary's" after "is a nurse": the same value, told in full.
                return Decision(
                    Action.MERGE,
                    "the new memory refines a stored one",
                    target_id=existing.id,
                    merged_content=merge_contents(existing.content, candidate.content),
                )
            return Decision(Action.REJECT, "same value already stored", target_id=existing.id)
    if same_key:
        return _keyed(candidate, same_key[0], shared_policy)
    if (ended := _ended_by(candidate, related)) is not None:
        return Decision(Action.UPDATE, "the stored value is said to hold no longer", target_id=ended.id)
    if (changed := changed_from(candidate, related)) is not None:
        return _keyed(candidate, changed, shared_policy)
    return Decision(Action.INSERT, "nothing related is stored")


_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_EXISTING_WORDS = {"existing", "keep_existing", "keep", "old", "first", "1", "reject", "no"}
_CANDIDATE_WORDS = {"candidate", "accept_new", "accept", "new", "second", "2", "update", "yes"}
_BOTH_WORDS = {"both", "keep_both"}


def choose_option(answer: str, existing: str, candidate: str) -> str | None:
    """Map an answer to ``existing``, ``candidate`` or ``both``; None when it does not say.

    Accepts the option's number (1 = the stored memory, 2 = the new one), a keyword, or the
    user's own words, matched by what distinguishes one option from the other
    ("May 19" picks "exam is on May 19" over "exam is on May 12").
    """
    word = answer.strip().lower().rstrip(".!")
    if word in _BOTH_WORDS:
        return "both"
    if word in _EXISTING_WORDS:
        return "existing"
    if word in _CANDIDATE_WORDS:
        return "candidate"
    said, a, b = (_terms(_ORDINAL.sub(r"\1", t)) for t in (answer, existing, candidate))
    for_existing, for_candidate = len(said & (a - b)), len(said & (b - a))
    if for_existing > for_candidate:
        return "existing"
    if for_candidate > for_existing:
        return "candidate"
    return None

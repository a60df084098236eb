"""Conflict resolution as a plan: what one candidate memory does to the stored ones.

The rules (:func:`accord.domain.conflict_rules.classify`) decide an action; this module turns the
action into the exact changes, as plain operations, so the store only reads the related memories
and applies the plan, all in one transaction::

    candidate -> prepare() -> store reads related(lookup) -> plan_candidate() -> store applies ops

Nothing here does I/O: each step is a pure function tested without a database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accord.domain.conflict_rules import Action, Claim, Decision, classify, merge_contents
from accord.domain.domains.routing import route
from accord.domain.models import ChangeType, MemoryStatus
from accord.domain.records import SHARED_USER_ID, NewMemory, content_hash

__all__ = [
    "Archive",
    "Insert",
    "Lookup",
    "OpenConflict",
    "Op",
    "Plan",
    "Reweigh",
    "Stored",
    "base_key",
    "kin_categories",
    "lookup_for",
    "plan_candidate",
    "prepare",
]

DATED_SKEW = dt.timedelta(seconds=5)  # a message time this close to its job's arrival is the arrival
REINFORCE = 0.05  # importance a restatement adds to the stored memory
WEIGHT_DOWN = 0.5  # factor on the losing side of a cross-user disagreement


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored active memory as resolution sees it."""

    id: str
    user_id: str
    lineage_id: str
    content: str
    category: str
    importance: float
    attribute_key: str | None = None
    attribute_value: str | None = None
    confidence: float = 0.8
    scope: str = "user"
    metadata: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None
    created_at: dt.datetime | None = None

    def claim(self) -> Claim:
        return Claim(
            content=self.content,
            category=self.category,
            attribute_key=self.attribute_key,
            attribute_value=self.attribute_value,
            confidence=self.confidence,
            negated=bool(self.metadata.get("negated")),
            scope=self.scope,
            context=self.metadata.get("context"),
            valid_to=self.valid_to,
            stated_by=self.metadata.get("stated_by"),
            said_at=self.valid_from or self.created_at,
            dated=self.valid_from is not None,
            id=self.id,
        )


@dataclass(frozen=True, slots=True)
class Lookup:
    """Which stored memories a candidate may conflict with: the owner's active durable memories
    of the category and its kin (``categories``), plus, in any category, those of the attribute
    (``base_key`` and its qualified keys) and those with the same content (``content_hash``)."""

    user_id: str
    category: str
    base_key: str | None
    content_hash: str | None = None
    categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.categories:
            object.__setattr__(self, "categories", (self.category,))


# -- operations the store applies, in order -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Insert:
    memory: NewMemory
    change: ChangeType = ChangeType.CREATED
    previous: str | None = None  # the content this version replaces


@dataclass(frozen=True, slots=True)
class Archive:
    target: str
    valid_to: dt.datetime | None  # None: keep the target's own (or now)


@dataclass(frozen=True, slots=True)
class Reweigh:
    target: str
    score: float
    change: ChangeType
    why: str


@dataclass(frozen=True, slots=True)
class OpenConflict:
    kind: str  # "clarification" | "review"
    existing: str
    candidate: NewMemory
    question: str
    reason: str


Op = Insert | Archive | Reweigh | OpenConflict


@dataclass(frozen=True, slots=True)
class Plan:
    decision: Decision
    ops: tuple[Op, ...]


def base_key(key: str | None) -> str | None:
    """``city@on weekends`` -> ``city``: context-qualified keys belong to their attribute."""
    return None if key is None else key.split("@", 1)[0]


def _qualified(m: NewMemory, said_at: dt.datetime) -> NewMemory:
    """Give a memory that holds only in a context, or only in the past, a key of its own.

    "Lives in Hamburg on weekends" (``city@on weekends``) and "lived in Paris until 2018"
    (``city@until 2019-01-01``) never contradict the current ``city``, and the one-active-
    memory-per-key index holds for each of them separately.
    """
    key = base_key(m.attribute_key)
    if key is None or m.scope == "tenant":
        return m
    when = m.said_at or said_at
    if m.context:
        return dataclasses.replace(m, attribute_key=f"{key}@{m.context}")
    if m.valid_to is not None and m.valid_to <= when:
        return dataclasses.replace(m, attribute_key=f"{key}@until {m.valid_to.date().isoformat()}")
    return m


def prepare(m: NewMemory, stated_by: str | None, said_at: dt.datetime) -> NewMemory:
    """The candidate as it will be stored: shared claims under the tenant, qualified keys.

    A past value the extractor could not date ("I used to live in Paris" in an undated turn,
    hint ``{"change": "ended"}``) held until the turn was said.
    """
    if m.hint and m.hint.get("change") == "ended" and m.valid_to is None:
        m = dataclasses.replace(m, valid_to=m.said_at or said_at)
    if m.scope == "tenant":
        m = dataclasses.replace(m, user_id=SHARED_USER_ID, metadata={**m.metadata, "stated_by": stated_by})
    return _qualified(m, said_at)


def kin_categories(category: str, *, negated: bool) -> tuple[str, ...]:
    """The categories a candidate's change may touch: a habit or hobby is filed as a fact one day
    and as a preference the next ("plays in a tennis league"), and a denial ends whatever it
    names ("out of the tennis league" after a preference; "stopped learning Rust" after a goal)."""
    if negated and category in _DENIABLE:
        return _DENIABLE
    return _KIN.get(category, (category,))


_KIN = {
    "fact": ("fact", "preference", "relationship", "expertise"),
    "preference": ("preference", "fact"),
    # A partnership or a level is filed as a fact one day ("User is single", "User is conversational in ASL").
    "relationship": ("relationship", "fact"),
    "expertise": ("expertise", "fact"),
}
_DENIABLE = ("fact", "preference", "expertise", "goal")


def lookup_for(m: NewMemory) -> Lookup:
    """What the store must read for a prepared candidate: the memories of its category, those of
    its attribute in any category, and those with its content in any category.

    The whole category, because a denial or a statement of change may touch a memory filed under
    another key ("quit smoking" after "User smokes"; "bank:ally" after "bank:wells fargo"). The
    attribute and the content in any category, because an extractor (a model above all) files
    the same thing as a "fact" one day and a "preference" the next: the store holds one active
    memory per exclusive attribute and per content whatever the category, so a candidate that
    did not see the stored one would collide with it, and the job would fail and lose the turn.
    """
    return Lookup(
        user_id=m.user_id,
        category=m.category,
        base_key=base_key(m.attribute_key),
        content_hash=m.content_hash,
        categories=kin_categories(m.category, negated=m.negated),
    )


def _candidate_claim(m: NewMemory, stated_by: str | None, said_at: dt.datetime) -> Claim:
    return Claim(
        content=m.content,
        category=m.category,
        attribute_key=m.attribute_key,
        attribute_value=m.attribute_value,
        confidence=m.confidence,
        negated=m.negated,
        scope=m.scope,
        context=m.context,
        valid_to=m.valid_to,
        stated_by=stated_by,
        said_at=m.said_at or said_at,
        # The engine stamps an undated message with its arrival: only a time of its own (apart
        # from the job's arrival) orders the statement before one already stored.
        dated=m.said_at is not None and abs(m.said_at - said_at) > DATED_SKEW,
        change_cue=m.change_cue,
        # The rules extractor marks a switch whose old value it cannot name ("upgraded to a PS5").
        replaces_kind=bool(m.hint and m.hint.get("change") == "replaces_kind"),
        shift_anchors=m.shift_anchors,
    )


def _decide(
    m: NewMemory, plain_key: str | None, related: Sequence[Stored], by_id: Mapping[str, Stored], claim: Claim, policy: str
) -> Decision:
    decision = classify(claim, [r.claim() for r in related], shared_policy=policy)
    hint = m.hint
    if decision.action is Action.INSERT and hint and "target_id" in hint and hint["target_id"] in by_id:
        # An LLM verdict saved with the extraction, for a case the rules could not decide.
        target = by_id[hint["target_id"]]
        decision = Decision(
            Action(hint["action"]),
            f"llm: {hint.get('reason', '')}",
            target_id=target.id,
            merged_content=hint.get("merged_content") or merge_contents(target.content, m.content),
            question=hint.get("question"),
        )
    if (
        decision.action is Action.INSERT
        and m.attribute_key != plain_key
        and any(r.attribute_key == base_key(plain_key) for r in related)
    ):
        # Another context or period of an attribute that has a current value: both hold.
        decision = dataclasses.replace(decision, action=Action.KEEP_BOTH, reason="both hold: another context or period")
    # A domain field's clash goes where its schema says (user clarification or tenant review).
    existing = by_id[decision.target_id].content if decision.target_id in by_id else None
    return route(decision, hint, existing=existing, candidate=m.content)


def plan_candidate(
    m: NewMemory,
    plain_key: str | None,
    related: Sequence[Stored],
    *,
    stated_by: str | None,
    said_at: dt.datetime,
    shared_policy: str = "weigh",
) -> Plan:
    """The changes one prepared candidate makes, given the stored memories it may touch.

    ``plain_key`` is the candidate's attribute key before :func:`prepare` qualified it.
    """
    by_id = {r.id: r for r in related}
    decision = _decide(m, plain_key, related, by_id, _candidate_claim(m, stated_by, said_at), shared_policy)
    target = by_id.get(decision.target_id) if decision.target_id else None
    if decision.past_until is not None:
        return Plan(decision, (Insert(_past_value(m, decision.past_until, related, said_at)),))
    return Plan(decision, tuple(_ops(m, decision, target, said_at)))


def _past_value(m: NewMemory, until: dt.datetime, related: Sequence[Stored], said_at: dt.datetime) -> NewMemory:
    """An older statement kept beside the current value: valid from when it was said until the
    newer value began, under a key of its own (``city@until 2025-03-01``)."""
    key, qualified = base_key(m.attribute_key), None
    if key is not None:
        qualified = f"{key}@until {until.date().isoformat()}"
        if qualified in {r.attribute_key for r in related}:
            # two older values before the same newer one: tell them apart by their start
            qualified = f"{key}@from {(m.said_at or said_at).date().isoformat()} until {until.date().isoformat()}"
    return dataclasses.replace(
        m, attribute_key=qualified, valid_from=m.valid_from or m.said_at or said_at, valid_to=min(until, m.valid_to or until)
    )


def _ops(m: NewMemory, decision: Decision, target: Stored | None, said_at: dt.datetime) -> list[Op]:
    match decision.action:
        case Action.INSERT | Action.KEEP_BOTH if decision.target_id is None:
            return [Insert(m)]
        case Action.REJECT:
            assert target is not None
            return _reweigh(target, target.importance + REINFORCE, ChangeType.IMPORTANCE_BOOST, f"restated: {decision.reason}")
        case Action.UPDATE:
            assert target is not None
            successor = dataclasses.replace(m, lineage_id=target.lineage_id, previous_version_id=target.id)
            return [
                Archive(target.id, valid_to=m.valid_from or said_at),
                Insert(successor, ChangeType.CONFLICT_UPDATE, previous=target.content),
            ]
        case Action.MERGE:
            assert target is not None and decision.merged_content is not None
            return _merge(m, target, decision.merged_content)
        case Action.KEEP_BOTH:
            key = base_key(m.attribute_key)
            if key is None:
                # Both hold and neither has an attribute (an LLM verdict on two free-text memories):
                # nothing to qualify, and no key to collide on.
                return [Insert(m)]
            qualifier = m.context or (f"until {m.valid_to.date().isoformat()}" if m.valid_to else "other")
            return [Insert(dataclasses.replace(m, attribute_key=f"{key}@{qualifier}"))]
        case Action.CROSS_USER_RECENCY | Action.CROSS_USER_CONFIDENCE:
            why = decision.reason
            if decision.candidate_loses:
                weaker = dataclasses.replace(
                    m, importance=round(m.importance * WEIGHT_DOWN, 6), metadata={**m.metadata, "weighted_down": why}
                )
                return [Insert(weaker)]
            ops: list[Op] = [Insert(m)]
            if target is not None:
                ops += _reweigh(target, target.importance * WEIGHT_DOWN, ChangeType.IMPORTANCE_DECAY, why)
            return ops
        case Action.ASK_USER | Action.TENANT_REVIEW:
            assert target is not None
            kind = "clarification" if decision.action is Action.ASK_USER else "review"
            return [
                Insert(dataclasses.replace(m, status=MemoryStatus.PENDING.value)),
                OpenConflict(kind, target.id, m, decision.question or decision.reason, decision.reason),
            ]
    raise AssertionError(f"unplanned action {decision.action}")  # pragma: no cover - every Action is matched


def _reweigh(target: Stored, score: float, change: ChangeType, why: str) -> list[Op]:
    """A new live importance for ``target``, clamped to [0, 1]; nothing when it does not change."""
    new_score = round(min(1.0, max(0.0, score)), 6)
    return [] if abs(new_score - target.importance) < 1e-9 else [Reweigh(target.id, new_score, change, why)]


def _merge(m: NewMemory, target: Stored, merged_content: str) -> list[Op]:
    """The candidate and the target become parts (archived) of one merged memory in the target's lineage."""
    merged_id = str(uuid.uuid5(uuid.UUID(m.id), "merged"))
    part = dataclasses.replace(m, status=MemoryStatus.ARCHIVED.value, metadata={**m.metadata, "merged_into": merged_id})
    merged = dataclasses.replace(
        m,
        id=merged_id,
        content=merged_content,
        content_hash=content_hash(merged_content),
        index_text=merged_content,
        attribute_key=target.attribute_key,
        attribute_value=target.attribute_value,
        importance=max(m.importance, target.importance),
        lineage_id=target.lineage_id,
        previous_version_id=target.id,
        embedding=None,
        embedding_model=None,
        metadata={**m.metadata, "merged_from": [target.id, m.id]},
    )
    return [Insert(part), Archive(target.id, valid_to=None), Insert(merged, ChangeType.MERGED, previous=target.content)]

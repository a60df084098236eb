"""The same words filed under another category are the same memory, not a new one.

Extractors (a model above all) file one statement as a ``fact`` one day and a ``preference`` the
next. The store keeps one active memory per content whatever its category, so the planner must
see the stored one: the candidate then restates it (reject, reinforce) instead of being inserted
and colliding with the store's index, which failed the whole job and lost the turn.
"""

from __future__ import annotations

import datetime as dt
import uuid

from accord.domain.conflict_rules import Action
from accord.domain.models import ChangeType
from accord.domain.records import NewMemory, content_hash
from accord.domain.resolution import Reweigh, Stored, lookup_for, plan_candidate, prepare

T1 = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
JOB = str(uuid.UUID(int=9))


def candidate(content: str, category: str, **kw: object) -> NewMemory:
    return NewMemory(
        id=str(uuid.uuid5(uuid.UUID(JOB), content)),
        user_id="alice",
        content=content,
        content_hash=content_hash(content),
        index_text=content,
        category=category,
        importance=0.7,
        source_kind="extracted",
        job_id=JOB,
        **kw,  # type: ignore[arg-type]
    )


def test_the_lookup_asks_for_the_same_content_in_any_category() -> None:
    m = prepare(candidate("User is  Vegan", "preference"), "alice", T1)
    lookup = lookup_for(m)
    assert (lookup.category, lookup.base_key, lookup.content_hash) == ("preference", None, content_hash("user is vegan"))
    keyed = prepare(candidate("User lives in Rome", "fact", attribute_key="city", attribute_value="rome"), "alice", T1)
    assert (lookup_for(keyed).base_key, lookup_for(keyed).content_hash) == ("city", content_hash("User lives in Rome"))


def test_the_same_words_in_another_category_restate_the_stored_memory() -> None:
    vegan = Stored(id="m-1", user_id="alice", lineage_id="m-1", content="User is vegan", category="fact", importance=0.6)
    plan = plan_candidate(
        prepare(candidate("User is vegan.", "preference"), "alice", T1), None, [vegan], stated_by="alice", said_at=T1
    )
    assert (plan.decision.action, plan.decision.target_id) == (Action.REJECT, "m-1")
    assert plan.ops == (Reweigh("m-1", 0.65, ChangeType.IMPORTANCE_BOOST, "restated: exact duplicate"),)


def test_a_change_reads_its_attribute_in_every_category_too() -> None:
    # "now" makes the lookup read the whole category; the attribute must still be read in the
    # others, or "city" filed as a preference yesterday would collide with today's fact.
    now = prepare(
        candidate("User lives in Portland now", "fact", attribute_key="city", attribute_value="portland", change_cue=True),
        "alice",
        T1,
    )
    assert (lookup_for(now).category, lookup_for(now).base_key) == ("fact", "city")
    tucson = Stored(
        id="m-2", user_id="alice", lineage_id="m-2", content="User lives in Tucson", category="preference",
        importance=0.6, attribute_key="city", attribute_value="tucson",
    )  # fmt: skip
    plan = plan_candidate(now, "city", [tucson], stated_by="alice", said_at=T1)
    assert (plan.decision.action, plan.decision.target_id) == (Action.UPDATE, "m-2")

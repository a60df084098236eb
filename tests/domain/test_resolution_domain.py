"""Domain-aware routing inside the resolution planner: a domain memory's clash opens the
conflict its schema names, with both values in the question; other memories are untouched."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from accord.domain.conflict_rules import Action
from accord.domain.records import NewMemory, content_hash
from accord.domain.resolution import Archive, Insert, OpenConflict, Stored, plan_candidate, prepare

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
JOB = str(uuid.UUID(int=9))


def _candidate(content: str, key: str, value: str, hint: dict[str, str] | None, **kw: object) -> NewMemory:
    return NewMemory(
        id=str(uuid.uuid5(uuid.UUID(JOB), content)), user_id="stu", content=content, content_hash=content_hash(content),
        index_text=content, category="fact", importance=0.8, source_kind="extracted", job_id=JOB,
        attribute_key=key, attribute_value=value, hint=hint, **kw,  # type: ignore[arg-type]
    )


def _stored(content: str, key: str, value: str) -> Stored:
    return Stored(id="m-old", user_id="stu", lineage_id="m-old", content=content, category="fact", importance=0.8,
                  attribute_key=key, attribute_value=value, created_at=T0)


def _hint(route: str, change: str = "0") -> dict[str, str]:
    return {"domain": "edtech", "domain_field": "grade_level", "domain_route": route, "domain_change": change}


@pytest.mark.parametrize(
    ("route", "change", "action", "kind"),
    [("user", "0", Action.ASK_USER, "clarification"), ("update", "0", Action.UPDATE, None), ("user", "1", Action.UPDATE, None)],
)
def test_a_domain_clash_goes_where_its_schema_says(route: str, change: str, action: Action, kind: str | None) -> None:
    m = prepare(_candidate("Grade: 11", "edtech.grade_level", "11", _hint(route, change)), "stu", T1)
    planned = plan_candidate(m, m.attribute_key, [_stored("Grade: 10", "edtech.grade_level", "10")], stated_by="stu", said_at=T1)
    assert planned.decision.action is action and planned.decision.target_id == "m-old"
    conflicts = [op for op in planned.ops if isinstance(op, OpenConflict)]
    if kind is None:
        assert not conflicts and any(isinstance(op, Archive) and op.target == "m-old" for op in planned.ops)
    else:
        assert [c.kind for c in conflicts] == [kind] and conflicts[0].existing == "m-old"
        assert conflicts[0].question == "Which is right: 'Grade: 10' or 'Grade: 11'?"
        assert [op.memory.status for op in planned.ops if isinstance(op, Insert)] == ["pending"]


def test_an_institutional_clash_goes_to_tenant_review() -> None:
    m = prepare(_candidate("Policy (phone): phones allowed", "edtech.institution_policy.phone", "phones allowed",
                           {**_hint("tenant"), "domain_field": "institution_policy"}, scope="tenant"), "stu", T1)
    old = Stored(id="m-old", user_id="_tenant", lineage_id="m-old", content="Policy (phone): no phones", category="fact",
                 importance=0.8, attribute_key="edtech.institution_policy.phone", attribute_value="no phones", scope="tenant",
                 metadata={"stated_by": "someone-else"}, created_at=T0)
    planned = plan_candidate(m, m.attribute_key, [old], stated_by="stu", said_at=T1)
    assert planned.decision.action is Action.TENANT_REVIEW
    (conflict,) = [op for op in planned.ops if isinstance(op, OpenConflict)]
    assert conflict.kind == "review" and "no phones" in conflict.question and "phones allowed" in conflict.question


def test_a_memory_without_a_domain_hint_is_planned_as_before() -> None:
    m = prepare(_candidate("User is in grade 11", "grade", "11", None), "stu", T1)
    planned = plan_candidate(m, m.attribute_key, [_stored("User is in grade 10", "grade", "10")], stated_by="stu", said_at=T1)
    assert planned.decision.action is Action.UPDATE and not any(isinstance(op, OpenConflict) for op in planned.ops)

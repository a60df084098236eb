"""Domain-aware conflict routing, over the rules' decision.

A domain memory carries its field's routing in its resolution hint. When its value clashes
with the stored one: a personal fact (``user``: exam date, grade, weak topic, plan) with no
sign of change asks the user; an institutional fact (``tenant``: curriculum standard, policy,
price) goes to the tenant's review queue, whoever said it; a state (``update``) takes the
newest value. A statement of change ("my exam moved to 20 March") updates a personal fact.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from accord.domain.conflict_rules import Action, Decision

__all__ = ["route"]

_CLASH = (Action.UPDATE, Action.ASK_USER, Action.CROSS_USER_RECENCY, Action.CROSS_USER_CONFIDENCE, Action.TENANT_REVIEW)


def route(decision: Decision, hint: Mapping[str, str] | None, *, existing: str | None, candidate: str) -> Decision:
    """The decision for a domain memory; any other memory's decision is returned as it was."""
    if not hint or "domain_route" not in hint or decision.action not in _CLASH:
        return decision
    rule, changed = hint["domain_route"], hint.get("domain_change") == "1"
    question = f"Which is right: {existing!r} or {candidate!r}?" if existing else decision.question
    if rule == "tenant":
        return dataclasses.replace(
            decision, action=Action.TENANT_REVIEW, reason="an institutional fact changed: the tenant reviews it", question=question
        )
    if rule == "user" and not changed:
        return dataclasses.replace(
            decision, action=Action.ASK_USER, reason="a personal fact clashes with the stored one: the user confirms", question=question
        )
    return dataclasses.replace(decision, action=Action.UPDATE, reason=f"{hint.get('domain', 'domain')} state: the newest value holds")

"""The "People in their life" block of a context, built from the graph: pure rendering.

One line per person or pet the user (or the speaker) is related to, with what the graph
holds about them now: "- Anna (wife): occupation doctor; works at St. Mary's hospital".
Lines are made safe like every other context line, and the block never exceeds its budget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from accord.domain.graph import Entity, Relation
from accord.domain.safety import safe_line
from accord.domain.tokens import count_tokens

__all__ = ["PEOPLE_HEADING", "people_block"]

PEOPLE_HEADING = "Who is who in their life (from the entity graph):"
_PREDICATE_WORDS = {
    "works_at": "works at", "lives_in": "lives in", "studies_at": "studies at", "from": "from",
    "married_to": "married to", "likes": "likes", "uses": "uses", "occupation": "occupation",
}  # fmt: skip


def _facts(entity: Entity, relations: Sequence[Relation], entities: Mapping[str, Entity]) -> list[str]:
    out: list[str] = []
    for r in relations:
        if r.subject_id != entity.id:
            continue
        target = r.value if r.value is not None else (entities[r.object_id].name if r.object_id in entities else None)
        if target:
            out.append(f"{_PREDICATE_WORDS.get(r.predicate, r.predicate)} {target}")
    return out


def people_block(
    people: Sequence[tuple[Entity, str]],
    relations: Sequence[Relation],
    entities: Mapping[str, Entity],
    max_tokens: int,
    *,
    reserved: Sequence[str] = (),
) -> str:
    """The block for ``people`` (entity, how the user relates to them), best first; people
    that do not fit are left out, and an empty string when not even one fits."""
    lines: list[str] = []
    used = count_tokens(PEOPLE_HEADING)
    for entity, role in people:
        facts = _facts(entity, relations, entities)
        label = entity.name if entity.name.startswith("(") or not role else f"{entity.name} ({role})"
        text = label + (": " + "; ".join(facts) if facts else "")
        line = "- " + safe_line(text, reserved=(PEOPLE_HEADING, *reserved))
        cost = count_tokens(line)
        if used + cost > max_tokens:
            continue
        lines.append(line)
        used += cost
    return "\n".join([PEOPLE_HEADING, *lines]) if lines else ""

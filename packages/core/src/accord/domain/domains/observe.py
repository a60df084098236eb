"""One entry point for every schema's rules: built-in observers, or a custom schema's patterns
and keywords over the conversation and the general extraction's output."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from accord.domain.domains.edtech import observe_edtech
from accord.domain.domains.observation import Observation, item_name
from accord.domain.domains.schema import DomainSchema
from accord.domain.domains.support import observe_support
from accord.domain.domains.text import clip, sentences
from accord.domain.models import ExtractedMemory, Message

__all__ = ["observe"]

_CHANGE = re.compile(r"\b(?:now|changed|moved|switched|no longer|any ?more|new|updated|actually)\b", re.I)


def _custom(schema: DomainSchema, messages: Sequence[Message], extracted: Sequence[ExtractedMemory]) -> list[Observation]:
    out: list[Observation] = []
    for spec in schema.fields:
        patterns = [re.compile(p, re.IGNORECASE) for p in spec.patterns]
        for i, msg in enumerate(messages):
            if msg.role == "tool" or (spec.routing != "tenant" and msg.role != "user"):
                continue
            for s in sentences(msg.content):
                for p in patterns:
                    m = p.search(s)
                    if not m or not m.group("value"):
                        continue
                    value = clip(m.group("value").strip(" .,!?"), 200)
                    item = item_name(m.group("item")) if spec.many and m.groupdict().get("item") else None
                    if spec.type == "enum":
                        value = value.lower()
                    out.append(Observation(field=spec.name, value=value, item=item, change=bool(_CHANGE.search(s)), message_index=i))
                    break
        if spec.keywords and not spec.many:
            words = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in spec.keywords) + r")\b", re.I)
            taken = {o.message_index for o in out if o.field == spec.name}
            for e in extracted:
                if e.category.value == spec.category and words.search(e.content) and e.message_index not in taken:
                    out.append(Observation(field=spec.name, value=clip(e.content, 200), message_index=e.message_index, confidence=e.confidence))
    return out


def observe(
    schema: DomainSchema,
    messages: Sequence[Message],
    said_at: dt.datetime,
    *,
    extracted: Sequence[ExtractedMemory] = (),
    known: Mapping[str, Sequence[str]] | None = None,
) -> list[Observation]:
    """What the conversation says about the schema's fields, by rules.

    ``known`` names items the user already has (topics, exams, open issues), so a new mention
    joins the same item. A schema derived from a built-in one by name uses the built-in rules.
    """
    if schema.name == "edtech":
        return observe_edtech(messages, said_at, known)
    if schema.name == "support":
        return observe_support(messages, said_at, known)
    return _custom(schema, messages, extracted)

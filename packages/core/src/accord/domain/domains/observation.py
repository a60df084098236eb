"""What a domain observer finds in a conversation, and how it rides on the extraction.

An :class:`Observation` is one value of one field ("topic quadratic equations is weak"). It
becomes an extracted memory with a domain attribute key and a resolution hint, so it is saved
on the job with the rest of the extraction (a replay applies the same values), goes through
conflict resolution (:mod:`.routing`) and is exported and erased like any memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from accord.domain.domains.schema import DomainSchema
from accord.domain.models import Category, ExtractedMemory, Scope

__all__ = ["Observation", "from_extracted", "item_name", "to_extracted"]

_ITEM_JUNK = re.compile(r"[^\w\s'&+#/-]", re.UNICODE)


def item_name(text: str) -> str:
    """An item as a key part: lower case, one space, no dots, colons or ``@``, at most 60 characters."""
    cleaned = _ITEM_JUNK.sub(" ", text.lower().replace(".", " ").replace(":", " ").replace("@", " "))
    return " ".join(cleaned.split())[:60].strip()


class Observation(BaseModel):
    """One value of one field, as the rules or the LLM found it (also the LLM's output schema)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str = Field(max_length=32)
    value: str = Field(min_length=1, max_length=200)
    item: str | None = Field(default=None, max_length=60)
    detail: str | None = Field(default=None, max_length=300)  # "failed payment on the Growth plan"
    change: bool = False  # the statement says the value changed ("finally get it now", "moved to")
    message_index: int | None = Field(default=None, ge=0)
    confidence: float = Field(default=0.8, ge=0.0, le=1.0)


def _content(schema: DomainSchema, o: Observation) -> str:
    spec = schema.field(o.field)
    title = spec.title if spec is not None else o.field
    head = f"{title} ({o.item}): {o.value}" if o.item else f"{title}: {o.value}"
    return f"{head} - {o.detail}" if o.detail else head


def to_extracted(schema: DomainSchema, observations: Iterable[Observation]) -> list[ExtractedMemory]:
    """Extracted memories for the observations of known fields (others are dropped)."""
    out = []
    for o in observations:
        spec = schema.field(o.field)
        item = item_name(o.item) if o.item else None
        if spec is None or (spec.many and not item) or (spec.type == "enum" and o.value not in (spec.values or [])):
            continue
        o = o.model_copy(update={"item": item if spec.many else None})
        out.append(
            ExtractedMemory(
                content=_content(schema, o),
                category=Category(spec.category),
                attribute_key=schema.key(o.field, o.item),
                attribute_value=o.value.lower(),
                importance=0.8 if spec.routing != "update" else 0.7,
                confidence=o.confidence,
                message_index=o.message_index,
                scope=Scope.TENANT if spec.routing == "tenant" else Scope.USER,
                resolution_hint={
                    "domain": schema.name,
                    "domain_field": o.field,
                    "domain_route": spec.routing,
                    "domain_change": "1" if o.change else "0",
                    "domain_value": o.value,
                    **({"domain_detail": o.detail} if o.detail else {}),
                },
            )
        )
    return out


def from_extracted(extracted: Sequence[ExtractedMemory], schema_name: str) -> list[Observation]:
    """The observations a saved extraction carries for ``schema_name`` (for the state fold)."""
    out = []
    for e in extracted:
        hint = e.resolution_hint or {}
        if hint.get("domain") != schema_name or e.attribute_key is None:
            continue
        parts = e.attribute_key.split(".", 2)
        out.append(
            Observation(
                field=hint["domain_field"],
                value=hint.get("domain_value") or e.attribute_value or "",
                item=parts[2] if len(parts) == 3 else None,
                detail=hint.get("domain_detail"),
                change=hint.get("domain_change") == "1",
                message_index=e.message_index,
                confidence=e.confidence,
            )
        )
    return out

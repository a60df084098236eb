"""Domain schema documents: what a tenant's domain remembers, validated on upload.

A schema is a list of fields. Each field names the memory category that feeds it, whether it
holds one value or many (keyed by an item: one status per topic, one date per exam), its
routing when a new value clashes with the stored one, and optionally regular expressions that
find it in what the user says. A context template says how the profile reads in a prompt.

Routing: ``user`` (a personal fact: a clash without a sign of change asks the user), ``tenant``
(an institutional fact, shared by the tenant: a clash goes to the tenant's review queue) or
``update`` (a state that moves on: the newest value wins).
"""

from __future__ import annotations

import json
import re
import string
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from accord.errors import InvalidInputError

__all__ = [
    "BUILTIN_NAMES",
    "DomainField",
    "DomainSchema",
    "parse_schema_document",
    "schema_from_model",
]

BUILTIN_NAMES = frozenset({"general", "edtech", "support"})
_NAME = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
_CATEGORIES = ("preference", "fact", "goal", "procedure", "relationship", "expertise")
MAX_FIELDS = 40
MAX_PATTERNS = 20
MAX_DOCUMENT_CHARS = 64_000


class DomainField(BaseModel):
    """One field of a domain schema."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    label: str | None = None  # how the field reads in context ("Department"); defaults to the name
    type: Literal["text", "date", "number", "enum", "bool"] = "text"
    many: bool = False  # many values, each under an item ("topic" -> one status per topic)
    category: Literal["preference", "fact", "goal", "procedure", "relationship", "expertise"] = "fact"
    routing: Literal["user", "tenant", "update"] = "user"
    values: list[str] | None = None  # allowed values of an enum field
    # Regular expressions over one sentence of the user's; group ``value`` is the value, group
    # ``item`` the item of a many-valued field.
    patterns: list[str] = Field(default_factory=list, max_length=MAX_PATTERNS)
    # Words that make a memory of ``category`` from the general extraction feed this field.
    keywords: list[str] = Field(default_factory=list, max_length=50)
    description: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError("must be 2-32 characters: a lowercase letter, then lowercase letters, digits or _")
        return v

    @field_validator("patterns")
    @classmethod
    def _patterns(cls, v: list[str]) -> list[str]:
        for i, p in enumerate(v):
            try:
                compiled = re.compile(p, re.IGNORECASE)
            except re.error as e:
                raise ValueError(f"pattern {i} is not a regular expression: {e}") from e
            if "value" not in compiled.groupindex:
                raise ValueError(f"pattern {i} needs a named group (?P<value>...)")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> DomainField:
        if self.type == "enum" and not self.values:
            raise ValueError(f"field {self.name!r}: an enum field needs 'values'")
        if self.type != "enum" and self.values:
            raise ValueError(f"field {self.name!r}: 'values' is only for enum fields")
        if self.many and any("item" not in re.compile(p).groupindex for p in self.patterns):
            raise ValueError(f"field {self.name!r}: a many-valued field's patterns need a group (?P<item>...)")
        return self

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


class DomainSchema(BaseModel):
    """A domain schema: its name, version, fields and context template."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: int = Field(default=1, ge=1)
    description: str | None = None
    fields: list[DomainField] = Field(min_length=1, max_length=MAX_FIELDS)
    # "Department: {department}. Manager: {manager}." A sentence whose field has no value is left out.
    context_template: str | None = Field(default=None, max_length=2000)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError("must be 2-32 characters: a lowercase letter, then lowercase letters, digits or _")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> DomainSchema:
        names = [f.name for f in self.fields]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"field names must be unique; repeated: {', '.join(dupes)}")
        if self.context_template is not None:
            try:
                used = [f for _, f, _, _ in string.Formatter().parse(self.context_template) if f is not None]
            except ValueError as e:
                raise ValueError(f"context_template: {e}") from e
            unknown = sorted({u for u in used if u not in names})
            if unknown:
                raise ValueError(f"context_template names unknown fields: {', '.join(unknown)}")
        return self

    def field(self, name: str) -> DomainField | None:
        return next((f for f in self.fields if f.name == name), None)

    def key(self, field: str, item: str | None = None) -> str:
        """The attribute key of a field's memory: ``edtech.topic.quadratic equations``.

        Dots, not colons: a ``family:item`` key would let a change of one item replace another
        (see ``conflict_rules._family``)."""
        return f"{self.name}.{field}" if item is None else f"{self.name}.{field}.{item}"


def _problem(e: ValidationError) -> tuple[str, str]:
    """The first error as (field path, message): ``fields[2].patterns``, ``needs a group``."""
    err = e.errors()[0]
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
    return (f"schema.{path}" if path else "schema"), str(err["msg"]).removeprefix("Value error, ")


def parse_schema_document(document: Any) -> DomainSchema:
    """A schema from a dict, a JSON or YAML text, a :class:`DomainSchema`, or a pydantic model class.

    Raises:
        InvalidInputError: naming the offending part (``schema.fields[1].routing``).
    """
    if isinstance(document, DomainSchema):
        return document
    if isinstance(document, type) and issubclass(document, BaseModel):
        return schema_from_model(document)
    if isinstance(document, (bytes, bytearray)):
        document = document.decode("utf-8", errors="strict")
    if isinstance(document, str):
        if len(document) > MAX_DOCUMENT_CHARS:
            raise InvalidInputError("schema", f"is longer than {MAX_DOCUMENT_CHARS} characters")
        try:
            document = json.loads(document) if document.lstrip().startswith("{") else yaml.safe_load(document)
        except (json.JSONDecodeError, yaml.YAMLError) as e:
            raise InvalidInputError("schema", f"is neither JSON nor YAML: {e}") from e
    if not isinstance(document, dict):
        raise InvalidInputError("schema", "must be a mapping with 'name' and 'fields'")
    if document.get("name") in BUILTIN_NAMES:
        raise InvalidInputError("schema.name", f"{document['name']!r} is a built-in schema; choose another name")
    try:
        return DomainSchema.model_validate(document)
    except ValidationError as e:
        raise InvalidInputError(*_problem(e)) from e


_TYPES: dict[Any, str] = {str: "text", int: "number", float: "number", bool: "bool"}


def schema_from_model(model: type[BaseModel]) -> DomainSchema:
    """A schema from a pydantic model: each model field is a schema field.

    ``list[...]`` makes a many-valued field; ``json_schema_extra`` on a field may carry any
    other schema field option (``category``, ``routing``, ``patterns``, ``keywords``...); the
    model's ``model_config["json_schema_extra"]`` may carry ``name``, ``version`` and
    ``context_template`` (the name defaults to the class name in lower case).
    """
    import datetime as dt
    import typing

    extra = model.model_config.get("json_schema_extra") or {}
    if not isinstance(extra, dict):
        raise InvalidInputError("schema", "the model's json_schema_extra must be a dict")
    fields = []
    for name, info in model.model_fields.items():
        annotation, many = info.annotation, False
        if typing.get_origin(annotation) in (list, set, tuple):
            many, annotation = True, (typing.get_args(annotation) or (str,))[0]
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) is not None and len(args) == 1:
            annotation = args[0]  # Optional[X]
        spec: dict[str, Any] = {"name": name, "many": many, "description": info.description}
        if typing.get_origin(annotation) is typing.Literal:
            spec |= {"type": "enum", "values": [str(a) for a in typing.get_args(annotation)]}
        elif annotation in (dt.date, dt.datetime):
            spec["type"] = "date"
        else:
            spec["type"] = _TYPES.get(annotation, "text")
        field_extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        fields.append({**spec, **field_extra})
    document = {"name": model.__name__.lower(), **extra, "fields": fields}
    return parse_schema_document(document)

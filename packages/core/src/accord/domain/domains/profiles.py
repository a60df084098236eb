"""The profiles ``get_edtech_profile``, ``get_support_profile`` and ``get_domain_profile`` return."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DomainProfile",
    "DomainSchemaInfo",
    "DomainSetting",
    "EdTechProfile",
    "EscalationRisk",
    "Exam",
    "IssueEvent",
    "SupportIssue",
    "SupportProfile",
    "TopicStatus",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class DomainSetting(_Frozen):
    """A tenant's domain schema: ``general`` (none), ``edtech``, ``support`` or a custom one."""

    tenant_id: str
    domain_schema: str
    version: int | None = None  # a custom schema's version in force (None: built-in)
    updated_at: dt.datetime | None = None


class DomainSchemaInfo(_Frozen):
    name: str
    version: int
    builtin: bool
    created_at: dt.datetime | None = None
    document: dict[str, Any]


class Exam(_Frozen):
    name: str
    date: dt.date
    days_left: int
    memory_id: str | None = None


class TopicStatus(_Frozen):
    topic: str
    status: Literal["weak", "strong"]
    stage: int = 0  # reviews so far (the forgetting curve's stage)
    due: dt.datetime | None = None  # the next review
    retrievability: float | None = None  # estimated recall now, 0-1
    urgency: Literal["overdue", "due", "soon", "ok"] | None = None
    memory_id: str | None = None


class EdTechProfile(_Frozen):
    user_id: str
    grade_level: str | None = None
    curriculum: str | None = None
    exams: list[Exam] = Field(default_factory=list)
    weak_topics: list[TopicStatus] = Field(default_factory=list)
    strong_topics: list[TopicStatus] = Field(default_factory=list)
    learning_style: str | None = None
    session_preferences: dict[str, str] = Field(default_factory=dict)
    curriculum_standard: str | None = None
    institution_policies: dict[str, str] = Field(default_factory=dict)
    pending_clarifications: int = 0


class IssueEvent(_Frozen):
    status: Literal["opened", "updated", "resolved"]
    at: dt.datetime
    detail: str | None = None


class SupportIssue(_Frozen):
    type: str
    status: Literal["open", "resolved"]
    summary: str | None = None
    opened_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    contacts: int = 0
    history: list[IssueEvent] = Field(default_factory=list)
    memory_id: str | None = None


class EscalationRisk(_Frozen):
    level: Literal["low", "medium", "high"]
    signals: list[str] = Field(default_factory=list)


class SupportProfile(_Frozen):
    user_id: str
    open_issues: list[SupportIssue] = Field(default_factory=list)
    resolved_issues: list[SupportIssue] = Field(default_factory=list)
    plan: str | None = None
    products: list[str] = Field(default_factory=list)
    communication_preference: str | None = None
    resolution_preference: str | None = None
    support_type: str | None = None
    sentiment_trend: Literal["improving", "steady", "worsening", "unknown"] = "unknown"
    recent_sentiment: float | None = None
    escalation_risk: EscalationRisk = EscalationRisk(level="low")
    product_prices: dict[str, str] = Field(default_factory=dict)
    contacts: int = 0


class DomainProfile(_Frozen):
    """Any schema's profile: each field's value, or its items' values for a many-valued field."""

    user_id: str
    domain_schema: str
    version: int | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    summary: str = ""

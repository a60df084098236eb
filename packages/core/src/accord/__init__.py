"""Accord: a durable, versioned, conflict-free memory layer for AI agents.

Two lines in an application: ``add()`` after a conversation, ``get()`` before the next
model call::

    from accord import Accord

    memory = Accord()                                   # embedded, in ~/.accord
    memory.add("I'm vegetarian", user_id="alice", wait=True)
    memory.get("what should I cook tonight?", user_id="alice").system_prompt_addition
"""

from accord.domain.clock import ManualClock, SystemClock
from accord.errors import (
    AccordError,
    ConflictError,
    DataDirLockedError,
    DiskFullError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    ProviderError,
    SchemaOutOfDateError,
    StorageError,
)
from accord.domain.models import (
    AddResult,
    Category,
    ChangeType,
    ClarificationQuestion,
    Conflict,
    ConflictOption,
    FeedbackResult,
    MaintenanceReport,
    MemoryVersion,
    Scope,
    ContextResult,
    ExtractedMemory,
    ForgetReport,
    HealthReport,
    Job,
    JobStatus,
    Memory,
    MemorySource,
    MemoryStatus,
    ProviderHealth,
    Message,
    ServiceMode,
    SourceKind,
    StoreStats,
    UserStats,
)
from accord.settings import AccordSettings
from accord.engine.engine import AsyncAccord
from accord.engine.sync import Accord
from accord.remote.sync import AsyncRemoteAccord, RemoteAccord, connect, connect_async
from accord.domain.principal import Principal
from accord.interface import MemoryEngine

__version__ = "0.1.0"

from accord.domain.graph import Entity, EntityDetail, Relation, RelatedEntity

__all__ = [
    "Accord",
    "AsyncAccord",
    "connect",
    "connect_async",
    "RemoteAccord",
    "AsyncRemoteAccord",
    "Principal",
    "MemoryEngine",
    "AccordSettings",
    "AddResult",
    "ContextResult",
    "Memory",
    "MemorySource",
    "Message",
    "Category",
    "ChangeType",
    "ClarificationQuestion",
    "Conflict",
    "ConflictOption",
    "FeedbackResult",
    "MaintenanceReport",
    "MemoryVersion",
    "Scope",
    "MemoryStatus",
    "SourceKind",
    "ServiceMode",
    "ExtractedMemory",
    "Job",
    "JobStatus",
    "UserStats",
    "StoreStats",
    "ForgetReport",
    "HealthReport",
    "ProviderHealth",
    "ManualClock",
    "SystemClock",
    "AccordError",
    "InvalidInputError",
    "NotFoundError",
    "PermissionDeniedError",
    "ConflictError",
    "StorageError",
    "DataDirLockedError",
    "DiskFullError",
    "SchemaOutOfDateError",
    "ProviderError",
    "Entity",
    "EntityDetail",
    "Relation",
    "RelatedEntity",
]

"""Accord's error tree.

Every error Accord raises on purpose derives from :class:`AccordError`::

    AccordError
    ├── InvalidInputError      the caller passed something malformed (names the field)
    ├── NotFoundError          the memory, job, question or user does not exist for this caller
    ├── PermissionDeniedError  the caller's key or grant does not allow the operation
    ├── ConflictError          the request collides with the current state (e.g. a stale edit)
    ├── StorageError           a store (SQL, vector index, cache) failed
    │   ├── DataDirLockedError the embedded data dir is owned by another process
    │   └── SchemaOutOfDateError the database's schema is not the one this Accord needs
    └── ProviderError          an embedding or LLM provider failed
        └── ProviderUnavailable every LLM provider is down and the job waits (it is replayed later)

A blocked write (rate limit, low quality, duplicate, budget) is *not* an error: ``add()``
returns an ``AddResult`` with ``status="blocked"`` and a ``blocked_reason``.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "AccordError",
    "InvalidInputError",
    "NotFoundError",
    "PermissionDeniedError",
    "ConflictError",
    "StorageError",
    "DataDirLockedError",
    "SchemaOutOfDateError",
    "ProviderError",
    "ProviderUnavailable",
]


class AccordError(Exception):
    """Root of every error Accord raises on purpose."""

    code: str = "accord_error"


class InvalidInputError(AccordError, ValueError):
    """A caller passed a value Accord cannot accept; ``field`` names it."""

    code = "invalid_input"

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class NotFoundError(AccordError, LookupError):
    """The requested object does not exist, or is not visible to this caller."""

    code = "not_found"


class PermissionDeniedError(AccordError):
    """The caller's key, grant or consent does not allow the operation."""

    code = "permission_denied"


class ConflictError(AccordError):
    """The request collides with the current state of the data."""

    code = "conflict"


class StorageError(AccordError):
    """A store failed; the cause is chained as ``__cause__``."""

    code = "storage_error"


class DiskFullError(StorageError):
    """The disk under a store is full: writes are refused until space is freed.

    Nothing is wrong with the data, so a job that meets it waits and is replayed (it spends
    no attempt) instead of failing. Callers see the same code as any storage failure."""


class DataDirLockedError(StorageError):
    """Another process owns this embedded data dir."""

    code = "data_dir_locked"


class SchemaOutOfDateError(StorageError):
    """The database was made by another version of Accord; the message names the command."""

    code = "schema_out_of_date"


class ProviderError(AccordError):
    """An embedding or LLM provider failed."""

    code = "provider_error"


class ProviderUnavailable(ProviderError):
    """Every provider is down and the job must wait: keep it queued and replay it later.

    Attributes:
        retry_after_seconds: When a provider's breaker lets a probe through again.
        reasons: The per-provider reasons of the failure that caused the wait.
    """

    code = "llm_unavailable"

    def __init__(self, retry_after_seconds: float, reasons: Mapping[str, str] | None = None) -> None:
        self.retry_after_seconds = retry_after_seconds
        self.reasons = dict(reasons or {})
        super().__init__(f"no LLM provider is available; retry in {retry_after_seconds:.0f}s")

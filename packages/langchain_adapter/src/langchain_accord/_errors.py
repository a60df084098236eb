"""Accord's errors as LangChain and LangGraph callers expect them.

==========================  ==============================================================
Accord                      what the adapters raise
==========================  ==============================================================
``InvalidInputError``       unchanged: it already is a ``ValueError`` (LangChain and
                            LangGraph raise ``ValueError`` for bad arguments); ``.field``
                            names the argument at fault
``NotFoundError``           ``AccordStore.get`` returns ``None``; deleting a missing key is
                            a no-op (LangGraph's contract)
``PermissionDeniedError``   ``PermissionError`` (the key's grant or the user's consent does
                            not allow it); the Accord error is chained as ``__cause__``
``StorageError``,           unchanged: runtime failures of a store or a provider, for which
``ProviderError``,          neither framework has a type of its own
``ConflictError``
a blocked write             ``WriteBlockedError`` from ``AccordStore.put`` (a put that
(``AddResult.status ==      stored nothing must not look like success); the tools return
"blocked"``)                the reason to the model instead
any ``AccordError`` in a    ``ToolException``: with ``handle_tool_error=True`` the model
tool                        reads the message and the agent carries on
==========================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from accord import AddResult, PermissionDeniedError

__all__ = ["WriteBlockedError", "mapped_errors", "raise_if_blocked"]


class WriteBlockedError(RuntimeError):
    """Accord's write gate refused a store write; nothing was stored.

    Attributes:
        reason: ``rate_limit_exceeded``, ``low_quality``, ``duplicate`` or ``budget_exhausted``.
        retry_after_seconds: when a rate-limited write may be retried.
    """

    def __init__(self, reason: str, retry_after_seconds: float | None = None) -> None:
        self.reason = reason
        self.retry_after_seconds = retry_after_seconds
        retry = f"; retry after {retry_after_seconds:.1f} s" if retry_after_seconds else ""
        super().__init__(f"Accord did not store the value: {reason}{retry}")


def raise_if_blocked(result: AddResult) -> AddResult:
    if result.status == "blocked":
        raise WriteBlockedError(result.blocked_reason or "blocked", result.retry_after_seconds)
    return result


@contextmanager
def mapped_errors() -> Iterator[None]:
    """Re-raise Accord's errors as the frameworks' own (see the table above)."""
    try:
        yield
    except PermissionDeniedError as e:
        raise PermissionError(str(e)) from e

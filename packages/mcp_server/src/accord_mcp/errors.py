"""Accord's errors as messages a model can read: ``ToolError`` for tools, ``ResourceError`` for resources.

Only :class:`accord.AccordError` is mapped. Anything else is a bug: the SDK answers with a
generic "Error executing tool X" and logs the traceback on the server, so no traceback, key
or internal detail reaches the client.

==========================  =====================================================
engine error                message the model reads
==========================  =====================================================
``InvalidInputError``       ``invalid input: <field>: <problem>``
``PermissionDeniedError``   ``permission denied: <what the grant does not allow>``
``NotFoundError``           ``not found: <what>``
other ``AccordError``       ``<code>: <message>`` (e.g. ``storage error: ...``)
==========================  =====================================================
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from accord import AccordError, InvalidInputError, NotFoundError, PermissionDeniedError
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INTERNAL_ERROR, INVALID_PARAMS

__all__ = ["message_for", "prompt_errors", "resource_errors", "tool_errors"]

log = logging.getLogger("accord_mcp")


def message_for(error: AccordError) -> str:
    """The one-line message a model reads for an engine error."""
    if isinstance(error, InvalidInputError):
        return f"invalid input: {error.field}: {error.problem}"
    if isinstance(error, PermissionDeniedError):
        return f"permission denied: {error}"
    if isinstance(error, NotFoundError):
        return f"not found: {error}"
    return f"{error.code.replace('_', ' ')}: {error}"


def _is_callers_fault(error: AccordError) -> bool:
    return isinstance(error, (InvalidInputError, PermissionDeniedError, NotFoundError))


@contextlib.contextmanager
def tool_errors() -> Iterator[None]:
    """Turn an :class:`accord.AccordError` raised inside into a :class:`ToolError`."""
    try:
        yield
    except AccordError as e:
        if not _is_callers_fault(e):
            log.warning("tool failed: %s", message_for(e), exc_info=e)
        raise ToolError(message_for(e)) from None


@contextlib.contextmanager
def resource_errors() -> Iterator[None]:
    """Turn an :class:`accord.AccordError` raised inside into a :class:`ResourceError`.

    Bad input (an invalid id) and a memory the caller may not see read as "not found"
    (-32602, SEP-2164), like an unknown URI; anything else is -32603.
    """
    try:
        yield
    except (InvalidInputError, NotFoundError) as e:
        raise ResourceNotFoundError(message_for(e)) from None
    except AccordError as e:
        if not _is_callers_fault(e):
            log.warning("resource read failed: %s", message_for(e), exc_info=e)
        raise ResourceError(message_for(e)) from None


@contextlib.contextmanager
def prompt_errors() -> Iterator[None]:
    """Turn an engine error (or a missing user id) inside a prompt or completion into a protocol error.

    The caller's fault (bad input, no default user, a grant that does not allow it, nothing
    there) is ``-32602`` with the readable message; anything else is ``-32603``.
    """
    try:
        yield
    except ToolError as e:  # Caller.user_id: no user_id and no default user
        raise MCPError(code=INVALID_PARAMS, message=str(e)) from None
    except AccordError as e:
        if not _is_callers_fault(e):
            log.warning("prompt failed: %s", message_for(e), exc_info=e)
        raise MCPError(code=INVALID_PARAMS if _is_callers_fault(e) else INTERNAL_ERROR, message=message_for(e)) from None

"""Secrets out of the access log.

A key sent in the URL (``?api_key=acc_...``) is refused, but uvicorn's access log writes the
request line as it came. This filter rewrites the value of every query parameter whose name
says it carries a secret, and anything shaped like an Accord key, before the line is written.
Both servers (``accord serve`` and ``accord-mcp``'s streamable HTTP) install it.
"""

from __future__ import annotations

import logging
import re

__all__ = ["REDACTED", "RedactSecrets", "install_access_log_redaction", "redact"]

REDACTED = "[redacted]"
# A query parameter named like a secret: api_key, key, token, access_token, secret, password, auth...
_SECRET_PARAM = re.compile(r"(?i)([?&;](?:[^=&;#\s]*(?:key|token|secret|passw|auth|sig)[^=&;#\s]*)=)[^&;#\s]*")
# Accord's own key shapes (agent keys, user tokens, operator keys), wherever they appear.
_KEY_SHAPE = re.compile(r"\b(ac[a-z])_[A-Za-z0-9_\-]{8,}")


def redact(text: str) -> str:
    """``text`` with secret-named query values and Accord-shaped keys replaced by ``[redacted]``."""
    return _KEY_SHAPE.sub(rf"\1_{REDACTED}", _SECRET_PARAM.sub(rf"\1{REDACTED}", text))


class RedactSecrets(logging.Filter):
    """Rewrites a record's message arguments (uvicorn passes the path as one) and its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_access_log_redaction(logger_name: str = "uvicorn.access") -> None:
    """Add the filter to uvicorn's access logger, once. Call it after ``uvicorn.Config()``,
    which (re)configures that logger."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())

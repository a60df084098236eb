"""Process logging for the long-running commands: plain text for a terminal, or one JSON object
per line (``--log-format json`` / ``ACCORD_LOG_FORMAT=json``) for a log pipeline. Every record
carries the id of the HTTP request it was written under (``request_id``, null outside one).
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

from accord.server.probes import current_request_id

__all__ = ["LogFormat", "configure_logging"]

LogFormat = Literal["text", "json"]
_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def configure_logging(fmt: LogFormat, level: str = "info") -> logging.Handler:
    """Send every logger (uvicorn's too) to one stderr handler in ``fmt``; returns the handler."""
    handler = logging.StreamHandler(sys.stderr)
    formatter: logging.Formatter
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        formatter = JsonFormatter(
            _FIELDS,
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            json_ensure_ascii=False,
        )
    else:
        formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn's own handlers would print a second, unstructured copy.
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    return handler

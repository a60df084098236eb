"""A full disk is reported in words an operator acts on, on every backend, without the driver's text.
(The fault suite, scripts/fault_suite.py, fills a real tmpfs under a running server.)"""

from __future__ import annotations

import errno
import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from accord.adapters.sql.engine_factory import _storage_error


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full")),
        OperationalError("INSERT", {}, Exception('could not extend file "base/16384/2619": No space left on device')),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
)
def test_a_full_disk_says_so(error: BaseException) -> None:
    message = str(_storage_error("storing the messages", "sqlite", error))
    assert message == "storing the messages failed on sqlite: the disk is full; writes are refused until space is freed"


def test_other_failures_keep_their_cause() -> None:
    error = OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))
    assert "database is locked" in str(_storage_error("a read", "sqlite", error))

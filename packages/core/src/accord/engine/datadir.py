"""Ownership of an embedded data dir: one process at a time (Qdrant Edge allows one owner)."""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import IO

from accord.errors import DataDirLockedError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: Qdrant Edge's own lock still refuses a second owner
    fcntl = None  # type: ignore[assignment]


class DataDirLock:
    """An exclusive, advisory lock on ``<data_dir>/accord.lock`` that names its owner."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "accord.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the lock's lifetime
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as e:
                handle.seek(0)
                owner = handle.read().strip() or "{}"
                handle.close()
                raise DataDirLockedError(_locked_message(self.path.parent, owner)) from e
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "command": " ".join(sys.argv)[:300],
                    "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                }
            )
        )
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            self._file.close()  # closing drops the flock
            self._file = None


def _locked_message(data_dir: Path, owner_json: str) -> str:
    try:
        owner = json.loads(owner_json)
    except json.JSONDecodeError:
        owner = {}
    who = (
        f"process {owner.get('pid', '?')} on {owner.get('host', '?')} ({owner.get('command', 'unknown command')}, "
        f"since {owner.get('since', '?')})"
    )
    return (
        f"the Accord data dir {data_dir} is already owned by {who}. An embedded data dir has one owner "
        "process; to share one memory between several processes, run `accord serve` and connect to it "
        "with accord.connect(url, api_key), or give this process its own data dir (ACCORD_DATA_DIR)."
    )
